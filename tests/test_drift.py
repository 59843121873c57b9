"""Running it in a kommune: `/sundhed/` and the production server (`make serve`: gunicorn, production settings)."""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import SimpleTestCase, TestCase

ROD = Path(settings.BASE_DIR)
GUNICORN = Path(sys.executable).parent / "gunicorn"


class SundhedTests(TestCase):
    def test_it_answers_200_without_login(self):
        svar = self.client.get("/sundhed/")
        self.assertEqual(svar.status_code, 200)
        self.assertEqual(svar["Content-Type"], "application/json")
        self.assertEqual(json.loads(svar.content), {"database": "ok", "migreringer": "ok"})

    def test_it_is_never_cached(self):
        self.assertIn("no-cache", self.client.get("/sundhed/")["Cache-Control"])

    def test_it_answers_503_when_a_migration_is_not_applied(self):
        MigrationRecorder.Migration.objects.filter(app="budgetopfolgning").order_by("-id").first().delete()
        svar = self.client.get("/sundhed/")
        self.assertEqual(svar.status_code, 503)
        self.assertEqual(json.loads(svar.content), {"database": "ok", "migreringer": "fejl"})

    def test_post_is_refused(self):
        self.assertEqual(self.client.post("/sundhed/").status_code, 405)


def _fri_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _hent(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    class IngenOmdirigering(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(IngenOmdirigering)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as svar:
            return svar.status, dict(svar.headers), svar.read()
    except urllib.error.HTTPError as fejl:
        return fejl.code, dict(fejl.headers), fejl.read()


class ProduktionsserverTests(SimpleTestCase):
    """gunicorn with DJANGO_ENV=production against its own SQLite file, as `make serve` starts it."""

    @classmethod
    def setUpClass(cls):
        if connection.vendor != "sqlite":
            # The server runs on its own SQLite file whatever the suite runs on: once per CI run is enough.
            raise unittest.SkipTest("kører i SQLite-halvdelen")
        super().setUpClass()
        cls.mappe = tempfile.TemporaryDirectory()
        mappe = Path(cls.mappe.name)
        cls.miljoe = {
            **os.environ,
            "DJANGO_ENV": "production",
            "SECRET_KEY": "test-" + "x" * 60,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{mappe / 'db.sqlite3'}",
            "STATIC_ROOT": str(mappe / "static"),
            "GUNICORN_WORKERS": "2",
        }
        for kommando in (["migrate", "--noinput"], ["collectstatic", "--noinput", "--verbosity", "0"]):
            subprocess.run([sys.executable, "manage.py", *kommando], cwd=ROD, env=cls.miljoe, check=True)

    @classmethod
    def tearDownClass(cls):
        cls.mappe.cleanup()
        super().tearDownClass()

    def _start(self, **miljoe: str) -> str:
        port = _fri_port()
        env = {**self.miljoe, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESSLOG": "", **miljoe}
        proces = subprocess.Popen(
            [str(GUNICORN), "-c", "config/gunicorn.py"], cwd=ROD, env=env, stderr=subprocess.DEVNULL
        )
        self.addCleanup(proces.wait, 20)
        self.addCleanup(proces.terminate)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return f"http://127.0.0.1:{port}"
            except OSError:
                time.sleep(0.1)
        self.fail("gunicorn startede ikke")

    def test_it_serves_health_pages_and_hashed_static_files_behind_the_proxy(self):
        url = self._start()
        https = {"X-Forwarded-Proto": "https"}
        status, _, body = _hent(url + "/sundhed/")
        self.assertEqual((status, json.loads(body)), (200, {"database": "ok", "migreringer": "ok"}))
        # Without the proxy's X-Forwarded-Proto a page is sent to HTTPS; with it, to the login page.
        status, headers, _ = _hent(url + "/")
        self.assertEqual(status, 301)
        self.assertTrue(headers["Location"].startswith("https://127.0.0.1"))
        status, headers, _ = _hent(url + "/", https)
        self.assertEqual((status, headers["Location"]), (302, "/login/?next=/"))
        status, headers, body = _hent(url + "/login/", https)
        self.assertEqual(status, 200)
        self.assertIn("Strict-Transport-Security", headers)
        css = body.decode().split('href="/static/')[1].split('"')[0]
        self.assertRegex(css, r"\.[0-9a-f]{12}\.css$")  # the hashed name from collectstatic's manifest
        status, headers, _ = _hent(url + "/static/" + css, https)
        self.assertEqual(status, 200)
        self.assertIn("max-age=315360000", headers["Cache-Control"])

    def test_it_answers_503_when_the_database_does_not_answer(self):
        url = self._start(DATABASE_URL="postgres://postgres@127.0.0.1:1/ingen")
        status, headers, body = _hent(url + "/sundhed/")
        self.assertEqual(status, 503)
        self.assertEqual(json.loads(body), {"database": "fejl", "migreringer": "fejl"})
        self.assertEqual(headers["Content-Type"], "application/json")
