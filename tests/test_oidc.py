"""Single sign-on against a real OpenID Connect provider (node-oidc-provider, tests/oidc/server.mjs) in its own
process, through Debian's Chromium: the authorization-code flow with PKCE, roles from the group claim.

Needs Node and `npm ci --prefix tests/oidc` (.ci/run does both); skipped without them, except with
CI_KREVER_TJENESTER=1, where a missing provider fails the run.
"""

import copy
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.core.management import call_command
from django.test import TestCase, override_settings

from budgetopfolgning.models import Opfoelgning
from config.settings import csp_form_action, oidc_discovery
from kerne import roller
from kerne.models import SsoIdentitet

MAPPE = Path(settings.BASE_DIR) / "tests" / "oidc"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
KREVER_TJENESTER = os.environ.get("CI_KREVER_TJENESTER") == "1"

BRUGERE = {
    "anna": {
        "name": "Anna Økonomi",
        "given_name": "Anna",
        "family_name": "Økonomi",
        "email": "anna@kommune.dk",
        "groups": ["g-okonomi", "g-andet"],
    },
    "bo": {
        "name": "Bo Konsulent",
        "given_name": "Bo",
        "family_name": "Konsulent",
        "email": "bo@kommune.dk",
        "groups": ["g-konsulent"],
    },
    "cecilie": {
        "name": "Cecilie Udenfor",
        "given_name": "Cecilie",
        "family_name": "Udenfor",
        "email": "cecilie@kommune.dk",
        "groups": ["g-kantine"],
    },
}


def _mangler() -> str | None:
    if not shutil.which("node"):
        return "Node findes ikke"
    if not (MAPPE / "node_modules" / "oidc-provider").is_dir():
        return "oidc-provider er ikke installeret (npm ci --prefix tests/oidc)"
    if not shutil.which(CHROMIUM):
        return "Debian's chromium findes ikke"
    return None


