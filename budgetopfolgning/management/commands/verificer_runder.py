from django.core.management.base import BaseCommand, CommandError

from budgetopfolgning import selectors
from budgetopfolgning.models import Opfoelgning


class Command(BaseCommand):
    help = (
        "Genberegner SHA-256 af tallene i hver låst budgetopfølgning og sammenligner med den, der blev gemt ved "
        "låsningen. Afslutter med fejl, hvis en runde er ændret efter låsning."
    )

    def handle(self, *args, **options):
        afvigende = []
        runder = (
            Opfoelgning.objects.filter(status=Opfoelgning.LAAST).select_related("aar").order_by("aar__aar", "nummer")
        )
        for runde in runder:
            beregnet = selectors.tal_sha256(runde)
            if beregnet == runde.tal_sha256:
                self.stdout.write(f"OK      {runde}  {beregnet}")
            else:
                afvigende.append(runde)
                self.stderr.write(f"AFVIGER {runde}: gemt {runde.tal_sha256 or '(ingen)'}, beregnet {beregnet}")
        if afvigende:
            raise CommandError(f"{len(afvigende)} låst(e) budgetopfølgning(er) er ændret efter låsningen.")
        self.stdout.write(self.style.SUCCESS(f"{runder.count()} låste budgetopfølgninger er uændrede."))
