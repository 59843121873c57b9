"""`sikkerhedskopi` and `genskab`: the demo backed up and restored into an empty database, on the engine the suite
runs on (SQLite by default, PostgreSQL with DATABASE_URL), and every locked round still what was locked."""

import hashlib
import os
import sqlite3
import subprocess
import sys
import tempfile
from io import StringIO
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase

from budgetopfolgning.models import Opfoelgning

ROD = Path(settings.BASE_DIR)


def _pg_url(navn: str) -> str:
    s = connection.settings_dict
    adgang = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{adgang}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{navn}"


class SikkerhedskopiTests(TransactionTestCase):
    def setUp(self):
        call_command("demo", stdout=StringIO())
        self.mappe = tempfile.TemporaryDirectory()
        self.addCleanup(self.mappe.cleanup)
        self.kopi = Path(self.mappe.name) / "kopi.bak"
        self.bilag = {o.pk: bytes(o.bilag_pdf) for o in Opfoelgning.objects.filter(status=Opfoelgning.LAAST)}
        self.assertTrue(self.bilag)
        if connection.vendor == "postgresql":
            self.maal_navn = connection.settings_dict["NAME"] + "_genskab"
            with psycopg.connect(_pg_url("postgres"), autocommit=True) as pg:
                pg.execute(f'DROP DATABASE IF EXISTS "{self.maal_navn}"')
                pg.execute(f'CREATE DATABASE "{self.maal_navn}"')
            self.addCleanup(self._slet_pg_maal)
            self.maal_url = _pg_url(self.maal_navn)
        else:
            self.maal_url = f"sqlite:///{Path(self.mappe.name) / 'genskabt.sqlite3'}"

    def _slet_pg_maal(self):
        with psycopg.connect(_pg_url("postgres"), autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{self.maal_navn}" WITH (FORCE)')

    def _genskab(self, *args: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "DATABASE_URL": self.maal_url}
        return subprocess.run(
            [sys.executable, "manage.py", "genskab", str(self.kopi), *args],
            cwd=ROD,
            env=env,
            capture_output=True,
            text=True,
        )

    def _gemte_bilag(self) -> dict[int, bytes]:
        sql = "SELECT id, bilag_pdf FROM budgetopfolgning_opfoelgning WHERE bilag_sha256 <> ''"
        if connection.vendor == "postgresql":
            with psycopg.connect(self.maal_url) as pg:
                return {pk: bytes(data) for pk, data in pg.execute(sql).fetchall()}
        db = sqlite3.connect(self.maal_url.removeprefix("sqlite:///"))
        try:
            return {pk: bytes(data) for pk, data in db.execute(sql).fetchall()}
        finally:
            db.close()

    def test_it_restores_the_demo_into_an_empty_database_with_every_bilag_byte_identical(self):
        call_command("sikkerhedskopi", str(self.kopi), stdout=StringIO())
        self.assertGreater(self.kopi.stat().st_size, 0)

        result = self._genskab()
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("låste budgetopfølgninger er uændrede", result.stdout)
        self.assertIn("OK      1. budgetopfølgning 2024", result.stdout)
        gemte = self._gemte_bilag()
        self.assertEqual(gemte, self.bilag)
        for data in gemte.values():
            self.assertTrue(data.startswith(b"%PDF"))
            self.assertEqual(len(hashlib.sha256(data).hexdigest()), 64)

        # A second restore into the now filled database is refused, and changes nothing ...
        result = self._genskab()
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("Databasen er ikke tom", result.stderr)
        # ... unless told to overwrite it.
        result = self._genskab("--overskriv")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("låste budgetopfølgninger er uændrede", result.stdout)
        self.assertEqual(self._gemte_bilag(), self.bilag)

    def test_a_file_that_is_not_a_backup_is_refused(self):
        self.kopi.write_bytes(b"ikke en sikkerhedskopi")
        result = self._genskab()
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("er ikke en sikkerhedskopi", result.stderr)

    def test_a_changed_bilag_in_the_backup_fails_the_check_after_restoring(self):
        Opfoelgning.objects.filter(status=Opfoelgning.LAAST).update(bilag_pdf=b"%PDF-forfalsket")
        call_command("sikkerhedskopi", str(self.kopi), stdout=StringIO())
        result = self._genskab()
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("AFVIGER 1. budgetopfølgning 2024: bilaget", result.stderr)
