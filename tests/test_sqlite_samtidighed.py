"""The SQLite default holds four writer processes at once without "database is locked"."""

import os
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parent.parent


def _linje(env: dict, *felter: str) -> str:
    """The fields of round 2's line for 30.46 inside the serviceramme, read in a fresh process."""
    script = (
        "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','config.settings');"
        "django.setup();from budgetopfolgning.models import Opfoelgningslinje as L;"
        "linje=L.objects.get(opfoelgning__nummer=2,rammedel__ramme__nummer='30.46',rammedel__placering='inden');"
        f"print(*(getattr(linje, felt) for felt in {felter!r}))"
    )
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


class FourWritersTests(SimpleTestCase):
    def test_four_writer_processes_on_the_default_sqlite_settings(self):
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp}/samtidig.sqlite3")
            for cmd in (["migrate", "-v0"], ["demo"]):
                subprocess.run([sys.executable, "manage.py", *cmd], cwd=ROOT, env=env, check=True,
                               capture_output=True)
            pk, korrektioner, version = _linje(env, "pk", "korrektioner", "version").split()
            antal = 60
            workers = [
                subprocess.Popen([sys.executable, "tests/sqlite_skriver.py", pk, str(antal)], cwd=ROOT, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(4)
            ]
            results = [w.communicate(timeout=300) for w in workers]
            for (out, err), worker in zip(results, workers, strict=True):
                self.assertEqual(worker.returncode, 0, err)
                self.assertNotIn("database is locked", err)
                self.assertEqual(out.strip(), str(antal))
            # Every write counted: no process overwrote another's read-modify-write.
            self.assertEqual(
                _linje(env, "korrektioner", "version"),
                f"{Decimal(korrektioner) + 4 * antal} {int(version) + 4 * antal}",
            )
