import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from rammeindsigt import indlaesning

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
FILER = (
    ("regnskab_2018_30_46.json", indlaesning.indlaes_regnskab),
    ("ledelsesinformation_2023_30_46.json", indlaesning.indlaes_ledelsesinformation),
    ("budgetmodel_2018.json", indlaesning.indlaes_budgetmodel),
)


class Command(BaseCommand):
    help = (
        "Indlæser rammedata fra fixtures/: årsregnskab 2018 og ledelsesinformation 2023 for 30.46 og budgetmodellen "
        "2018 for 20.02 (med eksempeltal). Opretter manglende budgetår, udvalg og rammer. Alt eller intet; kan køres "
        "igen uden at ændre noget. Med --overskriv erstattes allerede indlæste data med filernes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--overskriv",
            action="store_true",
            help="Erstat allerede indlæste årsregnskaber, ledelsesinformation og budgetmodeller (også tal indtastet "
            "siden).",
        )
        parser.add_argument(
            "--mappe", type=Path, default=FIXTURES, help="Mappen med JSON-filerne (standard: fixtures/)."
        )

    def handle(self, *args, overskriv=False, mappe=FIXTURES, **options):
        data = []
        for filnavn, indlaes in FILER:
            sti = mappe / filnavn
            try:
                data.append((filnavn, indlaes, json.loads(sti.read_text(encoding="utf-8"))))
            except OSError as exc:
                raise CommandError(f"{sti} kan ikke læses: {exc.strerror}.") from exc
            except json.JSONDecodeError as exc:
                raise CommandError(f"{sti} er ikke gyldig JSON (linje {exc.lineno}): {exc.msg}.") from exc
        # One transaction for all three files: a problem in the last leaves the first unwritten too.
        beskeder = []
        with transaction.atomic():
            for filnavn, indlaes, indhold in data:
                try:
                    beskeder.append(f"{filnavn}: {indlaes(data=indhold, overskriv=overskriv)}")
                except indlaesning.Rammedatafejl as exc:
                    raise CommandError(f"Intet er indlæst. {filnavn}: {exc}") from exc
                except (KeyError, TypeError, AttributeError) as exc:
                    raise CommandError(f"Intet er indlæst. {filnavn} har en uventet opbygning ({exc!r}).") from exc
        for besked in beskeder:
            self.stdout.write(besked)
        self.stdout.write(self.style.SUCCESS("Rammedata er klar."))
