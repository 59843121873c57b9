import hashlib

from django.core.management.base import BaseCommand, CommandError

from budgetopfolgning import laasning, selectors
from budgetopfolgning.models import Opfoelgning


def _problemer(runde: Opfoelgning) -> list[str]:
    """Everything that differs in a locked round from what was recorded when it was locked."""
    problemer = []
    beregnet = selectors.tal_sha256(runde)
    if beregnet != runde.tal_sha256:
        problemer.append(f"tallene: gemt {runde.tal_sha256 or '(ingen)'}, beregnet {beregnet}")
    if runde.bilag_pdf is None or not runde.bilag_sha256:
        problemer.append("bilaget er ikke gemt")
    else:
        bilag = hashlib.sha256(bytes(runde.bilag_pdf)).hexdigest()
        if bilag != runde.bilag_sha256:
            problemer.append(f"bilaget: gemt {runde.bilag_sha256}, beregnet {bilag}")
    for frysning in laasning.frysninger():
        problem = frysning.verificer(runde)
        if problem:
            problemer.append(problem)
    return problemer


class Command(BaseCommand):
    help = (
        "Kontrollerer hver låst budgetopfølgning mod det, der blev gemt ved låsningen: genberegner SHA-256 af "
        "tallene, af det gemte bilag (PDF) og af den frosne opfølgning på omstillingsforslag. Afslutter med fejl, "
        "hvis noget er ændret efter låsning."
    )

    def handle(self, *args, **options):
        afvigende = []
        runder = (
            Opfoelgning.objects.filter(status=Opfoelgning.LAAST).select_related("aar").order_by("aar__aar", "nummer")
        )
        for runde in runder:
            problemer = _problemer(runde)
            if problemer:
                afvigende.append(runde)
                for problem in problemer:
                    self.stderr.write(f"AFVIGER {runde}: {problem}")
            else:
                self.stdout.write(f"OK      {runde}  {runde.tal_sha256}")
        if afvigende:
            raise CommandError(f"{len(afvigende)} låst(e) budgetopfølgning(er) er ændret efter låsningen.")
        self.stdout.write(self.style.SUCCESS(f"{runder.count()} låste budgetopfølgninger er uændrede."))
