import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from budgetopfolgning.bilag import frys_bilag
from budgetopfolgning.indtastning import Aktivitetstal, indfoer_aktiviteter
from budgetopfolgning.models import Opfoelgning
from budgetopfolgning.services import aabn_opfoelgning, importer_budget, laas_opfoelgning
from forbrug.models import Forbrug, Periodiseringsvalg, Rammeperiodisering
from forbrug.services import importer_forbrug, importer_kontoplan
from kerne import roller
from kerne.logo import tjek_logo
from kerne.models import Kommune
from rammer.models import Bevillingsramme, Budgetaar, Rammeansvar, Rammedel, Udvalg

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
EKSEMPEL = FIXTURES / "eksempel"

KONTAKT = {
    "sagsnr": "00.30.14-G01-2-24",
    "kontakt_center": "Center for Økonomi",
    "kontakt_navn": "Mikkel Elkjær",
    "kontakt_telefon": "2069 1302",
    "kontakt_email": "økonomi@balk.dk",
}


AKTIVITETER_30_36 = [
    Aktivitetstal("Specialskoler og specialklasser", Decimal("70000000"), Decimal("-1500000"), Decimal("64000000")),
    Aktivitetstal(
        "Specialundervisning i andre kommuner og regioner",
        Decimal("30900000"),
        Decimal("-800000"),
        Decimal("26600000"),
    ),
    Aktivitetstal("Støtte i almenskolen", Decimal("18000000"), Decimal("0"), Decimal("17000000")),
]

# The ramme parts of 2023 the demo's forbrug needs (our own figures, like the forbrug files; see fixtures/README.md),
# so 2024 has a last year to periodise from.
DELE_2023 = [
    ("10.30", Rammedel.INDEN, Decimal("95800000")),
    ("10.30", Rammedel.UDEN, Decimal("-1650000")),
    ("20.02", Rammedel.INDEN, Decimal("96100000")),
    ("30.46", Rammedel.INDEN, Decimal("171200000")),
    ("30.46", Rammedel.UDEN, Decimal("13900000")),
    ("30.50", Rammedel.INDEN, Decimal("305000000")),
]
# Every periodisering method in 2024; the other parts follow the default rule (10.30 inden: last year; 10.30 uden,
# an income with a negative total last year, and 40.35 inden, with no last year: 1/12 a month).
PERIODISERING_2024 = [
    ("20.02", Rammedel.INDEN, Periodiseringsvalg.GENNEMSNIT, ""),
    ("30.46", Rammedel.INDEN, Periodiseringsvalg.MANUEL, "8;8;8;8;8;8;8;8;8;8;10;10"),
    ("30.46", Rammedel.UDEN, Periodiseringsvalg.LIGELIG, ""),
    ("30.50", Rammedel.INDEN, Periodiseringsvalg.SIDSTE_AAR, ""),
]


