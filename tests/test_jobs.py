"""The Bilag as a background job after the lock: without a broker (the embedded default) and with the real Celery
worker against Redis."""

import io
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, TransactionTestCase
from kombu import pools as kombu_pools

from budgetopfolgning import bilag
from budgetopfolgning.jobs import MAKS_FORSOEG
from budgetopfolgning.models import Opfoelgning, Opfoelgningslinje
from config.celery import app as celery_app
from tests.base import DemoTestCase

RUNDE_2 = "/opfolgning/2024/2/"
REDIS = ("127.0.0.1", 6379)
REDIS_URL = "redis://127.0.0.1:6379/14"
# In CI the services must be there: a missing Redis fails the run instead of skipping the worker test.
KREVER_TJENESTER = os.environ.get("CI_KREVER_TJENESTER") == "1"


def _runde_2() -> Opfoelgning:
    return Opfoelgning.objects.get(aar__aar=2024, nummer=2)


def _verificer() -> str:
    err = io.StringIO()
    try:
        call_command("verificer_runder", stdout=io.StringIO(), stderr=err)
    except CommandError:
        return err.getvalue()
    return ""


class BilagJobTests(DemoTestCase):
    """No broker: the job runs at once, in the process that locked, when the lock's transaction has committed."""

    def setUp(self):
        self.client.force_login(self.okonomi)

    def test_the_lock_stores_figures_and_hash_and_the_bilag_follows_when_it_commits(self):
        with self.captureOnCommitCallbacks(execute=False) as bestilt:
            self.assertRedirects(self.client.post(RUNDE_2 + "laas/", {"laas_alligevel": "1"}), RUNDE_2)
        runde = _runde_2()
        self.assertTrue(runde.er_laast)
        self.assertEqual(len(runde.tal_sha256), 64)
        self.assertIsNone(runde.bilag_pdf)
        side = self.client.get(RUNDE_2)
        self.assertContains(side, "Bilaget dannes …")
        self.assertNotContains(side, 'href="/opfolgning/2024/2/bilag.pdf"')
        self.assertIn("bilaget er ikke gemt", _verificer())

        self.assertEqual(len(bestilt), 1)
        bestilt[0]()
        runde = _runde_2()
        self.assertEqual(bytes(runde.bilag_pdf), bilag.render_bilag(runde, kladde=False))
        side = self.client.get(RUNDE_2)
        self.assertNotContains(side, "Bilaget dannes")
        self.assertContains(side, 'href="/opfolgning/2024/2/bilag.pdf"')
        self.assertEqual(_verificer(), "")

    def test_a_failed_job_is_retried_shown_to_center_for_oekonomi_and_can_be_asked_for_again(self):
        with self.captureOnCommitCallbacks(execute=False) as bestilt:
            self.client.post(RUNDE_2 + "laas/", {"laas_alligevel": "1"})
        # A figure changed behind the lock's back: the job must not draw a Bilag from figures that were not locked.
        linje = Opfoelgningslinje.objects.filter(opfoelgning=_runde_2()).first()
        rigtig = linje.forventet_forbrug
        Opfoelgningslinje.objects.filter(pk=linje.pk).update(forventet_forbrug=rigtig + 1)
        bestilt[0]()
        runde = _runde_2()
        self.assertEqual(runde.bilag_sha256, "")
        self.assertEqual(runde.bilag_forsoeg, MAKS_FORSOEG)
        self.assertIn("Tallene stemmer ikke med dem, der blev låst", runde.bilag_fejl)

        side = self.client.get(RUNDE_2)
        self.assertContains(side, f"Bilaget kunne ikke dannes ({MAKS_FORSOEG} forsøg)")
        self.assertContains(side, "Dan bilaget igen")
        konsulent = Client()
        konsulent.force_login(self.konsulent)
        side = konsulent.get(RUNDE_2)
        self.assertContains(side, "Bilaget dannes …")
        self.assertNotContains(side, "kunne ikke dannes")
        self.assertEqual(konsulent.post(RUNDE_2 + "dan-bilag/").status_code, 403)
        self.assertEqual(self.client.get(RUNDE_2 + "dan-bilag/").status_code, 405)

        Opfoelgningslinje.objects.filter(pk=linje.pk).update(forventet_forbrug=rigtig)
        with self.captureOnCommitCallbacks(execute=True):
            self.assertRedirects(self.client.post(RUNDE_2 + "dan-bilag/"), RUNDE_2)
        runde = _runde_2()
        self.assertEqual(runde.bilag_fejl, "")
        self.assertTrue(bytes(runde.bilag_pdf).startswith(b"%PDF"))
        self.assertEqual(_verificer(), "")

    def test_dan_bilag_is_refused_for_an_open_round(self):
        self.assertEqual(self.client.post(RUNDE_2 + "dan-bilag/").status_code, 403)


def _redis_svarer() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _skift_broker(**conf) -> None:
    """Point this process's Celery at another broker: its connection pools were built for the first one."""
    celery_app.conf.update(**conf)
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    # kombu keeps its pools per broker address process-wide: a pool closed above would be handed out again when a
    # later test switches to the same broker.
    kombu_pools.reset()


