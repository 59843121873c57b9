"""Forbrug on the round's pages: the five rows, the edit form's prognose, the compact view per udvalg, the precision
page, and a locked round that later forbrug does not change."""

import io
from datetime import date
from decimal import Decimal

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgetopfolgning import mellemlager, selectors
from budgetopfolgning.models import Opfoelgning
from budgetopfolgning.services import aabn_opfoelgning, importer_budget, laas_opfoelgning
from forbrug import selectors as forbrug_selectors
from forbrug.models import Konto
from forbrug.services import importer_forbrug, importer_kontoplan
from rammer.models import Rammedel
from tests.base import BaseTestCase, raekker, tabeller, uden_sessionsfornyelse
from tests.test_forbrug import forbrugslinjer

BUDGET = (
    "udvalg;ramme;ramme_navn;serviceramme;oprindeligt_budget;korrektioner;forventet_forbrug;forklaring\n"
    "Teknikudvalget;10.10;Veje;inden;1.200.000;0;1.300.000;Mere vintertjeneste\n"
    "Teknikudvalget;10.10;Veje;uden;600.000;0;600.000;\n"
    "Skoleudvalget;20.20;Skoler;inden;2.400.000;0;2.400.000;\n"
)
KONTOPLAN = "konto;ramme;placering\nK1;10.10;inden\nK2;10.10;uden\nK3;20.20;inden\n"


def forbrug(maaneder, k1="100.000", k2="50.000", k3="200.000", ekstra=()) -> bytes:
    linjer = ["konto;maaned;beloeb"]
    for m in maaneder:
        linjer += [f"K1;{m};{k1}", f"K2;{m};{k2}", f"K3;{m};{k3}"]
    linjer += list(ekstra)
    return ("\n".join(linjer) + "\n").encode()


class ForbrugSiderTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.runde = importer_budget(
            data=BUDGET.encode(), filnavn="b.csv", aar=2024, nummer=1, pr_dato=date(2024, 4, 30)
        ).opfoelgning
        importer_kontoplan(data=KONTOPLAN.encode(), filnavn="k.csv", aar=2024)
        # January to April, and May already (the ERP runs on): May is not "til dato" of a round per 30 April.
        importer_forbrug(data=forbrug(range(1, 5)), filnavn="f.csv", aar=2024)
        importer_forbrug(data=forbrug([5], k1="999.999"), filnavn="f.csv", aar=2024)

    def setUp(self):
        self.client.force_login(self.okonomi)

    def _forbrugstabel(self, url: str) -> dict[str, list[str]]:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        (tabel,) = [t for t in tabeller(response.content.decode()) if t["caption"].startswith("Forbrug til og med")]
        self.assertEqual(tabel["caption"], "Forbrug til og med april 2024 mod periodiseret budget (1.000 kr.)")
        return raekker(tabel)

    def test_the_ramme_page_shows_the_five_rows_per_part_and_in_all(self):
        # No 2023 forbrug, so the default is 1/12 a month: andel(4) = 1/3.
        self.assertEqual(
            self._forbrugstabel("/opfolgning/2024/1/ramme/10.10/"),
            {
                "(1.000 kr.)": ["Inden for servicerammen", "Uden for servicerammen", "I alt"],
                "Forbrug til dato": ["400", "200", "600"],
                "Periodiseret budget til dato": ["400", "200", "600"],
                "Bagudrettet afvigelse": ["0", "0", "0"],
                "Prognose efter forbrugsprofil": ["1.200", "600", "1.800"],
                "Fremadrettet afvigelse": ["100", "0", "100"],
            },
        )
        response = self.client.get("/opfolgning/2024/1/ramme/10.10/")
        self.assertContains(response, "periodisering ligelig (1/12 pr. måned)")
        self.assertContains(response, "andel til og med april: 33,3 %")

    def test_the_edit_form_offers_the_prognose_and_only_fills_the_field(self):
        response = self.client.get("/opfolgning/2024/1/ramme/10.10/rediger/")
        self.assertContains(response, 'data-prognose-felt="id_inden_forventet_forbrug" data-prognose="1.200.000"')
        self.assertContains(response, 'data-prognose-felt="id_uden_forventet_forbrug" data-prognose="600.000"')
        self.assertContains(response, "js/prognose.js")
        # Showing the prognose changes no figure.
        linje = self.runde.linjer.get(rammedel__ramme__nummer="10.10", rammedel__placering="inden")
        self.assertEqual(linje.forventet_forbrug, Decimal("1300000"))

    def test_forbrug_imported_or_mapped_after_a_page_was_shown_shows_at_once(self):
        def i_alt(url: str, caption: str) -> list[str]:
            html = self.client.get(url).content.decode()
            (tabel,) = [t for t in tabeller(html) if caption in t["caption"]]
            return raekker(tabel)["I alt" if "I alt" in raekker(tabel) else "Forbrug til dato"]

        runde, ramme = "/opfolgning/2024/1/", "/opfolgning/2024/1/ramme/10.10/"
        self.assertEqual(i_alt(runde, "prognose efter forbrugsprofil")[1], "1.400")
        self.assertEqual(i_alt(ramme, "mod periodiseret budget"), ["400", "200", "600"])
        # April again, larger: both pages (whatever they keep cached) show it on the next load.
        importer_forbrug(data=forbrug([4], k1="300.000"), filnavn="f.csv", aar=2024)
        self.assertEqual(i_alt(runde, "prognose efter forbrugsprofil")[1], "1.600")
        self.assertEqual(i_alt(ramme, "mod periodiseret budget"), ["600", "200", "800"])
        # A konto moved to another ramme part in the admin takes its forbrug along.
        konto = Konto.objects.get(konto="K2")
        konto.rammedel = Rammedel.objects.get(ramme__nummer="10.10", placering="inden")
        konto.save()
        self.assertEqual(i_alt(ramme, "mod periodiseret budget")[0], "800")

    def test_the_round_page_shows_a_compact_view_per_udvalg_and_ikke_fordelt(self):
        importer_forbrug(data=forbrug([4], ekstra=["UKENDT;4;1.234,50"]), filnavn="f.csv", aar=2024,
                         udelad_ukendte=True)
        response = self.client.get("/opfolgning/2024/1/")
        (tabel,) = [t for t in tabeller(response.content.decode()) if "prognose efter forbrugsprofil" in t["caption"]]
        self.assertEqual(
            raekker(tabel),
            {
                "Udvalg": ["Rammedele med konti", "Forbrug til dato", "Prognose efter forbrugsprofil",
                           "Forventet forbrug", "Forskel (forventet − prognose)"],
                "I alt": ["3 af 3", "1.400", "4.200", "4.300", "100"],
                "Teknikudvalget": ["2 af 2", "600", "1.800", "1.900", "100"],
                "Skoleudvalget": ["1 af 1", "800", "2.400", "2.400", "0"],
            },
        )
        self.assertContains(response, "Ikke fordelt forbrug: 1.234,50 kr.")

    def test_a_part_no_konto_reaches_shows_no_forbrug_and_is_left_out_of_sums(self):
        # 10.10 uden loses its konto: its forbrug is unknown, not 0, so nothing of it may look like a figure.
        Konto.objects.filter(konto="K2").delete()
        self.assertEqual(
            self._forbrugstabel("/opfolgning/2024/1/ramme/10.10/"),
            {
                "(1.000 kr.)": ["Inden for servicerammen", "Uden for servicerammen"],
                "Forbrug til dato": ["400", "–"],
                "Periodiseret budget til dato": ["400", "200"],
                "Bagudrettet afvigelse": ["0", "–"],
                "Prognose efter forbrugsprofil": ["1.200", "–"],
                "Fremadrettet afvigelse": ["100", "–"],
            },
        )
        self.assertContains(self.client.get("/opfolgning/2024/1/ramme/10.10/"),
                            "peger på delen uden for servicerammen")
        redigering = self.client.get("/opfolgning/2024/1/ramme/10.10/rediger/")
        self.assertContains(redigering, 'data-prognose-felt="id_inden_forventet_forbrug"')
        self.assertNotContains(redigering, 'data-prognose-felt="id_uden_forventet_forbrug"')
        self.assertContains(redigering, "– (ingen konti i kontoplanen)")
        # The compact view compares like with like: 10.10 uden's forecast of 600 is left out with its forbrug.
        (tabel,) = [t for t in tabeller(self.client.get("/opfolgning/2024/1/").content.decode())
                    if "prognose efter forbrugsprofil" in t["caption"]]
        self.assertEqual(raekker(tabel)["I alt"], ["2 af 3", "1.200", "3.600", "3.700", "100"])
        self.assertEqual(raekker(tabel)["Teknikudvalget"], ["1 af 2", "400", "1.200", "1.300", "100"])
        # A ramme no konto reaches at all says so instead of a table of dashes.
        Konto.objects.filter(konto="K3").delete()
        ramme = self.client.get("/opfolgning/2024/1/ramme/20.20/")
        self.assertContains(ramme, "Ingen konti i kontoplanen for 2024 peger på denne ramme")
        self.assertNotContains(ramme, "Periodiseret budget til dato")
        self.assertNotContains(ramme, "forbrugsgraf")
        (tabel,) = [t for t in tabeller(self.client.get("/opfolgning/2024/1/").content.decode())
                    if "prognose efter forbrugsprofil" in t["caption"]]
        self.assertEqual(raekker(tabel)["Skoleudvalget"], ["0 af 1", "–", "–", "–", "–"])

    def test_the_workbook_has_a_sheet_of_forbrug_per_ramme_part_as_numbers(self):
        from openpyxl import load_workbook

        response = self.client.get("/opfolgning/2024/1/tabeller.xlsx")
        ark = load_workbook(io.BytesIO(response.content))["Forbrug"]
        rows = list(ark.iter_rows(values_only=True))
        self.assertEqual(rows[0][:7], ("Udvalg", "Ramme", "Rammens navn", "Servicerammen", "Periodisering",
                                       "Andel til dato (%)", "Forbrug til dato (1.000 kr.)"))
        self.assertEqual(rows[1][:5], ("Teknikudvalget", "10.10", "Veje", "Inden for", "Ligelig (1/12 pr. måned)"))
        self.assertAlmostEqual(rows[1][5], 100 / 3)
        self.assertEqual(rows[1][6:], (400, 400, 0, 1200, 100, 1200, 1300))

    def test_the_round_page_reads_forbrug_in_a_fixed_number_of_queries(self):
        self.enterContext(uden_sessionsfornyelse())
        def antal() -> int:
            mellemlager.toem()  # the page computed afresh each time: a test's rollback brings back an old version
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get("/opfolgning/2024/1/").status_code, 200)
            return len(queries)

        foer = antal()
        del_ = Rammedel.objects.get(ramme__nummer="20.20")
        Konto.objects.bulk_create(Konto(aar=del_.ramme.aar, konto=f"X{i}", rammedel=del_) for i in range(200))
        importer_forbrug(
            data=forbrug(range(1, 13), ekstra=[f"X{i};{m};1" for i in range(200) for m in range(1, 13)]),
            filnavn="f.csv", aar=2024,
        )
        self.assertEqual(antal(), foer)

    def test_pages_without_forbrug_show_no_forbrug(self):
        from forbrug.models import Forbrug

        Forbrug.objects.all().delete()
        response = self.client.get("/opfolgning/2024/1/ramme/10.10/")
        self.assertNotContains(response, "Forbrug til dato")
        self.assertNotContains(self.client.get("/opfolgning/2024/1/"), "Ikke fordelt")

    def test_a_locked_round_is_unchanged_by_later_forbrug_and_the_precision_page_measures_it(self):
        # The Bilag is a job that starts when the lock's transaction commits.
        with self.captureOnCommitCallbacks(execute=True):
            laas_opfoelgning(opfoelgning=self.runde)
        self.runde.refresh_from_db()
        tal, bilag = self.runde.tal_sha256, self.runde.bilag_sha256
        self.assertEqual(len(bilag), 64)
        aabn_opfoelgning(aar=self.runde.aar, pr_dato=date(2024, 8, 31), dokumentdato=date(2024, 8, 20))
        # The regnskab arrives: May to December, and April corrected.
        importer_forbrug(data=forbrug(range(4, 13)), filnavn="f.csv", aar=2024)
        self.runde.refresh_from_db()
        self.assertEqual((self.runde.tal_sha256, self.runde.bilag_sha256), (tal, bilag))
        self.assertEqual(selectors.tal_sha256(self.runde), tal)
        # The locked round's page shows what was locked: no compact forbrug view.
        self.assertNotContains(self.client.get("/opfolgning/2024/1/"), "Forbrug til dato og prognose pr. udvalg")
        self.assertContains(self.client.get("/opfolgning/2024/2/"), "Forbrug til dato og prognose pr. udvalg")
        ud = io.StringIO()
        call_command("verificer_runder", stdout=ud)
        self.assertIn("1 låste budgetopfølgninger er uændrede.", ud.getvalue())

        response = self.client.get("/opfolgning/2024/praecision/")
        (tabel,) = [t for t in tabeller(response.content.decode()) if "pr. budgetopfølgning" in t["caption"]]
        rows = raekker(tabel)
        # Regnskab 1.200.000 + 600.000 + 2.400.000 = 4.200.000. Round 1 forecast 1.300.000 + 600.000 + 2.400.000:
        # WAPE = 100.000 / 4.200.000 × 100 = 2,38… → 2,4. Its prognose at April was exactly the regnskab: 0,0.
        # Round 2 carries the forecast over (same WAPE); at August the prognose is again exact.
        forventet = ["4.300", "4.200", "100", "2,4", "4.200", "0,0"]
        self.assertEqual(rows["1. budgetopfølgning (til og med april)"], forventet)
        self.assertEqual(rows["2. budgetopfølgning (til og med august)"], forventet)
        (udvalg,) = [t for t in tabeller(response.content.decode()) if "pr. udvalg" in t["caption"]]
        # Teknikudvalget: 100.000 / 1.800.000 × 100 = 5,55… → 5,6.
        self.assertEqual(raekker(udvalg)["Teknikudvalget"], ["5,6", "5,6"])
        self.assertEqual(raekker(udvalg)["Skoleudvalget"], ["0,0", "0,0"])

    def test_ramme_parts_without_forbrug_are_left_out_of_the_precision(self):
        from budgetopfolgning.models import Opfoelgningslinje

        importer_forbrug(data=forbrug(range(1, 13)), filnavn="f.csv", aar=2024)
        del_ = Rammedel.objects.create(
            ramme=Rammedel.objects.get(ramme__nummer="20.20").ramme, placering="uden", oprindeligt_budget=Decimal("9")
        )
        Opfoelgningslinje.objects.create(opfoelgning=self.runde, rammedel=del_, forventet_forbrug=Decimal("1000000"))
        response = self.client.get("/opfolgning/2024/praecision/")
        (tabel,) = [t for t in tabeller(response.content.decode()) if "pr. budgetopfølgning" in t["caption"]]
        self.assertEqual(raekker(tabel)["1. budgetopfølgning (til og med april)"][:4], ["4.300", "4.200", "100", "2,4"])
        (dele,) = [t for t in tabeller(response.content.decode()) if t["caption"].startswith("Regnskab 2024")]
        self.assertEqual([r[:2] for r in dele["rows"][1:]], [["10.10 Veje", "Inden for servicerammen"],
                                                             ["10.10 Veje", "Uden for servicerammen"],
                                                             ["20.20 Skoler", "Inden for servicerammen"]])

    def test_the_view_across_years_marks_a_ramme_forecast_too_high_year_after_year(self):
        # 2023: the same budget and forecasts, a full year of forbrug; 20.20 spent 2.500.000 against 2.400.000.
        importer_budget(data=BUDGET.encode(), filnavn="b.csv", aar=2023, nummer=1, pr_dato=date(2023, 8, 31))
        importer_kontoplan(data=KONTOPLAN.encode(), filnavn="k.csv", aar=2023)
        importer_forbrug(data=forbrug(range(1, 13)), filnavn="f.csv", aar=2023)
        # December again, corrected: it replaces the whole month (all three konti), as the rule says.
        importer_forbrug(data=forbrug([12], k3="300.000"), filnavn="f.csv", aar=2023)
        importer_forbrug(data=forbrug(range(1, 13)), filnavn="f.csv", aar=2024)
        response = self.client.get("/opfolgning/2024/praecision/")
        (tabel,) = [t for t in tabeller(response.content.decode()) if "på tværs" in t["caption"] or
                    t["caption"].startswith("Forventet forbrug mod regnskab ved årets sidste")]
        self.assertEqual(
            tabel["rows"],
            [
                ["Ramme", "Del", "2023", "2024", "Vurdering"],
                # (1.300.000 − 1.200.000) / 1.200.000 × 100 = 8,33… both years.
                ["10.10 Veje", "Inden for servicerammen", "8,3", "8,3", "systematisk for højt"],
                ["10.10 Veje", "Uden for servicerammen", "0,0", "0,0", ""],
                # 2023: (2.400.000 − 2.500.000) / 2.500.000 × 100 = −4,0; 2024: 0.
                ["20.20 Skoler", "Inden for servicerammen", "−4,0", "0,0", ""],
            ],
        )

    def test_udvalgsmedlemmer_see_only_locked_rounds_on_the_precision_page(self):
        importer_forbrug(data=forbrug(range(1, 13)), filnavn="f.csv", aar=2024)
        self.client.force_login(self.udvalg)
        self.assertEqual(self.client.get("/opfolgning/2024/praecision/").status_code, 404)
        laas_opfoelgning(opfoelgning=self.runde)
        response = self.client.get("/opfolgning/2024/praecision/")
        self.assertContains(response, "1. budgetopfølgning")
        self.assertEqual(self.client.get("/opfolgning/2031/praecision/").status_code, 404)
        self.assertEqual(self.client.post("/opfolgning/2024/praecision/").status_code, 405)

    def test_before_the_regnskab_the_precision_page_says_so(self):
        response = self.client.get("/opfolgning/2024/praecision/")
        self.assertContains(response, "Der er forbrug for 5 af 12 måneder.")
        self.assertFalse(Opfoelgning.objects.filter(status=Opfoelgning.LAAST).exists())


class ForbrugUploadTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        importer_budget(data=BUDGET.encode(), filnavn="b.csv", aar=2024, nummer=1, pr_dato=date(2024, 4, 30))
        importer_kontoplan(data=KONTOPLAN.encode(), filnavn="k.csv", aar=2024)

    def _upload(self, data: bytes, **felter):
        from django.core.files.uploadedfile import SimpleUploadedFile

        # The file is imported by a background job once the upload has committed (at once without a broker); the
        # upload answers with the job's page, which shows the result or every error.
        with self.captureOnCommitCallbacks(execute=True):
            svar = self.client.post(
                "/forbrug/indlaes/", {"aar": "2024", "fil": SimpleUploadedFile("forbrug.csv", data), **felter}
            )
        return self.client.get(svar["Location"]) if svar.status_code == 302 else svar

    def test_center_for_oekonomi_uploads_and_every_other_role_is_refused(self):

        self.client.force_login(self.okonomi)
        self.assertContains(self.client.get("/"), "Indlæs forbrug fra økonomisystemet")
        response = self._upload(forbrug([1, 2]))
        self.assertContains(response, "forbrug.csv er indlæst: 6 linjer for 2024, måned 1, 2.")
        self.assertEqual(len(forbrugslinjer()), 6)
        for bruger in (self.konsulent, self.udvalg):
            self.client.force_login(bruger)
            self.assertEqual(self._upload(forbrug([3])).status_code, 403)
            self.assertNotContains(self.client.get("/"), "Indlæs forbrug")
        self.assertEqual(len(forbrugslinjer()), 6)

    def test_a_refused_file_shows_every_error_and_changes_nothing(self):
        from forbrug.models import Forbrug

        self.client.force_login(self.okonomi)
        response = self._upload(forbrug([1], ekstra=["UKENDT;1;10", "K1;13;1"]))
        self.assertContains(response, "Filen blev ikke indlæst. Intet er ændret.")
        self.assertContains(response, "Linje 6, kolonne »maaned«: »13« er ikke en måned.")
        self.assertFalse(Forbrug.objects.exists())
        response = self._upload(forbrug([1], ekstra=["UKENDT;1;10"]))
        self.assertContains(response, "Kontoen »UKENDT« findes ikke i kontoplanen for 2024 (linje 5, i alt 10,00 kr.)")
        response = self._upload(forbrug([1], ekstra=["UKENDT;1;10"]), udelad_ukendte="on")
        self.assertContains(response, "deres forbrug på 10,00 kr. vises som ikke fordelt.")
        self.assertEqual(Forbrug.objects.filter(forbrug_selectors.IKKE_KORTLAGT).count(), 1)
        # A year that does not exist, or no file: a form error, no 500.
        self.assertEqual(self.client.post("/forbrug/indlaes/", {"aar": "2031"}).status_code, 400)


class ForbrugsgrafTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        importer_budget(data=BUDGET.encode(), filnavn="b.csv", aar=2024, nummer=1, pr_dato=date(2024, 4, 30))
        importer_kontoplan(data=KONTOPLAN.encode(), filnavn="k.csv", aar=2024)
        importer_forbrug(data=forbrug(range(1, 3)), filnavn="f.csv", aar=2024)

    def test_the_ramme_page_draws_the_chart_with_a_text_alternative(self):
        self.client.force_login(self.okonomi)
        response = self.client.get("/opfolgning/2024/1/ramme/10.10/")
        self.assertContains(response, '<svg xmlns="http://www.w3.org/2000/svg"')
        self.assertContains(response, "Akkumuleret forbrug 2024 for 10.10 Veje (mio. kr.)")
        # 150.000 a month for the ramme; 1.800.000 korrigeret, 1/12 a month.
        self.assertContains(response, "feb: forbrug til og med måneden 0,3 mio. kr., periodiseret budget 0,3 mio. kr.")
        self.assertContains(response, "Forventet forbrug ved 1. budgetopfølgning: 1,9 mio. kr.")

    def test_the_udvalg_pdf_of_an_open_round_has_each_rammes_chart_and_its_figures(self):
        from pypdf import PdfReader

        self.client.force_login(self.okonomi)
        response = self.client.get(f"/opfolgning/2024/1/udvalg/{_kode('Teknikudvalget')}/bilag.pdf")
        self.assertEqual(response.status_code, 200)
        tekst = "\n".join(side.extract_text() for side in PdfReader(io.BytesIO(response.content)).pages)
        self.assertIn("Forbrug mod periodiseret budget og forventet forbrug pr. ramme", tekst)
        self.assertIn("10.10 Veje", tekst)
        self.assertIn("feb: forbrug til og med måneden 0,3 mio. kr., periodiseret budget 0,3 mio. kr.", tekst)

    def test_the_udvalg_pdf_of_a_locked_round_shows_what_was_locked(self):
        from pypdf import PdfReader

        runde = Opfoelgning.objects.get(aar__aar=2024, nummer=1)
        with self.captureOnCommitCallbacks(execute=True):
            laas_opfoelgning(opfoelgning=runde)
        self.client.force_login(self.okonomi)
        response = self.client.get(f"/opfolgning/2024/1/udvalg/{_kode('Teknikudvalget')}/bilag.pdf")
        tekst = "\n".join(side.extract_text() for side in PdfReader(io.BytesIO(response.content)).pages)
        self.assertNotIn("Forbrug mod periodiseret budget", tekst)


def _kode(navn: str) -> str:
    from rammer.models import Udvalg

    return Udvalg.objects.get(aar__aar=2024, navn=navn).kode
