"""In a real browser: Debian's Chromium driven by Playwright, axe for WCAG 2.1/2.2 A and AA, keyboard only.

Chromium must be at /usr/bin/chromium (`.ci/run` installs Debian's package); never a downloaded browser.
Set SKAERMBILLEDER=1 to write the screenshots in docs/screenshots/ (`make screenshots`).
"""

import os
import shutil
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.core.management import call_command
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"

if not shutil.which(CHROMIUM) and not os.environ.get("CI"):
    import pytest

    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class BrowserTestCase(StaticLiveServerTestCase):
    host = "127.0.0.1"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        cls.axe = Axe()

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()

    def setUp(self):
        call_command("demo", stdout=open(os.devnull, "w"))
        self.context = self.browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
        self.page = self.context.new_page()

    def tearDown(self):
        self.context.close()

    def login(self, username: str):
        self.page.goto(f"{self.live_server_url}/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", "demo")
        self.page.click("button[type=submit]")
        self.page.wait_for_url(f"{self.live_server_url}/")

    def assert_no_axe_violations(self, path: str, name: str | None = None):
        if path:
            self.page.goto(f"{self.live_server_url}{path}")
        results = self.axe.run(self.page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        violations = results.response["violations"]
        details = [
            f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}" for v in violations
        ]
        self.assertEqual(details, [], f"axe on {path or self.page.url}")
        if name and os.environ.get("SKAERMBILLEDER"):
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


class AxeTests(BrowserTestCase):
    def test_konsulent_pages_have_no_wcag_violations(self):
        self.login("konsulent")
        pages = [
            ("/", "forside"),
            ("/opfolgning/2024/1/", "runde-laast"),
            ("/opfolgning/2024/2/", "runde-aaben"),
            ("/opfolgning/2024/2/udvalg/BSU/", "udvalg"),
            ("/opfolgning/2024/2/ramme/30.46/", "ramme"),
            ("/opfolgning/2024/2/ramme/30.46/rediger/", "rediger"),
            ("/opfolgning/2024/2/ramme/30.36/", None),
            ("/opfolgning/2024/2/ramme/30.36/rediger/", "rediger-aktiviteter"),
            ("/opfolgning/2024/2/indtastning/", "gitter"),
            ("/opfolgning/2024/2/rammer/", None),
            ("/omstilling/2019/", "omstilling-oversigt"),
            ("/omstilling/2019/TMU-07/", "omstillingsforslag"),
            ("/omstilling/2019/TMU-07/rediger/", None),
            ("/rammer/2024/30.46/", "rammen"),
            ("/rammer/2018/30.46/regnskab/", "regnskab"),
            ("/rammer/2023/30.46/ledelsesinformation/", "ledelsesinformation"),
            ("/rammer/2018/20.02/budgetmodel/", "budgetmodel"),
            ("/tilgaengelighed/", None),
            ("/findes/ikke/", None),
        ]
        for path, name in pages:
            with self.subTest(path=path):
                self.assert_no_axe_violations(path, name)

    def test_edit_form_with_errors_and_history_have_no_violations(self):
        self.login("konsulent")
        self.page.goto(f"{self.live_server_url}/opfolgning/2024/2/ramme/30.46/rediger/")
        self.page.fill("#id_inden_forventet_forbrug", "1.50")
        self.page.click("form.rammeform button[type=submit]")
        self.assertIn("er ikke et gyldigt beløb", self.page.content())
        self.assert_no_axe_violations("", "rediger-fejl")
        self.page.fill("#id_inden_forventet_forbrug", "175.800.000")
        self.page.click("form.rammeform button[type=submit]")
        self.page.wait_for_url(f"{self.live_server_url}/opfolgning/2024/2/ramme/30.46/")
        self.assertIn("Historik", self.page.content())
        self.assert_no_axe_violations("", "historik")

    def test_okonomi_pages_have_no_violations(self):
        self.login("okonomi")
        for path, name in (
            ("/opfolgning/2024/2/laas/", "laas"),
            ("/opfolgning/ny/", None),
            ("/", "forside-okonomi"),
            ("/opfolgning/2024/2/rammer/", "rammernes-status"),
            ("/opfolgning/2024/2/indtastning/", None),
        ):
            with self.subTest(path=path):
                self.assert_no_axe_violations(path, name)

    def test_login_page_has_no_violations(self):
        self.assert_no_axe_violations("/login/", "login")


