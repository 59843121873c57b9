"""A budget file uploaded in the browser runs as a background job with a progress page, all or nothing, and a second
import into the same round is refused while one waits or runs (the database enforces it)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from budgetopfolgning.models import Opfoelgning, Opfoelgningslinje
from kerne import jobs
from kerne.models import Importjob
from tests.base import BaseTestCase

FIL = """udvalg;ramme;ramme_navn;serviceramme;oprindeligt_budget;korrektioner;forventet_forbrug
Teknik- og Havneudvalget;11.10;Havn og kyst;inden;1.000.500,00;-2.500,00;998.000,25
Skole- og Ungeudvalget;31.01;Skoler;inden;5.000.000,01;-1.499,99;4.997.500
"""
URL = "/opfolgning/indlaes/"


def _upload(client, tekst: str = FIL, **felter):
    data = {"aar": 2031, "nummer": 1, "pr_dato": "2031-04-30", **felter}
    data["fil"] = SimpleUploadedFile("budget.csv", tekst.encode(), content_type="text/csv")
    return client.post(URL, data)


class ImportjobTests(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.okonomi)

    def test_an_upload_runs_as_a_job_and_its_page_shows_the_result(self):
        self.assertContains(self.client.get(URL), "Indlæs en budgetopfølgnings tal fra en fil")
        with self.captureOnCommitCallbacks(execute=True):
            svar = _upload(self.client)
        job = Importjob.objects.get()
        self.assertRedirects(svar, f"/import/{job.pk}/")
        self.assertEqual(job.status, Importjob.FAERDIG)
        self.assertEqual(job.linjer_gjort, 2)
        self.assertEqual(job.linjer_i_alt, 2)
        self.assertEqual(bytes(job.fil), b"", "the file is not kept once the job has ended")
        runde = Opfoelgning.objects.get(aar__aar=2031, nummer=1)
        self.assertEqual(str(runde.pr_dato), "2031-04-30")
        self.assertEqual(runde.linjer.count(), 2)
        self.assertEqual({linje.aendret_af for linje in runde.linjer.all()}, {self.okonomi})
        side = self.client.get(f"/import/{job.pk}/")
        self.assertContains(side, "Filen er indlæst.")
        self.assertContains(side, "1. budgetopfølgning 2031: 2 linjer oprettet, 0 linjer opdateret.")
        self.assertContains(side, 'href="/opfolgning/2031/1/"')
        self.assertNotContains(side, 'http-equiv="refresh"')

    def test_a_bad_file_is_refused_whole_with_its_lines_named(self):
        with self.captureOnCommitCallbacks(execute=True):
            _upload(self.client, FIL.replace("-1.499,99", "1.50").replace(";inden;1.000", ";ind;1.000"))
        job = Importjob.objects.get()
        self.assertEqual(job.status, Importjob.AFVIST)
        self.assertFalse(Opfoelgningslinje.objects.exists())
        self.assertFalse(Opfoelgning.objects.exists())
        side = self.client.get(f"/import/{job.pk}/")
        self.assertContains(side, "Filen blev ikke indlæst. Intet er ændret.")
        self.assertContains(side, "Linje 2, kolonne »serviceramme«")
        self.assertContains(side, "Linje 3, kolonne »korrektioner«")

    def test_a_waiting_job_shows_its_progress_and_reloads_itself(self):
        with self.captureOnCommitCallbacks(execute=False):
            _upload(self.client)
        job = Importjob.objects.get()
        self.assertEqual(job.status, Importjob.VENTER)
        side = self.client.get(f"/import/{job.pk}/")
        self.assertContains(side, "Filen venter på at blive indlæst")
        self.assertContains(side, '<noscript><meta http-equiv="refresh" content="3"></noscript>', html=False)
        self.assertContains(side, 'role="status" aria-live="polite"')
        Importjob.objects.filter(pk=job.pk).update(status=Importjob.KOERER, linjer_gjort=2000, linjer_i_alt=8000)
        side = self.client.get(f"/import/{job.pk}/")
        self.assertContains(side, '<progress max="8000" value="2000">25 %</progress>', html=True)
        self.assertContains(side, "2000 af 8000 linjer er skrevet (25 %).")

    def test_a_second_import_into_the_same_round_is_refused_while_one_runs(self):
        with self.captureOnCommitCallbacks(execute=False):
            _upload(self.client)
        svar = _upload(self.client)
        self.assertContains(svar, "En import til 1. budgetopfølgning 2031 er allerede i gang (budget.csv, startet",
                            status_code=400)
        self.assertEqual(Importjob.objects.count(), 1)
        # Another round, or the same once the first has ended, is fine.
        with self.captureOnCommitCallbacks(execute=False):
            self.assertEqual(_upload(self.client, nummer=2).status_code, 302)
        Importjob.objects.filter(noegle="budget:2031:1").update(status=Importjob.AFVIST)
        with self.captureOnCommitCallbacks(execute=False):
            self.assertEqual(_upload(self.client).status_code, 302)

    def test_a_job_that_lost_its_worker_stops_blocking_the_round_after_the_time_limit(self):
        from datetime import timedelta

        from django.utils import timezone

        with self.captureOnCommitCallbacks(execute=False):
            _upload(self.client)
        haengende = Importjob.objects.get()
        Importjob.objects.filter(pk=haengende.pk).update(status=Importjob.KOERER)
        # Within the limit it still blocks.
        self.assertEqual(_upload(self.client).status_code, 400)
        Importjob.objects.filter(pk=haengende.pk).update(oprettet=timezone.now() - timedelta(minutes=31))
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(_upload(self.client).status_code, 302)
        haengende.refresh_from_db()
        self.assertEqual(haengende.status, Importjob.FEJLET)
        self.assertIn("Opgivet: jobbet var ikke færdigt efter 30 minutter", haengende.resultat)
        self.assertEqual(Importjob.objects.filter(status=Importjob.FAERDIG).count(), 1)
        # Delivered late after all, the given-up job does not run.
        jobs.koer_importjob(haengende.pk)
        haengende.refresh_from_db()
        self.assertEqual(haengende.status, Importjob.FEJLET)

    def test_the_database_refuses_two_active_jobs_for_one_round(self):
        def job(status: str) -> Importjob:
            return Importjob.objects.create(art="budget", noegle="budget:2031:1", beskrivelse="x", filnavn="f.csv",
                                            fil=b"", status=status)

        job(Importjob.KOERER)
        job(Importjob.FAERDIG)
        with self.assertRaises(IntegrityError), transaction.atomic():
            job(Importjob.VENTER)

    def test_a_job_runs_once(self):
        with self.captureOnCommitCallbacks(execute=True):
            _upload(self.client)
        job = Importjob.objects.get()
        jobs.koer_importjob(job.pk)  # delivered again: nothing happens
        self.assertEqual(Opfoelgningslinje.objects.count(), 2)
        self.assertEqual(Importjob.objects.get().status, Importjob.FAERDIG)

    def test_only_center_for_oekonomi(self):
        with self.captureOnCommitCallbacks(execute=True):
            _upload(self.client)
        job = Importjob.objects.get()
        for bruger in (self.konsulent, self.udvalg):
            self.client.force_login(bruger)
            self.assertEqual(self.client.get(URL).status_code, 403)
            self.assertEqual(_upload(self.client, nummer=2).status_code, 403)
            self.assertEqual(self.client.get(f"/import/{job.pk}/").status_code, 403)
        self.assertEqual(Importjob.objects.count(), 1)


class ForbrugjobTests(BaseTestCase):
    """The forbrug upload uses the same job and page: a second file for the year waits for the first."""

    def test_a_second_forbrug_file_for_the_year_is_refused_while_one_waits(self):
        from rammer.models import Budgetaar

        Budgetaar.objects.create(aar=2031)
        self.client.force_login(self.okonomi)

        def upload():
            fil = SimpleUploadedFile("forbrug.csv", b"konto;maaned;beloeb\n1;1;5\n", content_type="text/csv")
            return self.client.post("/forbrug/indlaes/", {"aar": "2031", "fil": fil})

        with self.captureOnCommitCallbacks(execute=False):
            svar = upload()
        job = Importjob.objects.get()
        self.assertEqual((job.art, job.noegle), ("forbrug", "forbrug:2031"))
        self.assertRedirects(svar, f"/import/{job.pk}/")
        self.assertContains(upload(), "En import til forbrug for 2031 er allerede i gang", status_code=400)
        self.client.force_login(self.konsulent)
        self.assertEqual(self.client.get(f"/import/{job.pk}/").status_code, 403)
