from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from budgetopfolgning.indlaesning import MAKS_FEJL
from budgetopfolgning.models import Opfoelgning
from budgetopfolgning.services import ImportFejl, importer_budget
from kerne.tekst import antal


def _dato(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"»{value}« er ikke en dato på formen ÅÅÅÅ-MM-DD.") from exc


class Command(BaseCommand):
    help = (
        "Importerer en budgetopfølgnings tal fra en CSV-fil (UTF-8, semikolon) eller XLSX-fil (første ark). "
        "Alt eller intet: en fil med fejl ændrer ingenting, og hver fejl nævner linje og kolonne."
    )

    def add_arguments(self, parser):
        parser.add_argument("fil", help="CSV- eller XLSX-fil med overskriftslinjen "
                            "udvalg;ramme;ramme_navn;serviceramme;oprindeligt_budget;korrektioner;forventet_forbrug")
        parser.add_argument("--aar", type=int, required=True, help="Budgetåret, fx 2024")
        parser.add_argument("--opfolgning", type=int, required=True, help="Budgetopfølgningens nummer, fx 1")
        parser.add_argument(
            "--pr-dato",
            type=_dato,
            help="Opfølgningens pr.-dato (ÅÅÅÅ-MM-DD), i budgetåret. Uden den: sidste dag i måneden før i dag, hvis "
            "den ligger i budgetåret",
        )
        parser.add_argument("--dato", type=_dato, help="Dokumentets dato (ÅÅÅÅ-MM-DD)")
        parser.add_argument("--sagsnr", default="")
        parser.add_argument("--center", default="")
        parser.add_argument("--kontakt", default="", help="Kontaktpersonens navn")
        parser.add_argument("--telefon", default="")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--navn", default="",
            help="Budgetopfølgningens navn, fx »Budgetopfølgning pr. 31. marts 2025« (uden: »Første budgetopfølgning "
            "2025« osv.)",
        )
        parser.add_argument("--bilag", default="", help="Bilagets nummer, fx »Bilag 3« (uden: kommunens standard)")
        parser.add_argument(
            "--laas",
            action="store_true",
            help="Lås budgetopfølgningen med det samme (med kontrolsum og bilag), fx for at indlæse et tidligere års "
            "opfølgninger i rækkefølge",
        )

    def handle(self, *args, **options):
        path = Path(options["fil"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Filen {path} kan ikke læses: {exc.strerror}") from exc
        if options["opfolgning"] < 1:
            raise CommandError("Opfølgningens nummer skal være 1 eller derover.")
        metadata = {
            "sagsnr": options["sagsnr"],
            "kontakt_center": options["center"],
            "kontakt_navn": options["kontakt"],
            "kontakt_telefon": options["telefon"],
            "kontakt_email": options["email"],
            "navn": options["navn"],
            "bilagsbetegnelse": options["bilag"],
        }
        for felt, navn in (("navn", "--navn"), ("bilagsbetegnelse", "--bilag")):
            graense = getattr(Opfoelgning._meta.get_field(felt), "max_length", None) or 0
            if len(metadata[felt]) > graense:
                raise CommandError(f"{navn} må højst have {graense} tegn.")
        try:
            resultat = importer_budget(
                data=data,
                filnavn=path.name,
                aar=options["aar"],
                nummer=options["opfolgning"],
                pr_dato=options["pr_dato"],
                dokumentdato=options["dato"],
                metadata=metadata,
                laas=options["laas"],
            )
        except ImportFejl as exc:
            for linje in exc.fejl:
                self.stderr.write(linje)
            vist = f"de første {MAKS_FEJL} fejl er vist" if len(exc.fejl) >= MAKS_FEJL else f"{len(exc.fejl)} fejl"
            raise CommandError(f"{path.name} blev ikke importeret ({vist}); intet er ændret.") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{resultat.opfoelgning}: {antal(resultat.oprettet, 'linje', 'linjer')} oprettet, "
                f"{antal(resultat.opdateret, 'linje', 'linjer')} opdateret"
                + (", og den er låst." if options["laas"] else ".")
            )
        )