class KeyboardTests(BrowserTestCase):
    def tab_to(self, text: str, limit: int = 80):
        """Press Tab until the focused element's text is `text`; assert focus is visible on the way."""
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            focused = self.page.evaluate(
                "() => { const e = document.activeElement; const s = getComputedStyle(e);"
                " if (e === document.body) return {text: '', outline: 'none', width: 0, shadow: 'none'};"
                " return {text: (e.innerText || e.value || '').trim(), outline: s.outlineStyle,"
                " width: parseFloat(s.outlineWidth), shadow: s.boxShadow}; }"
            )
            if focused["text"] and focused["text"] != "demo":
                visible = (focused["outline"] != "none" and focused["width"] > 0) or focused["shadow"] != "none"
                self.assertTrue(visible, f"focus is not visible on {focused['text']!r}")
            if focused["text"] == text:
                return
        self.fail(f"could not reach {text!r} with Tab")

    def test_keyboard_only_journey_from_login_to_saved_forecast(self):
        page = self.page
        page.goto(f"{self.live_server_url}/login/")
        # The username field has autofocus.
        self.assertEqual(page.evaluate("() => document.activeElement.id"), "id_username")
        page.keyboard.type("konsulent")
        page.keyboard.press("Tab")
        page.keyboard.type("demo")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{self.live_server_url}/")
        page.keyboard.press("Tab")  # the skip link comes first and jumps past the menu
        self.assertEqual(page.evaluate("() => document.activeElement.innerText"), "Gå til indholdet")
        page.keyboard.press("Enter")
        self.assertEqual(page.evaluate("() => document.activeElement.id"), "indhold")
        self.tab_to("2. budgetopfølgning 2024")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{self.live_server_url}/opfolgning/2024/2/")
        self.tab_to("Børne- og Skoleudvalget")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{self.live_server_url}/opfolgning/2024/2/udvalg/BSU/")
        self.tab_to("30.46 Forebyggelse/anbringelse af børn og unge uden for hjemmet")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{self.live_server_url}/opfolgning/2024/2/ramme/30.46/")
        self.tab_to("Rediger tal og forklaringer")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{self.live_server_url}/opfolgning/2024/2/ramme/30.46/rediger/")
        self.tab_to("0")  # korrektioner inside
        page.keyboard.press("Tab")  # forventet forbrug inside
        page.keyboard.press("Control+A")
        page.keyboard.type("175.800.000")
        self.tab_to("Gem")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{self.live_server_url}/opfolgning/2024/2/ramme/30.46/")
        self.assertIn("er gemt", page.content())
        self.assertIn("175.800", page.inner_text("main"))


    def test_the_grid_by_keyboard_live_figures_and_enter_saves(self):
        page = self.page
        self.login("konsulent")
        self.tab_to("Indtast i gitteret")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{self.live_server_url}/opfolgning/2024/2/indtastning/")
        self.tab_to("0")  # the first row's korrektioner: the first input after the filter
        felt = page.get_by_label(
            "Forventet forbrug, 30.46 Forebyggelse/anbringelse af børn og unge uden for hjemmet, inden for "
            "servicerammen"
        )
        self.tab_to("174.800.000")
        self.assertEqual(page.evaluate("() => document.activeElement.id"), felt.get_attribute("id"))
        page.keyboard.press("Shift+Tab")  # back along the row to its korrektioner
        page.keyboard.press("Control+A")
        page.keyboard.type("+500.000")
        page.keyboard.press("Tab")
        page.keyboard.press("Control+A")
        page.keyboard.type("176.000 t.kr.")
        raekke = page.locator("tr", has=felt)
        # Afvigelse = 176.000 − (172.800 + 500) in 1.000 kr., computed as the user types.
        self.assertEqual(raekke.locator(".afvigelse").inner_text(), "2.700")
        self.assertEqual(raekke.locator(".udvikling").inner_text(), "1.200")
        self.assertEqual(raekke.locator("output.tkr").nth(1).inner_text(), "= 176.000 t.kr.")
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        self.assertIn("1 ramme gemt.", page.inner_text(".beskeder"))
        self.assertEqual(felt.input_value(), "176.000.000")
        self.assert_no_axe_violations("", None)


class LayoutTests(BrowserTestCase):
    def test_narrow_screen_and_200_percent_zoom_do_not_scroll_the_page_sideways(self):
        self.login("konsulent")
        for width in (390, 640):  # a phone, and 1280 px at 200 % zoom
            self.page.set_viewport_size({"width": width, "height": 800})
            for path in ("/opfolgning/2024/2/", "/opfolgning/2024/2/ramme/30.46/rediger/",
                         "/opfolgning/2024/2/indtastning/", "/"):
                with self.subTest(width=width, path=path):
                    self.page.goto(f"{self.live_server_url}{path}")
                    overflow = self.page.evaluate(
                        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
                    )
                    self.assertLessEqual(overflow, 0)

    def test_the_grid_and_the_work_lists_fit_320_px(self):
        for user, paths in (("konsulent", ("/", "/opfolgning/2024/2/indtastning/", "/opfolgning/2024/2/rammer/")),
                            ("okonomi", ("/", "/opfolgning/2024/2/rammer/"))):
            self.context.clear_cookies()
            self.page.set_viewport_size({"width": 1280, "height": 800})
            self.login(user)
            self.page.set_viewport_size({"width": 320, "height": 800})
            for path in paths:
                with self.subTest(user=user, path=path):
                    self.page.goto(f"{self.live_server_url}{path}")
                    overflow = self.page.evaluate(
                        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
                    )
                    self.assertLessEqual(overflow, 0)
