from django.core.management.base import BaseCommand

from forbrug.management.commands._faelles import afvist, laes_fil
from forbrug.services import importer_forbrug
from kerne.beloeb import dansk_tal
from kerne.indlaesning import ImportFejl


class Command(BaseCommand):
    help = (
        "Importerer forbrug fra økonomisystemet pr. konto og måned: CSV (UTF-8, semikolon) eller XLSX med overskriften "
        "konto;maaned;beloeb. Filen erstatter årets forbrug for de måneder, den indeholder; andre måneder røres ikke. "
        "Alt eller intet: en fil med fejl ændrer ingenting, og hver fejl nævner linje og kolonne."
    )

    def add_arguments(self, parser):
        parser.add_argument("fil", help="CSV- eller XLSX-fil med overskriften konto;maaned;beloeb")
        parser.add_argument("--aar", type=int, required=True, help="Budgetåret, fx 2024")
        parser.add_argument(
            "--udelad-ukendte",
            action="store_true",
            help="Importér selvom nogle konti ikke findes i kontoplanen; deres forbrug vises som "
            "»Ikke fordelt forbrug«",
        )

    def handle(self, *args, **options):
        data, navn = laes_fil(options["fil"])
        try:
            resultat = importer_forbrug(
                data=data, filnavn=navn, aar=options["aar"], udelad_ukendte=options["udelad_ukendte"]
            )
        except ImportFejl as exc:
            raise afvist(self, navn, exc) from exc
        maaneder = ", ".join(str(m) for m in resultat.maaneder)
        besked = f"Forbrug {options['aar']}: {resultat.linjer} linjer importeret for måned {maaneder}."
        if resultat.udeladte_konti:
            besked += (
                f" {resultat.udeladte_konti} konti findes ikke i kontoplanen; deres forbrug på "
                f"{dansk_tal(resultat.ikke_fordelt, 2)} kr. er ikke fordelt."
            )
        self.stdout.write(self.style.SUCCESS(besked))
