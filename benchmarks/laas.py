"""How long the lock's transaction holds the round (and so every save in it): with the Bilag rendered inside the
transaction, as before the Bilag became a job, and now, with the Bilag asked for after the commit.

Run with `.venv/bin/python benchmarks/laas.py`. It builds a throwaway SQLite database in a temporary folder
(migrations, `manage.py demo`) and locks the demo's open round five times each way, each time in a transaction that
is rolled back, so the configured database is never touched.
"""

import io
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def main() -> None:
    with tempfile.TemporaryDirectory() as mappe:
        sys.path.insert(0, str(BASE_DIR))
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
        os.environ["DATABASE_URL"] = f"sqlite:///{mappe}/benchmark.sqlite3"
        import django

        django.setup()
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        from django.core.management import call_command
        from django.db import transaction

        from budgetopfolgning import bilag
        from budgetopfolgning.models import Opfoelgning
        from budgetopfolgning.services import laas_opfoelgning

        call_command("migrate", verbosity=0)
        call_command("demo", stdout=io.StringIO())
        runde = Opfoelgning.objects.get(aar__aar=2024, nummer=2)

        def laas(*, med_bilag: bool) -> float:
            start = time.perf_counter()
            with transaction.atomic():
                laast = laas_opfoelgning(opfoelgning=runde)
                if med_bilag:
                    bilag.frys_bilag(laast)
                tid = time.perf_counter() - start
                transaction.set_rollback(True)  # on_commit callbacks (the job) are dropped with it
            return tid

        laas(med_bilag=True)  # warm-up: fonts, templates
        foer = [laas(med_bilag=True) for _ in range(5)]
        nu = [laas(med_bilag=False) for _ in range(5)]
        print(f"med bilaget i transaktionen (før): median {statistics.median(foer):.3f} s, max {max(foer):.3f} s")
        print(f"bilaget som job (nu):              median {statistics.median(nu):.3f} s, max {max(nu):.3f} s")


if __name__ == "__main__":
    main()
