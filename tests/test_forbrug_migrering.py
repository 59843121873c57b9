"""The migration that moves forbrug from a row per konto and month to a row per konto and year keeps every amount,
both ways."""

from decimal import Decimal

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

D = Decimal
FOER = [("forbrug", "0001_initial")]
EFTER = [("forbrug", "0002_forbrug_pr_konto")]


class ForbrugMigreringTests(TransactionTestCase):
    def _migrer(self, forbrug):
        """Migrate the forbrug app to `forbrug` (the other apps stay at their newest), and give that state's models."""
        executor = MigrationExecutor(connection)
        til = [n for n in executor.loader.graph.leaf_nodes() if n[0] != "forbrug"] + forbrug
        executor.migrate(til)
        executor.loader.build_graph()
        return executor.loader.project_state(til).apps

    def tearDown(self):
        self._migrer(EFTER)

    def test_every_amount_is_carried_over_and_back(self):
        apps = self._migrer(FOER)
        Budgetaar = apps.get_model("rammer", "Budgetaar")
        Konto = apps.get_model("forbrug", "Konto")
        Forbrug = apps.get_model("forbrug", "Forbrug")
        Udvalg = apps.get_model("rammer", "Udvalg")
        Bevillingsramme = apps.get_model("rammer", "Bevillingsramme")
        Rammedel = apps.get_model("rammer", "Rammedel")
        aar = Budgetaar.objects.create(aar=2024)
        udvalg = Udvalg.objects.create(aar=aar, navn="Børne- og Skoleudvalget", kode="BSU")
        ramme = Bevillingsramme.objects.create(aar=aar, udvalg=udvalg, nummer="30.46", navn="Anbringelser")
        del_ = Rammedel.objects.create(ramme=ramme, placering="inden")
        konto = Konto.objects.create(aar=aar, konto="5.28.21.1.002", rammedel=del_)
        gamle = [
            ("5.28.21.1.002", konto, 1, D("100000.50")),
            ("5.28.21.1.002", konto, 2, D("-0.25")),
            ("9.99", None, 2, D("1000")),
        ]
        for nr, kontoplan, maaned, beloeb in gamle:
            Forbrug.objects.create(aar=aar, konto=nr, kontoplan=kontoplan, maaned=maaned, beloeb=beloeb)

        apps = self._migrer(EFTER)
        Ny = apps.get_model("forbrug", "Forbrug")
        raekker = {
            f.konto: {m: getattr(f, f"maaned_{m}") for m in range(1, 13) if getattr(f, f"maaned_{m}") is not None}
            for f in Ny.objects.all()
        }
        self.assertEqual(raekker, {"5.28.21.1.002": {1: D("100000.50"), 2: D("-0.25")}, "9.99": {2: D("1000")}})

        apps = self._migrer(FOER)
        Forbrug = apps.get_model("forbrug", "Forbrug")
        self.assertEqual(
            sorted(Forbrug.objects.values_list("konto", "kontoplan_id", "maaned", "beloeb")),
            sorted((nr, k.pk if k else None, maaned, beloeb) for nr, k, maaned, beloeb in gamle),
        )