def _fri_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class OidcTests(StaticLiveServerTestCase):
    host = "127.0.0.1"

    @classmethod
    def setUpClass(cls):
        mangler = _mangler()
        if mangler:
            if KREVER_TJENESTER:
                raise AssertionError(f"{mangler}, men CI_KREVER_TJENESTER=1")
            pytest.skip(mangler)
        super().setUpClass()
        cls.mappe = tempfile.TemporaryDirectory()
        cls.brugerfil = Path(cls.mappe.name) / "brugere.json"
        cls.brugerfil.write_text(json.dumps(BRUGERE))
        port = _fri_port()
        cls.issuer = f"http://127.0.0.1:{port}"
        cls.provider = subprocess.Popen(
            ["node", "server.mjs"],
            cwd=MAPPE,
            env={
                **os.environ,
                "PORT": str(port),
                "ISSUER": cls.issuer,
                "CLIENT_ID": "budgetopfolgning",
                "CLIENT_SECRET": "test-hemmelighed",
                "REDIRECT_URI": f"{cls.live_server_url}/oidc/tilbage/",
                "POST_LOGOUT_REDIRECT_URI": f"{cls.live_server_url}/login/",
                "USERS": str(cls.brugerfil),
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        discovery = f"{cls.issuer}/.well-known/openid-configuration"
        for _ in range(100):
            try:
                urllib.request.urlopen(discovery, timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        endepunkter = oidc_discovery(discovery)
        csp = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
        csp["DIRECTIVES"]["form-action"] = csp_form_action(endepunkter["OIDC_OP_LOGOUT_ENDPOINT"])
        cls.indstillinger = override_settings(
            CONTENT_SECURITY_POLICY=csp,
            OIDC_RP_CLIENT_ID="budgetopfolgning",
            OIDC_RP_CLIENT_SECRET="test-hemmelighed",
            OIDC_RP_SCOPES="openid email profile groups",
            OIDC_ROLLE_OKONOMI=["g-okonomi"],
            OIDC_ROLLE_KONSULENT=["g-konsulent"],
            OIDC_ROLLE_UDVALG=["g-udvalg"],
            AUTHENTICATION_BACKENDS=[*settings.AUTHENTICATION_BACKENDS, "kerne.oidc.Backend"],
            **endepunkter,
        )
        cls.indstillinger.enable()
        from playwright.sync_api import sync_playwright

        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.playwright.stop()
        cls.indstillinger.disable()
        cls.provider.terminate()
        cls.provider.wait(10)
        cls.mappe.cleanup()
        super().tearDownClass()

    def setUp(self):
        call_command("demo", stdout=open(os.devnull, "w"))
        self.brugerfil.write_text(json.dumps(BRUGERE))

    def _log_ind(self, brugernavn: str, sti: str = "/"):
        """A fresh browser (no session at the provider) signs in as `brugernavn` through the provider."""
        context = self.browser.new_context(locale="da-DK")
        self.addCleanup(context.close)
        page = context.new_page()
        foresporgsler: list[str] = []
        page.on("request", lambda r: foresporgsler.append(r.url))
        page.goto(f"{self.live_server_url}{sti}")
        page.wait_for_url(f"{self.live_server_url}/login/**")
        page.click("#oidc-login")
        page.wait_for_url(f"{self.issuer}/**")
        # The authorization request: code flow with PKCE (S256), state and nonce.
        (autorisation,) = [u for u in foresporgsler if u.startswith(f"{self.issuer}/auth?")]
        parametre = parse_qs(urlsplit(autorisation).query)
        self.assertEqual(parametre["response_type"], ["code"])
        self.assertEqual(parametre["code_challenge_method"], ["S256"])
        self.assertEqual(len(parametre["code_challenge"][0]), 43)
        self.assertIn("state", parametre)
        self.assertIn("nonce", parametre)
        page.fill("input[name=login]", brugernavn)
        page.fill("input[name=password]", "hvadsomhelst")
        page.click("button[type=submit]")
        page.wait_for_url(f"{self.live_server_url}/**")
        return page

    def _roller(self, brugernavn: str) -> set[str]:
        return set(User.objects.get(username=brugernavn).groups.values_list("name", flat=True))

    def test_a_user_in_the_okonomi_group_is_created_from_the_claims_and_can_lock(self):
        page = self._log_ind("anna", "/opfolgning/2024/2/")
        self.assertEqual(page.url, f"{self.live_server_url}/opfolgning/2024/2/")
        anna = User.objects.get(username="anna")
        self.assertEqual((anna.first_name, anna.last_name, anna.email), ("Anna", "Økonomi", "anna@kommune.dk"))
        self.assertFalse(anna.has_usable_password())
        self.assertTrue(anna.is_staff)
        self.assertEqual(self._roller("anna"), {roller.OKONOMI})

        page.goto(f"{self.live_server_url}/opfolgning/2024/2/laas/")
        page.get_by_label("Lås alligevel, selv om ikke alle rammer er godkendt").check()
        page.click("main form button[type=submit]")
        page.wait_for_url(f"{self.live_server_url}/opfolgning/2024/2/")
        runde = Opfoelgning.objects.get(aar__aar=2024, nummer=2)
        self.assertTrue(runde.er_laast)
        self.assertEqual(runde.laast_af, anna)

    def test_a_user_in_no_group_gets_a_clear_danish_page_and_no_account(self):
        page = self._log_ind("cecilie")
        self.assertIn("Du har ingen rolle i Budgetopfølgning – kontakt Center for Økonomi", page.content())
        self.assertFalse(User.objects.filter(username="cecilie").exists())
        page.goto(f"{self.live_server_url}/")
        self.assertTrue(page.url.startswith(f"{self.live_server_url}/login/"))

    def test_a_changed_group_changes_the_role_at_the_next_login_and_logout_ends_the_providers_session(self):
        page = self._log_ind("bo")
        self.assertEqual(self._roller("bo"), {roller.KONSULENT})
        self.assertEqual(page.url, f"{self.live_server_url}/")

        # Logout goes through the provider's end-session endpoint and back to the login page.
        page.click("form.logout button[type=submit]")
        page.wait_for_url(f"{self.issuer}/**")
        page.click("button[autofocus], button[type=submit]")
        page.wait_for_url(f"{self.live_server_url}/login/**")

        brugere = {**BRUGERE, "bo": {**BRUGERE["bo"], "groups": ["g-udvalg"]}}
        self.brugerfil.write_text(json.dumps(brugere))
        page = self._log_ind("bo")
        self.assertEqual(self._roller("bo"), {roller.UDVALGSMEDLEM})
        self.assertEqual(User.objects.filter(username="bo").count(), 1)
        # An udvalgsmedlem does not see the open round.
        svar = page.goto(f"{self.live_server_url}/opfolgning/2024/2/")
        self.assertEqual(svar.status, 404)

    def test_the_provider_never_signs_in_to_a_local_account_with_a_password_of_the_same_name(self):
        # The demo's superuser-like local account "okonomi" has a password; someone the provider calls "okonomi"
        # (a re-used UPN, or an AD account named like it) gets a Danish refusal, not that account.
        brugere = {**BRUGERE, "okonomi": {**BRUGERE["anna"], "name": "Anden Person"}}
        self.brugerfil.write_text(json.dumps(brugere))
        lokal = User.objects.get(username="okonomi")
        page = self._log_ind("okonomi")
        self.assertIn("Brugernavnet okonomi hører til en anden konto i Budgetopfølgning", page.content())
        page.goto(f"{self.live_server_url}/")
        self.assertTrue(page.url.startswith(f"{self.live_server_url}/login/"))
        lokal.refresh_from_db()
        self.assertTrue(lokal.has_usable_password())
        self.assertFalse(SsoIdentitet.objects.filter(bruger=lokal).exists())

    def test_an_account_made_ahead_without_a_password_is_linked_and_then_found_by_sub(self):
        # Center for Økonomi made "bo" ahead (no password) to give him rammer before his first login.
        forud = User.objects.create_user("bo")
        forud.set_unusable_password()
        forud.save()
        self._log_ind("bo")
        identitet = SsoIdentitet.objects.get(bruger=forud)
        self.assertEqual((identitet.udsteder, identitet.sub), (self.issuer, "bo"))
        # Renamed in the directory: the next login finds him by sub and follows the new name.
        forud.username = "bo.gammel"
        forud.save()
        self._log_ind("bo")
        forud.refresh_from_db()
        self.assertEqual(forud.username, "bo")
        self.assertEqual(User.objects.filter(sso_identitet__isnull=False).count(), 1)


class UdenOidcTests(TestCase):
    """Without OIDC settings login is local only, and the SSO routes do not exist."""

    def test_the_login_page_has_no_sso_button(self):
        self.assertNotContains(self.client.get("/login/"), "oidc-login")

    def test_the_sso_routes_answer_404(self):
        self.assertEqual(self.client.get("/oidc/start/").status_code, 404)
        self.assertEqual(self.client.get("/oidc/tilbage/?code=x&state=y").status_code, 404)