class RigtigWorkerTests(TransactionTestCase):
    """The real Celery worker, in its own process, against Redis and the test database."""

    def setUp(self):
        if not _redis_svarer():
            if KREVER_TJENESTER:
                self.fail("Redis svarer ikke på 127.0.0.1:6379, men CI_KREVER_TJENESTER=1")
            pytest.skip("Redis svarer ikke på 127.0.0.1:6379")
        if connection.vendor != "postgresql":
            # The worker is another process: it cannot reach SQLite's in-memory test database. CI runs this test
            # in its PostgreSQL half.
            pytest.skip("kører på PostgreSQL (workeren skal kunne nå testdatabasen)")
        call_command("demo", stdout=io.StringIO())
        self.koe = f"test-{os.getpid()}"
        gammel = {k: celery_app.conf[k] for k in ("task_always_eager", "broker_url", "task_default_queue")}
        _skift_broker(task_always_eager=False, broker_url=REDIS_URL, task_default_queue=self.koe)
        self.addCleanup(_skift_broker, **gammel)

    def _start_worker(self) -> subprocess.Popen:
        s = connection.settings_dict
        db = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        env = {**os.environ, "DATABASE_URL": db, "CELERY_BROKER_URL": REDIS_URL, "CELERY_QUEUE": self.koe}
        celery = Path(sys.executable).parent / "celery"
        self.log = tempfile.TemporaryFile("w+")
        self.addCleanup(self.log.close)
        worker = subprocess.Popen(
            [
                str(celery),
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "-Q",
                self.koe,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=WARNING",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.addCleanup(worker.wait, 30)
        self.addCleanup(worker.terminate)
        return worker

    def test_the_worker_stores_the_bilag_after_the_lock(self):
        okonomi = Client()
        okonomi.force_login(User.objects.get(username="okonomi"))
        start = time.monotonic()
        self.assertRedirects(okonomi.post(RUNDE_2 + "laas/", {"laas_alligevel": "1"}), RUNDE_2)
        laas_tid = time.monotonic() - start
        # The job waits in Redis: the lock has answered without the PDF.
        self.assertTrue(_runde_2().er_laast)
        self.assertEqual(_runde_2().bilag_sha256, "")
        self.assertContains(okonomi.get(RUNDE_2), "Bilaget dannes …")

        self._start_worker()
        for _ in range(600):
            if _runde_2().bilag_sha256:
                break
            time.sleep(0.1)
        runde = _runde_2()
        if not runde.bilag_sha256:
            self.log.seek(0)
            self.fail("workeren gemte ikke bilaget inden for 60 s:\n" + self.log.read()[-3000:])
        self.assertEqual(bytes(runde.bilag_pdf), bilag.render_bilag(runde, kladde=False))
        self.assertContains(okonomi.get(RUNDE_2), 'href="/opfolgning/2024/2/bilag.pdf"')
        self.assertEqual(_verificer(), "")
        print(f"låsning uden bilag: {laas_tid:.2f} s")


    def test_the_worker_imports_an_uploaded_budget_file_with_progress_and_one_job_per_round(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from kerne.models import Importjob
        from tests.test_import import _stor_fil

        okonomi = Client()
        okonomi.force_login(User.objects.get(username="okonomi"))
        data = _stor_fil(20_000)

        def upload():
            fil = SimpleUploadedFile("budget.csv", data, content_type="text/csv")
            return okonomi.post("/opfolgning/indlaes/", {"aar": 2031, "nummer": 1, "pr_dato": "2031-04-30", "fil": fil})

        svar = upload()
        job = Importjob.objects.get()
        self.assertRedirects(svar, f"/import/{job.pk}/")
        # The job waits in Redis; a second import into the same round is refused meanwhile.
        self.assertEqual(job.status, Importjob.VENTER)
        self.assertContains(upload(), "En import til 1. budgetopfølgning 2031 er allerede i gang", status_code=400)
        self.assertContains(okonomi.get(f"/import/{job.pk}/"), "Filen venter på at blive indlæst")

        self._start_worker()
        set_undervejs = set()
        for _ in range(2400):
            job.refresh_from_db()
            if not job.aktiv:
                break
            if job.linjer_i_alt and 0 < job.linjer_gjort < job.linjer_i_alt:
                set_undervejs.add(job.linjer_gjort)
            time.sleep(0.05)
        if job.aktiv:
            self.log.seek(0)
            self.fail("workeren blev ikke færdig med importen inden for 120 s:\n" + self.log.read()[-3000:])
        self.assertEqual(job.status, Importjob.FAERDIG, job.resultat)
        self.assertEqual((job.linjer_gjort, job.linjer_i_alt), (20_000, 20_000))
        self.assertTrue(set_undervejs, "the page saw no progress while the job ran")
        self.assertEqual(Opfoelgningslinje.objects.filter(opfoelgning__aar__aar=2031).count(), 20_000)
        self.assertContains(okonomi.get(f"/import/{job.pk}/"), "20.000 linjer oprettet")
