import hashlib

from django.core.management.base import BaseCommand, CommandError

from budgetopfolgning import laasning, selectors
from budgetopfolgning.models import Opfoelgning


def _problemer(opfoelgning: Opfoelgning) -> list[str]:
    """Everything that differs in a locked round from what was recorded when it was locked."""
    problemer = []
    beregnet = selectors.tal_sha256(opfoelgning)
    if beregnet != opfoelgning.tal_sha256:
        problemer.append(f"tallene: gemt {opfoelgning.tal_sha256 or '(ingen)'}, beregnet {beregnet}")
    if opfoelgning.bilag_pdf is None or not opfoelgning.bilag_sha256:
        problemer.append("bilaget er ikke gemt")
    else:
        bilag = hashlib.sha256(bytes(opfoelgning.bilag_pdf)).hexdigest()
        if bilag != opfoelgning.bilag_sha256:
            problemer.append(f"bilaget: gemt {opfoelgning.bilag_sha256}, beregnet {bilag}")
    for frysning in laasning.frysninger():
        problem = frysning.verificer(opfoelgning)
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
        opfoelgninger = (
            Opfoelgning.objects.filter(status=Opfoelgning.LAAST).select_related("aar").order_by("aar__aar", "nummer")
        )
        for opfoelgning in opfoelgninger:
            problemer = _problemer(opfoelgning)
            if problemer:
                afvigende.append(opfoelgning)
                for problem in problemer:
                    self.stderr.write(f"AFVIGER {opfoelgning}: {problem}")
            else:
                self.stdout.write(f"OK      {opfoelgning}  {opfoelgning.tal_sha256}")
        if afvigende:
            raise CommandError(f"{len(afvigende)} låst(e) budgetopfølgning(er) er ændret efter låsningen.")
        self.stdout.write(self.style.SUCCESS(f"{opfoelgninger.count()} låste budgetopfølgninger er uændrede."))
