from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from budgetopfolgning.bilag import frys_bilag
from budgetopfolgning.indtastning import Aktivitetstal, indfoer_aktiviteter
from budgetopfolgning.models import Opfoelgning
from budgetopfolgning.services import aabn_opfoelgning, importer_budget, laas_opfoelgning
from kerne import roller
from rammer.models import Bevillingsramme, Rammeansvar, Rammedel

FIXTURES = Path(settings.BASE_DIR) / "fixtures"

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


class Command(BaseCommand):
    help = (
        "Indlæser demodata (Ballerup Kommunes 1. budgetopfølgning 2024, låst, og en åben 2. opfølgning) og "
        "demobrugerne okonomi, konsulent og udvalg med adgangskoden »demo«. Kan køres igen uden at ændre noget."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        call_command("opsaet_roller", stdout=self.stdout)
        self._brugere()
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
        konsulent = User.objects.get(username="konsulent")
        for aar, nummer in ((2024, "30.36"), (2024, "30.46"), (2018, "30.46"), (2023, "30.46")):
            ramme = Bevillingsramme.objects.get(aar__aar=aar, nummer=nummer)
            Rammeansvar.objects.get_or_create(bruger=konsulent, ramme=ramme)
        self.stdout.write(self.style.SUCCESS("Demodata er klar. Log ind som okonomi, konsulent eller udvalg (demo)."))

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
