from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from kerne import sikkerhedskopi


class Command(BaseCommand):
    help = (
        "Genskaber en sikkerhedskopi fra `sikkerhedskopi` i databasen, som DATABASE_URL peger på. Databasen skal "
        "være tom, medmindre --overskriv gives. Slutter med samme kontrol som verificer_runder: hver låst "
        "budgetopfølgnings tal, gemte bilag og frosne omstillingsopfølgning skal være uændrede."
    )

    def add_arguments(self, parser):
        parser.add_argument("fil", type=Path, help="sikkerhedskopien")
        parser.add_argument("--overskriv", action="store_true", help="erstat alt i en database, der ikke er tom")

    def handle(self, *args, **options):
        fil: Path = options["fil"]
        try:
            sikkerhedskopi.genskab_kopi(fil, overskriv=options["overskriv"])
        except sikkerhedskopi.SikkerhedskopiFejl as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Genskabt fra {fil}. Kontrollerer de låste budgetopfølgninger:")
        call_command("verificer_runder", stdout=self.stdout, stderr=self.stderr)
