"""Structured logs (request id, user, duration; JSON lines), failed logins and lockouts, and the access log that
Center for Økonomi reads in the admin."""

import io
import json
import logging

from django.test import Client

from kerne.logning import JsonFormatter, KontekstFilter
from kerne.models import Adgangslog
from tests.base import DemoTestCase


class JsonLinjer:
    """Catches what the named loggers write, formatted as LOG_FORMAT=json formats it."""

    def __init__(self, *navne: str):
        self.navne = navne
        self.ud = io.StringIO()
        self.handler = logging.StreamHandler(self.ud)
        self.handler.addFilter(KontekstFilter())
        self.handler.setFormatter(JsonFormatter())

    def __enter__(self):
        for navn in self.navne:
            logging.getLogger(navn).addHandler(self.handler)
        return self

    def __exit__(self, *exc):
        for navn in self.navne:
            logging.getLogger(navn).removeHandler(self.handler)

    @property
    def linjer(self) -> list[dict]:
        return [json.loads(linje) for linje in self.ud.getvalue().splitlines()]


class RequestLogTests(DemoTestCase):
    def test_each_request_is_one_json_line_with_request_id_user_and_duration(self):
        self.client.force_login(self.konsulent)
        with JsonLinjer("budgetopfolgning.request") as log:
            svar = self.client.get("/opfolgning/2024/1/")
        (linje,) = [linje for linje in log.linjer if linje.get("path") == "/opfolgning/2024/1/"]
        self.assertEqual(linje["request_id"], svar["X-Request-ID"])
        self.assertEqual(len(svar["X-Request-ID"]), 32)
        self.assertEqual((linje["method"], linje["status"], linje["bruger"]), ("GET", 200, "konsulent"))
        self.assertIsInstance(linje["duration_ms"], float)
        self.assertEqual(linje["niveau"], "INFO")

    def test_the_proxys_request_id_is_kept_when_it_is_a_plain_token(self):
        self.assertEqual(self.client.get("/sundhed/", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"], "abc-123")
        self.assertNotIn("<", self.client.get("/sundhed/", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"])

    def test_no_amounts_or_query_strings_reach_the_log(self):
        self.client.force_login(self.okonomi)
        with JsonLinjer("budgetopfolgning", "django") as log:
            self.client.get("/opfolgning/2024/2/ramme/30.46/?soeg=174.800.000")
        tekst = json.dumps(log.linjer, ensure_ascii=False)
        self.assertIn("/opfolgning/2024/2/ramme/30.46/", tekst)
        self.assertNotIn("174.800.000", tekst)
        self.assertNotIn("174800000", tekst)


class LoginLogTests(DemoTestCase):
    def test_a_failed_login_is_logged_with_username_and_address_never_the_password(self):
        with JsonLinjer("budgetopfolgning.sikkerhed") as log:
            self.client.post("/login/", {"username": "konsulent", "password": "forkert-kodeord"})
        (linje,) = log.linjer
        self.assertEqual((linje["besked"], linje["bruger"], linje["ip"]), ("Mislykket login", "konsulent", "127.0.0.1"))
        self.assertNotIn("forkert-kodeord", log.ud.getvalue())

    def test_a_lockout_is_logged(self):
        with JsonLinjer("budgetopfolgning.sikkerhed") as log:
            for _ in range(5):
                self.client.post("/login/", {"username": "udvalg", "password": "forkert"})
        self.assertIn("Låst ude efter for mange mislykkede logins", [linje["besked"] for linje in log.linjer])


class AdgangslogTests(DemoTestCase):
    def _klient(self, user) -> Client:
        klient = Client()
        klient.force_login(user)
        return klient

    def test_downloads_and_views_of_an_open_round_are_kept(self):
        udvalg = self._klient(self.udvalg)
        udvalg.get("/opfolgning/2024/1/bilag.pdf")
        udvalg.get("/opfolgning/2024/1/tabeller.xlsx")
        udvalg.get("/opfolgning/2024/1/udvalg/BSU/bilag.pdf")
        udvalg.get("/opfolgning/2024/1/tabel-2.csv")
        udvalg.get("/opfolgning/2024/1/")  # a locked round's page is public to the council: not logged
        self._klient(self.konsulent).get("/opfolgning/2024/2/")
        linjer = list(Adgangslog.objects.order_by("pk").values_list("brugernavn", "handling", "objekt"))
        self.assertEqual(
            linjer,
            [
                ("udvalg", Adgangslog.BILAG, "1. budgetopfølgning 2024"),
                ("udvalg", Adgangslog.REGNEARK, "1. budgetopfølgning 2024"),
                ("udvalg", Adgangslog.UDVALGSBILAG, "1. budgetopfølgning 2024, BSU"),
                ("udvalg", Adgangslog.CSV, "1. budgetopfølgning 2024, Tabel 2"),
                ("konsulent", Adgangslog.AABEN_RUNDE, "2. budgetopfølgning 2024"),
            ],
        )

    def test_a_refused_request_is_not_logged_as_access(self):
        self._klient(self.udvalg).get("/opfolgning/2024/2/bilag.pdf")  # an open round: 404 for the council
        self.assertFalse(Adgangslog.objects.exists())

    def test_center_for_oekonomi_reads_it_in_the_admin_and_nobody_changes_it(self):
        self._klient(self.udvalg).get("/opfolgning/2024/1/bilag.pdf")
        okonomi = self._klient(self.okonomi)
        side = okonomi.get("/admin/kerne/adgangslog/")
        self.assertEqual(side.status_code, 200)
        self.assertContains(side, "Hentede bilaget (PDF)")
        linje = Adgangslog.objects.get()
        self.assertEqual(okonomi.get(f"/admin/kerne/adgangslog/{linje.pk}/change/").status_code, 200)
        self.assertEqual(okonomi.get("/admin/kerne/adgangslog/add/").status_code, 403)
        self.assertEqual(okonomi.post(f"/admin/kerne/adgangslog/{linje.pk}/delete/", {"post": "yes"}).status_code, 403)
        self.assertTrue(Adgangslog.objects.filter(pk=linje.pk).exists())
        self.assertEqual(self._klient(self.konsulent).get("/admin/kerne/adgangslog/").status_code, 302)
