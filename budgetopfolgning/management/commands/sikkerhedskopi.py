from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kerne import sikkerhedskopi


class Command(BaseCommand):
    help = (
        "Skriver en sikkerhedskopi af databasen, som DATABASE_URL peger på, til FIL: på SQLite med SQLites "
        "backup-API (sikkert, mens serveren kører), på PostgreSQL med pg_dump (custom-format). "
        "Genskabes med `genskab FIL`."
    )

    def add_arguments(self, parser):
        parser.add_argument("fil", type=Path, help="hvor sikkerhedskopien skrives (erstattes, hvis den findes)")

    def handle(self, *args, **options):
        fil: Path = options["fil"]
        try:
            sikkerhedskopi.tag_kopi(fil)
        except sikkerhedskopi.SikkerhedskopiFejl as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Sikkerhedskopi skrevet til {fil} ({fil.stat().st_size} bytes)."))
