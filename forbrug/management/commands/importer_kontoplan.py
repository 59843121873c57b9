from django.core.management.base import BaseCommand

from forbrug.management.commands._faelles import afvist, laes_fil
from forbrug.services import importer_kontoplan
from kerne.indlaesning import ImportFejl


class Command(BaseCommand):
    help = (
        "Importerer et års kontoplan: hvilken ramme (og placering, evt. aktivitet) hver konto hører til. CSV (UTF-8, "
        "semikolon) eller XLSX med overskriften konto;ramme;placering og evt. aktivitet. Alt eller intet: en fil med "
        "fejl ændrer ingenting, og hver fejl nævner linje og kolonne."
    )

    def add_arguments(self, parser):
        parser.add_argument("fil", help="CSV- eller XLSX-fil med overskriften konto;ramme;placering[;aktivitet]")
        parser.add_argument("--aar", type=int, required=True, help="Budgetåret, fx 2024")

    def handle(self, *args, **options):
        data, navn = laes_fil(options["fil"])
        try:
            resultat = importer_kontoplan(data=data, filnavn=navn, aar=options["aar"])
        except ImportFejl as exc:
            raise afvist(self, navn, exc) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Kontoplan {options['aar']}: {resultat.oprettet} konti oprettet, {resultat.opdateret} ændret."
            )
        )
