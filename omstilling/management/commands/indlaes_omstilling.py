import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from omstilling.indlaesning import Katalogfejl, indlaes_katalog


class Command(BaseCommand):
    help = (
        "Indlæser et katalog over omstillingsforslag fra en JSON-fil (formatet i fixtures/omstilling_2019.json). "
        "Alt eller intet: er der én fejl i filen, indlæses intet. Findes kataloget allerede, ændres intet, "
        "medmindre --opdater er givet; så overskrives de felter, der afviger fra filen."
    )

    def add_arguments(self, parser):
        parser.add_argument("fil", help="Stien til JSON-filen, fx fixtures/omstilling_2019.json")
        parser.add_argument(
            "--opdater",
            action="store_true",
            help="Bring et eksisterende katalog i overensstemmelse med filen (ændringerne kommer i historikken).",
        )

    def handle(self, *args, fil, opdater=False, **options):
        sti = Path(fil)
        try:
            data = json.loads(sti.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise CommandError(f"Filen {sti} findes ikke.") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(f"{sti} er ikke gyldig JSON: {exc}") from exc
        try:
            resultat = indlaes_katalog(data=data, kilde=sti.name, opdater=opdater)
        except Katalogfejl as exc:
            raise CommandError(f"{sti} er ikke indlæst. Ret disse fejl:\n" + "\n".join(exc.fejl)) from exc

        katalog = resultat.katalog
        antal = katalog.forslag.count()
        if resultat.oprettet:
            self.stdout.write(self.style.SUCCESS(f"{katalog} indlæst: {antal} forslag."))
        elif opdater:
            self.stdout.write(
                self.style.SUCCESS(f"{katalog} opdateret fra {sti.name}: {resultat.aendrede} rækker ændret.")
            )
            if resultat.kun_i_databasen:
                self.stdout.write(
                    "Disse forslag findes kun i databasen og er ikke rørt: " + ", ".join(resultat.kun_i_databasen)
                )
        else:
            self.stdout.write(f"{katalog} findes allerede ({antal} forslag). Intet er ændret.")