class Command(BaseCommand):
    help = (
        "Indlæser demodata (Ballerup Kommunes 1. budgetopfølgning 2024, låst, og en åben 2. opfølgning) og "
        "demobrugerne okonomi, konsulent og udvalg med adgangskoden »demo«. Kan køres igen uden at ændre noget. "
        "Med --kommune eksempel indlæses i stedet den opdigtede Fjordby Kommune (fixtures/eksempel/)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--kommune", choices=["ballerup", "eksempel"], default="ballerup",
            help="Hvilken kommunes demodata: ballerup (standard) eller eksempel (Fjordby Kommune, opdigtet).",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        # One installation serves one kommune: its settings are one row, so two demos do not share a database.
        gemt = Kommune.objects.filter(pk=1).first()
        eksempel_navn = json.loads((EKSEMPEL / "kommune.json").read_text(encoding="utf-8"))["kommune"]["navn"]
        if (options["kommune"] == "eksempel") != (gemt is not None and gemt.navn == eksempel_navn) and (
            gemt is not None or Opfoelgning.objects.exists()
        ):
            raise CommandError(
                "Databasen har allerede en anden kommunes data. Brug en tom database til hver demo, fx "
                "DATABASE_URL=sqlite:///eksempel.sqlite3."
            )
        call_command("opsaet_roller", stdout=self.stdout)
        self._brugere()
        if options["kommune"] == "eksempel":
            self._eksempel()
            return
        if not Opfoelgning.objects.filter(aar__aar=2024, nummer=1).exists():
            resultat = importer_budget(
                data=(FIXTURES / "budget_2024_1.csv").read_bytes(),
                filnavn="budget_2024_1.csv",
                aar=2024,
                nummer=1,
                pr_dato=date(2024, 4, 29),
                dokumentdato=date(2024, 4, 12),
                metadata=KONTAKT,
            )
            # 30.36 is followed per activity inside the serviceramme (our split; see fixtures/README.md).
            indfoer_aktiviteter(
                opfoelgning=resultat.opfoelgning,
                rammedel=Rammedel.objects.get(ramme__aar__aar=2024, ramme__nummer="30.36", placering=Rammedel.INDEN),
                aktiviteter=AKTIVITETER_30_36,
            )
            laast = laas_opfoelgning(opfoelgning=resultat.opfoelgning, bruger=None)
            # The demo stores its Bilag at once rather than by the job, so it is complete when the command ends
            # (and inside a test's transaction, where the job asked for at commit never starts).
            frys_bilag(laast)
            self.stdout.write("1. budgetopfølgning 2024 indlæst og låst.")
        if not Opfoelgning.objects.filter(aar__aar=2024, nummer=2).exists():
            foerste = Opfoelgning.objects.get(aar__aar=2024, nummer=1)
            aabn_opfoelgning(
                aar=foerste.aar,
                pr_dato=date(2024, 8, 31),
                dokumentdato=date(2024, 8, 16),
                sagsnr="00.30.14-G01-3-24",
                kontakt_center=KONTAKT["kontakt_center"],
                kontakt_navn=KONTAKT["kontakt_navn"],
                kontakt_telefon=KONTAKT["kontakt_telefon"],
                kontakt_email=KONTAKT["kontakt_email"],
                frist=date(2024, 9, 6),
            )
            self.stdout.write("2. budgetopfølgning 2024 åbnet.")
        call_command("indlaes_omstilling", str(FIXTURES / "omstilling_2019.json"), stdout=self.stdout)
        call_command("indlaes_rammedata", stdout=self.stdout)
        self._forbrug()
        konsulent = User.objects.get(username="konsulent")
        for aar, nummer in ((2024, "30.36"), (2024, "30.46"), (2018, "30.46"), (2023, "30.46")):
            ramme = Bevillingsramme.objects.get(aar__aar=aar, nummer=nummer)
            Rammeansvar.objects.get_or_create(bruger=konsulent, ramme=ramme)
        self.stdout.write(self.style.SUCCESS("Demodata er klar. Log ind som okonomi, konsulent eller udvalg (demo)."))

    def _forbrug(self):
        """Kontoplan and monthly forbrug for 2023 (the whole year) and 2024 (January to August), one konto of 2024
        left out of the kontoplan on purpose ("Ikke fordelt forbrug"). September to December 2024 is in
        fixtures/forbrug_2024_sep_dec.csv, to import by hand and see the precision page."""
        if Forbrug.objects.filter(aar__aar=2024).exists():
            return
        aar_2023, _ = Budgetaar.objects.get_or_create(aar=2023)
        for nummer, placering, budget in DELE_2023:
            ramme_2024 = Bevillingsramme.objects.select_related("udvalg").get(aar__aar=2024, nummer=nummer)
            udvalg, _ = Udvalg.objects.get_or_create(
                aar=aar_2023,
                navn=ramme_2024.udvalg.navn,
                defaults={"kode": ramme_2024.udvalg.kode, "raekkefoelge": ramme_2024.udvalg.raekkefoelge},
            )
            ramme, _ = Bevillingsramme.objects.get_or_create(
                aar=aar_2023, nummer=nummer, defaults={"udvalg": udvalg, "navn": ramme_2024.navn}
            )
            Rammedel.objects.get_or_create(ramme=ramme, placering=placering, defaults={"oprindeligt_budget": budget})
        for aar in (2023, 2024):
            importer_kontoplan(
                data=(FIXTURES / f"kontoplan_{aar}.csv").read_bytes(), filnavn=f"kontoplan_{aar}.csv", aar=aar
            )
            importer_forbrug(
                data=(FIXTURES / f"forbrug_{aar}.csv").read_bytes(),
                filnavn=f"forbrug_{aar}.csv",
                aar=aar,
                udelad_ukendte=aar == 2024,
            )
        for nummer, placering, metode, procenter in PERIODISERING_2024:
            Rammeperiodisering.objects.get_or_create(
                rammedel=Rammedel.objects.get(ramme__aar__aar=2024, ramme__nummer=nummer, placering=placering),
                defaults={"metode": metode, "procenter": procenter},
            )
        self.stdout.write("Kontoplan og forbrug for 2023 og januar-august 2024 indlæst.")

    def _eksempel(self):
        """Fjordby Kommune (fixtures/eksempel/): its settings and logo, and 2026's three rounds named by date, the
        first two locked with their Bilag, overførsler on."""
        data = json.loads((EKSEMPEL / "kommune.json").read_text(encoding="utf-8"))
        indstillinger = dict(data["kommune"])
        logo = indstillinger.pop("logo")
        kommune = Kommune(pk=1, **indstillinger)
        kommune.logo = (EKSEMPEL / logo).read_bytes()
        kommune.logo_type = tjek_logo(bytes(kommune.logo), logo)
        kommune.full_clean()
        kommune.save()
        aar = data["aar"]
        if Opfoelgning.objects.filter(aar__aar=aar).exists():
            self.stdout.write(f"{kommune.navn}s budgetopfølgninger {aar} findes allerede.")
            return
        for runde in data["runder"]:
            metadata = {**data["kontakt"], "navn": runde["navn"], "sagsnr": runde["sagsnr"]}
            if "fil" in runde:
                opfoelgning = importer_budget(
                    data=(EKSEMPEL / runde["fil"]).read_bytes(),
                    filnavn=runde["fil"],
                    aar=aar,
                    nummer=runde["nummer"],
                    pr_dato=date.fromisoformat(runde["pr_dato"]),
                    dokumentdato=date.fromisoformat(runde["dokumentdato"]),
                    metadata=metadata,
                ).opfoelgning
                Budgetaar.objects.filter(aar=aar).update(vis_overfoersler=data["vis_overfoersler"])
                opfoelgning.aar.refresh_from_db()
            else:
                opfoelgning = aabn_opfoelgning(
                    aar=Budgetaar.objects.get(aar=aar),
                    pr_dato=date.fromisoformat(runde["pr_dato"]),
                    dokumentdato=date.fromisoformat(runde["dokumentdato"]),
                    frist=date.fromisoformat(runde["frist"]),
                    **{k: v for k, v in metadata.items() if k != "navn"},
                )
                Opfoelgning.objects.filter(pk=opfoelgning.pk).update(navn=runde["navn"])
            # What the konsulenter entered as expected carry-over to next year (the example's own figures).
            for del_, beloeb in runde.get("forventet_overfoersel", {}).items():
                nummer, placering = del_.split()
                opfoelgning.linjer.filter(rammedel__ramme__nummer=nummer, rammedel__placering=placering).update(
                    forventet_overfoersel=Decimal(beloeb)
                )
            if runde.get("laas"):
                frys_bilag(laas_opfoelgning(opfoelgning=opfoelgning, bruger=None))
            self.stdout.write(f"{runde['navn']} indlæst{' og låst' if runde.get('laas') else ''}.")
        konsulent = User.objects.get(username="konsulent")
        for nummer in data["konsulent"]:
            Rammeansvar.objects.get_or_create(
                bruger=konsulent, ramme=Bevillingsramme.objects.get(aar__aar=aar, nummer=nummer)
            )
        self.stdout.write(self.style.SUCCESS(f"{kommune.navn} er klar. Log ind som okonomi, konsulent eller udvalg."))

    def _brugere(self):
        for username, fornavn, efternavn, rolle in (
            ("okonomi", "Olivia", "Østergaard", roller.OKONOMI),
            ("konsulent", "Karim", "Jensen", roller.KONSULENT),
            ("udvalg", "Ulla", "Madsen", roller.UDVALGSMEDLEM),
        ):
            # Addresses at example.org, a domain reserved for examples: the reminders print them on the console.
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": fornavn, "last_name": efternavn, "email": f"{username}@example.org"},
            )
            if created:
                user.set_password("demo")
                user.save()
            user.groups.add(Group.objects.get(name=rolle))
            if rolle == roller.OKONOMI and not user.is_staff:
                # Center for Økonomi manages users and assignments in the admin.
                user.is_staff = True
                user.save(update_fields=["is_staff"])
