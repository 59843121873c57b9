"""Issue #13 in a real browser: what a screen reader is told (the accessibility tree), reflow at 320 px, print.

Runs Debian's Chromium through Playwright as tests/test_browser.py does.
"""

import re
from datetime import date

from playwright.sync_api import expect

from budgetopfolgning.models import Opfoelgning
from rammer.models import Budgetaar
from tests.test_browser import BrowserTestCase


class FormErrorTests(BrowserTestCase):
    def test_an_invalid_amount_is_read_with_its_field_and_focus_moves_to_the_summary(self):
        self.login("konsulent")
        self.page.goto(f"{self.live_server_url}/opfolgning/2024/2/ramme/30.46/rediger/")
        self.page.fill("#id_inden_forventet_forbrug", "1.50")
        self.page.click("form.rammeform button[type=submit]")
        felt = self.page.locator("#id_inden_forventet_forbrug")
        # Help text and error, in that order, as the screen reader reads them with the field.
        expect(felt).to_have_accessible_description(
            re.compile(r"^Det forventede forbrug ved årets udgang.*»1\.50« er ikke et gyldigt beløb")
        )
        expect(felt).to_have_attribute("aria-invalid", "true")
        self.assertEqual(self.page.evaluate("() => document.activeElement.id"), "fejl")
        self.assertTrue(self.page.title().startswith("Fejl: "), self.page.title())
        # The summary's link jumps to the field and leaves its label in view.
        self.page.locator("#fejl a").first.click()
        self.assertEqual(self.page.evaluate("() => document.activeElement.id"), "id_inden_forventet_forbrug")
        label_top = self.page.evaluate(
            "() => document.querySelector('label[for=id_inden_forventet_forbrug]').getBoundingClientRect().top"
        )
        self.assertGreaterEqual(label_top, 0)

    def test_the_new_round_form_links_its_errors(self):
        self.login("okonomi")
        self.page.goto(f"{self.live_server_url}/opfolgning/ny/")
        self.page.fill("#id_pr_dato", "ikke en dato")
        self.page.click("main form button[type=submit]")
        expect(self.page.locator("#id_pr_dato")).to_have_accessible_description(
            re.compile(r"^Datoen tallene opgøres pr\., fx 29\. april\. .+")
        )
        self.assertEqual(self.page.evaluate("() => document.activeElement.id"), "fejl")
        self.assertTrue(self.page.title().startswith("Fejl: "))

    def test_the_omstilling_follow_up_links_field_and_radio_group_errors(self):
        # An open round in a year the demo catalogue (2019–2022) runs in, so its proposals can be followed up.
        Opfoelgning.objects.create(
            aar=Budgetaar.objects.get_or_create(aar=2019)[0], nummer=1, pr_dato=date(2019, 4, 30),
            dokumentdato=date(2019, 4, 12),
        )
        self.login("okonomi")
        self.page.goto(f"{self.live_server_url}/omstilling/opfolgning/2019/1/2019/TMU-01/")
        self.page.fill("#id_realiseret", "abc")
        self.page.evaluate("() => document.querySelectorAll('input[type=radio]').forEach(r => r.checked = false)")
        self.page.locator("main form button[type=submit]").last.click()
        self.assertEqual(self.page.evaluate("() => document.activeElement.id"), "fejl")
        self.assertTrue(self.page.title().startswith("Fejl: "))
        expect(self.page.locator("#id_realiseret")).to_have_accessible_description(
            re.compile(r"^Besparelser som positive tal\..*»abc«")
        )
        expect(self.page.get_by_role("group", name="Status for indsatsen")).to_have_accessible_description(
            "Vælg en status."
        )
