"""The round page shows Tabel 1 and Tabel 2 exactly as the published Bilag (seed 000) prints them."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgetopfolgning.models import Opfoelgning
from budgetopfolgning.services import importer_budget
from tests.base import DemoTestCase, raekker, tabeller
from tests.seed000 import TABEL_1_VIST, TABEL_2_VIST


class RoundPageTests(DemoTestCase):
    def setUp(self):
        self.client.force_login(self.okonomi)

    def test_it_shows_every_cell_of_tabel_1_and_2(self):
        response = self.client.get("/opfolgning/2024/1/")
        self.assertEqual(response.status_code, 200)
        t1, t2 = tabeller(response.content.decode())
        self.assertIn("Tabel 1. Inden for servicerammen", t1["caption"])
        self.assertIn("Tabel 2. Uden for servicerammen", t2["caption"])
        for tabel, expected in ((t1, TABEL_1_VIST), (t2, TABEL_2_VIST)):
            rows = raekker(tabel)
            for navn, figures in expected.items():
                self.assertEqual(rows[navn], figures, navn)
            self.assertEqual(len([r for r in rows if r in expected]), 8)

    def test_it_uses_the_seed_headers_and_column_numbers(self):
        t1 = tabeller(self.client.get("/opfolgning/2024/1/").content.decode())[0]
        self.assertEqual(
            t1["rows"][0],
            [
                "(1.000 kr.)",
                "Oprindeligt budget 2024",
                "Korrektioner ved første budgetopfølgning 2024 *)",
                "Forslag til nyt budget pr. 29/4-24 inkl. overførsler",
                "Forventet forbrug",
                "Afvigelse",
            ],
        )
        self.assertEqual(t1["rows"][1], ["", "1", "2", "3", "4", "(5)=(4)−(3)"])
        self.assertTrue(all(scope in ("col", "row") for scope in t1["header_scopes"]))

    def test_it_shows_the_summary_sentence_and_sign_notes(self):
        html = self.client.get("/opfolgning/2024/1/").content.decode()
        self.assertIn(
            "Første budgetopfølgning 2024 viser et mindreforbrug på 45,2 mio. kr. i forhold til servicerammen, "
            "som i 2024 udgør 3.292,8 mio. kr.",
            html,
        )
        self.assertIn("Samlet set viser det forventede forbrug på 3.247,6 mio. kr.", html)
        self.assertIn("+ = bevillingsrammen opskrives med beløbet", html)
        self.assertIn("- = bevillingsrammen nedskrives med beløbet", html)
        self.assertIn("+ = merforbrug", html)
        self.assertIn("Børne- og Skoleudvalget – 30.46 Forebyggelse/anbringelse af børn og unge uden for hjemmet", html)

    def test_it_links_udvalg_to_their_drill_down(self):
        html = self.client.get("/opfolgning/2024/1/").content.decode()
        self.assertIn('href="/opfolgning/2024/1/udvalg/BSU/"', html)

    def test_front_page_links_the_rounds(self):
        html = self.client.get("/").content.decode()
        self.assertIn('href="/opfolgning/2024/1/"', html)
        self.assertIn('href="/opfolgning/2024/2/"', html)

    def test_round_two_has_the_earlier_korrektioner_column(self):
        t1 = tabeller(self.client.get("/opfolgning/2024/2/").content.decode())[0]
        self.assertEqual(t1["rows"][0][2], "Tidligere korrektioner")
        rows = raekker(t1)
        # Round 2 starts from round 1's forecasts with no korrektioner of its own.
        self.assertEqual(
            rows["Børne- og Skoleudvalget"][:6], ["1.249.782", "−28.360", "0", "1.221.421", "1.211.060", "−10.362"]
        )
        self.assertEqual(rows["Børne- og Skoleudvalget"][6], "0")  # udvikling siden sidst

    def test_udvalg_drill_down_shows_its_rammer(self):
        response = self.client.get("/opfolgning/2024/1/udvalg/BSU/")
        self.assertEqual(response.status_code, 200)
        t1, t2 = tabeller(response.content.decode())
        rows = raekker(t1)
        self.assertEqual(rows["I alt"], TABEL_1_VIST["Børne- og Skoleudvalget"])
        self.assertIn("30.46 Forebyggelse/anbringelse af børn og unge uden for hjemmet", rows)
        self.assertEqual(raekker(t2)["I alt"], TABEL_2_VIST["Børne- og Skoleudvalget"])

    def test_ramme_page_shows_both_parts_and_explanations(self):
        response = self.client.get("/opfolgning/2024/1/ramme/30.46/")
        self.assertEqual(response.status_code, 200)
        rows = raekker(tabeller(response.content.decode())[0])
        self.assertEqual(set(rows) - {"(1.000 kr.)"}, {"Inden for servicerammen", "Uden for servicerammen", "I alt"})
        self.assertContains(response, "tabt arbejdsfortjeneste")

    def test_unknown_round_udvalg_and_ramme_are_404(self):
        for url in ("/opfolgning/2024/9/", "/opfolgning/2024/1/udvalg/XYZ/", "/opfolgning/2024/1/ramme/99.99/"):
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_anonymous_is_sent_to_login(self):
        self.client.logout()
        response = self.client.get("/opfolgning/2024/1/")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/login/"))


def _csv(n_rammer: int) -> bytes:
    lines = ["udvalg;ramme;ramme_navn;serviceramme;oprindeligt_budget;korrektioner;forventet_forbrug"]
    for i in range(n_rammer):
        udvalg = f"Udvalg {i % 7}"
        nummer = f"{10 + i // 100:02d}.{i % 100:02d}"
        lines.append(f"{udvalg};{nummer};Ramme {i};inden;{1000 + i}000,50;-12,25;{1100 + i}000")
        lines.append(f"{udvalg};{nummer};Ramme {i};uden;{i},75;0;{i}")
    return ("\n".join(lines) + "\n").encode()


class QueryCountTests(DemoTestCase):
    def _load(self, aar, n_rammer):
        importer_budget(data=_csv(n_rammer), filnavn="x.csv", aar=aar, nummer=1, pr_dato=date(aar, 3, 31), laas=True)
        importer_budget(data=_csv(n_rammer), filnavn="x.csv", aar=aar, nummer=2, pr_dato=date(aar, 6, 30))

    def test_round_page_query_count_does_not_grow_with_rammer(self):
        self._load(2030, 10)
        self._load(2031, 500)
        self.assertEqual(Opfoelgning.objects.get(aar__aar=2031, nummer=2).linjer.count(), 1000)
        self.client.force_login(self.okonomi)
        self.client.get("/")  # the session and user lookups are warmed alike for both requests
        with CaptureQueriesContext(connection) as small:
            self.assertEqual(self.client.get("/opfolgning/2030/2/").status_code, 200)
        with self.assertNumQueries(len(small.captured_queries)):
            response = self.client.get("/opfolgning/2031/2/")
        self.assertEqual(len(tabeller(response.content.decode())[0]["rows"]), 2 + 1 + 1 + 7)
