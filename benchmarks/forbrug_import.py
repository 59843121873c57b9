"""How long a 100.000-line forbrug import takes, against reading the same file with `pandas.read_csv`, and how much
slower a round page over 300 rammer gets with 12 months of forbrug.

Run with `.venv/bin/python benchmarks/forbrug_import.py` (a throwaway SQLite database in a temporary folder), or with
`BENCHMARK_DATABASE_URL=postgres://…/a_scratch_database` to measure on PostgreSQL (the database's tables are made
by migrate and left behind; use a database of its own). Targets from the issue: the import within 10× the time of
reading the file alone, with a constant number of queries per batch; the round page within 1,5× of the same page
without forbrug, with a query count that does not grow with konti or months.

The yardstick is `pandas.read_csv` reading the same bytes in the same process (the median of three), as the issue
names it; pandas is in the `dev` extra for this, never a dependency of the app. Python's `csv` module reading the
file is printed beside it, for comparison with earlier figures.
"""

import csv
import io
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
AAR = 2031
ANTAL_KONTI = 8_334  # × 12 months = 100.008 lines


def opsaet_django(mappe: str) -> str:
    sys.path.insert(0, str(BASE_DIR))
    sys.path.insert(0, str(BASE_DIR / "benchmarks"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("DEBUG", "0")  # as in production: no query log kept in memory
    url = os.environ.get("BENCHMARK_DATABASE_URL") or f"sqlite:///{mappe}/benchmark.sqlite3"
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    return url.split(":")[0]


def forbrugsfil(konti: list[str]) -> bytes:
    linjer = ["konto;maaned;beloeb"]
    for m in range(1, 13):
        for i, konto in enumerate(konti):
            kroner = 1_000 + (i * 7_919 + m * 104_729) % 2_000_000
            tekst = f"{kroner:,}".replace(",", ".")  # Danish thousands dots, as an ERP export writes them
            linjer.append(f"{konto};{m};{tekst},{(i + m) % 100:02d}")
    return ("\n".join(linjer) + "\n").encode("utf-8")


def median_tid(funktion, gange: int) -> float:
    tider = []
    for _ in range(gange):
        start = time.perf_counter()
        funktion()
        tider.append(time.perf_counter() - start)
    return statistics.median(tider)


def dansk(tal: float, decimaler: int = 2) -> str:
    return f"{tal:.{decimaler}f}".replace(".", ",")


def main() -> None:
    with tempfile.TemporaryDirectory() as mappe:
        database = opsaet_django(mappe)
        from bilag import syntetisk_csv
        from django.contrib.auth.models import Group, User
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from budgetopfolgning import mellemlager
        from budgetopfolgning.services import importer_budget
        from forbrug.models import Forbrug, Konto
        from forbrug.services import importer_forbrug, importer_kontoplan
        from kerne import roller
        from rammer.models import Rammedel

        call_command("migrate", verbosity=0)
        call_command("opsaet_roller", stdout=io.StringIO())
        Forbrug.objects.filter(aar__aar=AAR).delete()
        Konto.objects.filter(aar__aar=AAR).delete()
        if not Rammedel.objects.filter(ramme__aar__aar=AAR).exists():
            importer_budget(data=syntetisk_csv(300), filnavn="s.csv", aar=AAR, nummer=1, pr_dato=date(AAR, 8, 31))
        dele = list(Rammedel.objects.filter(ramme__aar__aar=AAR).select_related("ramme").order_by("pk"))
        konti = [f"5.{i // 1000:02d}.{i % 1000:03d}.1.{i % 7:03d}" for i in range(ANTAL_KONTI)]
        plan = ["konto;ramme;placering"] + [
            f"{k};{dele[i % len(dele)].ramme.nummer};{dele[i % len(dele)].placering}" for i, k in enumerate(konti)
        ]
        importer_kontoplan(data=("\n".join(plan) + "\n").encode(), filnavn="k.csv", aar=AAR)
        data = forbrugsfil(konti)
        antal_linjer = data.count(b"\n") - 1
        print(f"Database: {database}. Forbrugsfil: {antal_linjer:,} linjer, {len(data) // 1024:,} KB, "
              f"{len(dele)} rammedele i {len({d.ramme_id for d in dele})} rammer.".replace(",", "."))

        def laes_csv() -> None:
            for _ in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"):
                pass

        import pandas

        csv_tid = median_tid(laes_csv, 3)
        pandas_tid = median_tid(lambda: pandas.read_csv(io.BytesIO(data), sep=";", dtype=str), 3)
        print(f"pandas.read_csv læser filen: {dansk(pandas_tid, 3)} s (median af 3); "
              f"csv-modulet: {dansk(csv_tid, 3)} s")

        # The round page before any forbrug, as the baseline.
        okonomi, _ = User.objects.get_or_create(username="benchmark-okonomi")
        okonomi.groups.add(Group.objects.get(name=roller.OKONOMI))
        klient = Client()
        klient.force_login(okonomi)
        url = f"/opfolgning/{AAR}/1/"
        def side() -> list[tuple[float, int]]:
            """The page's time (median of 5) and queries: as a user finds it (its figures cached since the last
            change); just after a konsulent saved a forecast (the round's figures renewed, the year's forbrug sums
            still in the cache); and with the cache empty."""
            assert klient.get(url).status_code == 200
            maalinger = []
            for foer in (lambda: None, lambda: mellemlager.tal_aendret(aar_id=aar_id), mellemlager.toem):

                def hent(foer=foer) -> None:
                    foer()
                    klient.get(url)

                tid = median_tid(hent, 5)
                foer()
                with CaptureQueriesContext(connection) as q:
                    klient.get(url)
                maalinger.append((tid, len(q)))
            return maalinger

        aar_id = dele[0].ramme.aar_id
        uden = side()

        forespoergsler = [0]

        def tael(execute, sql, params, many, context):
            forespoergsler[0] += 1
            return execute(sql, params, many, context)

        # Three imports of the same file: the first into a year with no forbrug, then twice replacing its 12 months.
        # The median is the figure; a single run on a shared machine moves by a third.
        import_tider = []
        for _ in range(3):
            forespoergsler[0] = 0
            with connection.execute_wrapper(tael):
                start = time.perf_counter()
                resultat = importer_forbrug(data=data, filnavn="forbrug.csv", aar=AAR)
                import_tider.append(time.perf_counter() - start)
        import_tid = statistics.median(import_tider)
        linjer = f"{resultat.linjer:,}".replace(",", ".")
        print(f"importer_forbrug: {dansk(import_tid)} s for {linjer} linjer (median af 3: "
              f"{'; '.join(dansk(t) for t in import_tider)} s), {forespoergsler[0]} forespørgsler; "
              f"{dansk(import_tid / pandas_tid, 1)} × pandas.read_csv (mål: højst 10 ×), "
              f"{dansk(import_tid / csv_tid, 1)} × csv-modulet")
        # Again, replacing all 12 months, with the memory traced (tracing slows it, so it is timed apart above).
        tracemalloc.start()
        importer_forbrug(data=data, filnavn="forbrug.csv", aar=AAR)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"Hukommelse under importen (tracemalloc, top): {top // 1_000_000} MB; filen selv: "
              f"{len(data) // 1_000_000} MB")
        assert sum(len(f.maanedsbeloeb()) for f in Forbrug.objects.filter(aar__aar=AAR)) == resultat.linjer

        med = side()
        for navn, (u, m) in zip(
            ("som brugeren finder den", "lige efter en gemt prognose", "med tom cache"), zip(uden, med, strict=True),
            strict=True,
        ):
            print(f"Runde-siden, {len(dele)} rammedele, {navn}: uden forbrug {dansk(u[0], 3)} s og {u[1]} "
                  f"forespørgsler; med 12 måneders forbrug {dansk(m[0], 3)} s og {m[1]} forespørgsler: "
                  f"{dansk(m[0] / u[0])} × (mål: højst 1,5 ×)")

if __name__ == "__main__":
    main()
