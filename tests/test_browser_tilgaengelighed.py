"""Issue #13 in a real browser: what a screen reader is told (the accessibility tree), reflow at 320 px, print.

Runs Debian's Chromium through Playwright as tests/test_browser.py does.
"""

import io
import re
from datetime import date

from playwright.sync_api import expect
from pypdf import PdfReader

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
        expect(self.page.locator("#fejl")).to_be_focused()
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
        expect(self.page.locator("#fejl")).to_be_focused()
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
        expect(self.page.locator("#fejl")).to_be_focused()
        self.assertTrue(self.page.title().startswith("Fejl: "))
        expect(self.page.locator("#id_realiseret")).to_have_accessible_description(
            re.compile(r"^Besparelser som positive tal\..*»abc«")
        )
        expect(self.page.get_by_role("group", name="Status for indsatsen")).to_have_accessible_description(
            "Vælg en status."
        )


class ReflowTests(BrowserTestCase):
    """WCAG 1.4.10: at 320 px (1280 px at 400 %) no page scrolls sideways; wide tables scroll in their own region."""

    SIDER = {
        "konsulent": [
            "/", "/opfolgning/2024/1/", "/opfolgning/2024/2/", "/opfolgning/2024/2/udvalg/BSU/",
            "/opfolgning/2024/2/ramme/30.46/", "/opfolgning/2024/2/ramme/30.46/rediger/",
            "/opfolgning/2024/2/ramme/30.36/rediger/", "/opfolgning/2024/2/indtastning/",
            "/opfolgning/2024/2/rammer/", "/opfolgning/2024/praecision/", "/omstilling/", "/omstilling/2019/",
            "/omstilling/2019/TMU-07/", "/omstilling/2019/TMU-07/rediger/", "/omstilling/opfolgning/2024/1/",
            "/rammer/", "/rammer/2024/30.46/", "/rammer/2018/30.46/regnskab/",
            "/rammer/2023/30.46/ledelsesinformation/",
            "/rammer/2018/20.02/budgetmodel/", "/tilgaengelighed/", "/findes/ikke/",
        ],
        "okonomi": ["/opfolgning/2024/2/laas/", "/opfolgning/ny/", "/forbrug/indlaes/"],
    }

    def test_every_page_type_fits_320_px(self):
        for bruger, sider in self.SIDER.items():
            self.context.clear_cookies()
            self.page.set_viewport_size({"width": 1280, "height": 800})
            self.login(bruger)
            self.page.set_viewport_size({"width": 320, "height": 800})
            for sti in sider:
                with self.subTest(bruger=bruger, sti=sti):
                    self.page.goto(f"{self.live_server_url}{sti}")
                    bredder = self.page.evaluate(
                        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
                    )
                    self.assertLessEqual(bredder[0], bredder[1], sti)

    def test_the_long_heading_wraps_and_captions_stay_in_view(self):
        self.login("konsulent")
        self.page.set_viewport_size({"width": 320, "height": 800})
        self.page.goto(f"{self.live_server_url}/rammer/2023/30.46/ledelsesinformation/")
        h1 = self.page.locator("h1")
        self.assertLessEqual(h1.bounding_box()["x"] + h1.bounding_box()["width"], 320)
        self.page.goto(f"{self.live_server_url}/opfolgning/2024/2/")
        caption = self.page.locator(".tabel-ramme caption").first
        boks = caption.bounding_box()
        self.assertLessEqual(boks["x"] + boks["width"], 320)


class TableSemanticsTests(BrowserTestCase):
    def test_tabel_1_reads_with_its_unit_signs_and_without_the_number_row(self):
        self.login("konsulent")
        self.page.goto(f"{self.live_server_url}/opfolgning/2024/1/")
        tabel = self.page.get_by_role("table", name=re.compile(r"^Tabel 1\..*\(1\.000 kr\.\)$"))
        expect(tabel).to_have_accessible_description(re.compile(r"bevillingsrammen opskrives.*mindreforbrug"))
        snapshot = tabel.aria_snapshot()
        self.assertNotIn("(5)=(4)", snapshot)  # the column-number row is for the eye only
        self.assertIn("\u22121.554", snapshot)
        self.assertNotIn("-1.554", snapshot)

    def test_the_main_menu_marks_the_current_section(self):
        self.login("konsulent")
        self.page.goto(f"{self.live_server_url}/omstilling/2019/")
        menu = self.page.get_by_role("navigation", name="Hovedmenu")
        aktuel = menu.locator("[aria-current=page]")
        expect(aktuel).to_have_text("Omstillingsforslag")
        self.assertEqual(aktuel.evaluate("e => getComputedStyle(e).fontWeight"), "700")


class PrintTests(BrowserTestCase):
    def test_the_printed_round_page_has_every_column_and_no_menu_or_buttons(self):
        self.login("okonomi")
        self.page.goto(f"{self.live_server_url}/opfolgning/2024/2/")
        self.page.emulate_media(media="print")
        self.assertEqual(self.page.locator("nav[aria-label=Hovedmenu]").evaluate("e => getComputedStyle(e).display"),
                         "none")
        self.assertEqual(self.page.locator(".skip-link").evaluate("e => getComputedStyle(e).display"), "none")
        data = self.page.pdf(prefer_css_page_size=True)
        reader = PdfReader(io.BytesIO(data))
        side = reader.pages[0]
        self.assertGreater(float(side.mediabox.width), float(side.mediabox.height))  # landscape
        tekst = " ".join(s.extract_text() for s in reader.pages)
        for kolonne in ("Forventet", "Afvigelse", "Udvikling i"):
            self.assertIn(kolonne, tekst)
        self.assertNotIn("Log ud", tekst)
        self.assertNotIn("Gå til indholdet", tekst)
        # No column is clipped: the widest table fits the printed page.
        self.page.set_viewport_size({"width": 1040, "height": 700})
        bredder = self.page.evaluate(
            "() => [...document.querySelectorAll('.tabel-ramme')].map(r => r.scrollWidth - r.clientWidth)"
        )
        self.assertTrue(all(b <= 0 for b in bredder), bredder)
