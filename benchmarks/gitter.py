"""Queries and time of the round's grid (`/opfolgning/<år>/<nr>/indtastning/`) as the rows grow.

Run with `.venv/bin/python benchmarks/gitter.py [--postgres]`. It builds a throwaway SQLite database in a temporary
folder (with `--postgres`, a database `benchmark_gitter` on the local PostgreSQL, dropped and created anew)
(migrations, `manage.py demo`, then a synthetic year of 40 rammer imported through `importer_budget`, locked, a
second round opened, and 200 activities), so the configured database is never touched. It then opens and saves the
grid as a konsulent with 4 rammer (20 activities) and as one with all 40 (200 activities), every row changed.
Target: the same number of queries for both. SQLite binds at most 999 parameters per query, so Django splits a
bulk write of many rows into batches there: the save then costs one query more per batch (about 80 rows), not per
row.
"""

import io
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal

from bilag import dansk, opsaet_django, syntetisk_csv

AAR = 2031
ANTAL_RAMMER = 40
AKTIVITETER_PR_RAMME = 5


def _del_op(beloeb: Decimal, antal: int) -> list[Decimal]:
    """`beloeb` in `antal` exact parts (whole kroner, the remainder on the last)."""
    del_ = (beloeb / antal).quantize(Decimal("1"))
    return [del_] * (antal - 1) + [beloeb - del_ * (antal - 1)]


def main() -> None:
    with tempfile.TemporaryDirectory() as mappe:
        database_url = None
        if "--postgres" in sys.argv:
            for sql in ("DROP DATABASE IF EXISTS benchmark_gitter", "CREATE DATABASE benchmark_gitter"):
                subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)
            database_url = "postgres://postgres@127.0.0.1:5432/benchmark_gitter"
        opsaet_django(mappe, database_url)
        from django.contrib.auth.models import Group, User
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from budgetopfolgning.indtastning import Aktivitetstal, indfoer_aktiviteter
        from budgetopfolgning.models import Opfoelgningslinje
        from budgetopfolgning.services import aabn_opfoelgning, importer_budget, laas_opfoelgning
        from kerne import roller
        from rammer.models import Bevillingsramme, Rammeansvar, Rammedel
        from tests.base import formular

        call_command("migrate", verbosity=0)
        call_command("demo", stdout=io.StringIO())
        foerste = importer_budget(
            data=syntetisk_csv(ANTAL_RAMMER), filnavn="syntetisk.csv", aar=AAR, nummer=1,
            pr_dato=date(AAR, 4, 29), dokumentdato=date(AAR, 4, 12), metadata={},
        ).opfoelgning
        laas_opfoelgning(opfoelgning=foerste)
        runde = aabn_opfoelgning(aar=foerste.aar, pr_dato=date(AAR, 8, 31), dokumentdato=date(AAR, 8, 16))
        for rammedel in Rammedel.objects.filter(ramme__aar__aar=AAR, placering=Rammedel.INDEN):
            linje = Opfoelgningslinje.objects.get(opfoelgning=runde, rammedel=rammedel)
            budget = _del_op(rammedel.oprindeligt_budget, AKTIVITETER_PR_RAMME)
            korr = _del_op(linje.korrektioner, AKTIVITETER_PR_RAMME)
            forv = _del_op(linje.forventet_forbrug, AKTIVITETER_PR_RAMME)
            indfoer_aktiviteter(opfoelgning=runde, rammedel=rammedel, aktiviteter=[
                Aktivitetstal(f"Aktivitet {i + 1}", budget[i], korr[i], forv[i]) for i in range(AKTIVITETER_PR_RAMME)
            ])

        rammer = list(Bevillingsramme.objects.filter(aar__aar=AAR).order_by("nummer"))
        url = f"/opfolgning/{AAR}/2/indtastning/"
        from django.conf import settings

        print(f"Database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
        print(f"Gitteret i 2. budgetopfølgning {AAR} ({ANTAL_RAMMER} rammer, "
              f"{ANTAL_RAMMER * AKTIVITETER_PR_RAMME} aktiviteter)")
        print("konsulent med | rækker | forespørgsler, vis | forespørgsler, gem | tid, vis | tid, gem")
        for antal, navn in ((4, "lille"), (ANTAL_RAMMER, "stor")):
            bruger = User.objects.create_user(f"konsulent_{navn}")
            bruger.groups.add(Group.objects.get(name=roller.KONSULENT))
            for ramme in rammer[:antal]:
                Rammeansvar.objects.create(bruger=bruger, ramme=ramme)
            klient = Client()
            klient.force_login(bruger)
            klient.get(url)  # warm-up: templates
            tider = []
            for _ in range(3):
                start = time.perf_counter()
                with CaptureQueriesContext(connection) as vis:
                    svar = klient.get(url)
                tider.append(time.perf_counter() - start)
            data = formular(svar.content.decode())
            raekker = [n.removesuffix("_korrektioner") for n in data if n.endswith("_korrektioner")]
            for r in raekker:
                data[f"{r}_korrektioner"] = "1"
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as gem:
                svar = klient.post(url, data)
            gem_tid = time.perf_counter() - start
            assert svar.status_code == 302, svar.status_code
            print(f"{antal:>3} rammer     | {len(raekker):>6} | {len(vis):>18} | {len(gem):>18} | "
                  f"{dansk(statistics.median(tider))} s  | {dansk(gem_tid)} s")


if __name__ == "__main__":
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))
    main()
