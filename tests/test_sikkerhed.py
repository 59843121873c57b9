"""Security defaults: login lockout, CSP, CSRF, Danish error pages."""

from django.test import Client, override_settings

from tests.base import BaseTestCase


class LoginTests(BaseTestCase):
    def test_login_page_is_danish_and_logs_in(self):
        response = self.client.get("/login/")
        self.assertContains(response, "Log ind")
        self.assertContains(response, 'lang="da"')
        response = self.client.post("/login/", {"username": "okonomi", "password": "demo"})
        self.assertRedirects(response, "/")

    def test_five_failures_lock_the_username_from_that_address(self):
        for _ in range(5):
            response = self.client.post("/login/", {"username": "okonomi", "password": "forkert"})
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Prøv igen om 15 minutter", status_code=429)
        # Even the right password is refused during the cool-off.
        response = self.client.post("/login/", {"username": "okonomi", "password": "demo"})
        self.assertEqual(response.status_code, 429)
        # Another user from the same address is not locked out.
        response = self.client.post("/login/", {"username": "konsulent", "password": "demo"})
        self.assertEqual(response.status_code, 302)

    def test_a_wrong_password_shows_a_danish_error(self):
        response = self.client.post("/login/", {"username": "okonomi", "password": "forkert"})
        self.assertContains(response, "Indtast venligst korrekt brugernavn og adgangskode")


class HeaderTests(BaseTestCase):
    def test_pages_carry_a_strict_content_security_policy(self):
        response = self.client.get("/login/")
        csp = response["Content-Security-Policy"]
        self.assertIn("default-src 'self'", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertNotIn("style=", response.content.decode())
        self.assertNotIn("<script>", response.content.decode())
        self.assertEqual(response["X-Frame-Options"], "DENY")

    def test_csrf_is_enforced(self):
        client = Client(enforce_csrf_checks=True)
        response = client.post("/login/", {"username": "okonomi", "password": "demo"})
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "Formularen er udløbet", status_code=403)


@override_settings(DEBUG=False)
class ErrorPageTests(BaseTestCase):
    def test_404_is_danish(self):
        self.client.force_login(self.okonomi)
        response = self.client.get("/findes/ikke/")
        self.assertContains(response, "Siden findes ikke", status_code=404)

    def test_403_is_danish(self):
        self.client.force_login(self.udvalg)
        response = self.client.get("/opfolgning/ny/")
        self.assertContains(response, "Ingen adgang", status_code=403)


class AccessibilityStatementTests(BaseTestCase):
    def test_the_statement_is_public_and_linked_from_the_footer(self):
        response = self.client.get("/tilgaengelighed/")
        self.assertContains(response, "Tilgængelighedserklæring")
        self.assertContains(response, "WCAG 2.1")
        self.assertContains(self.client.get("/login/"), 'href="/tilgaengelighed/"')
