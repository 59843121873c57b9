"""The PDF Bilag, the per-udvalg Bilag and the workbook, read back as a council member or a spreadsheet would."""

import csv
import hashlib
import io
import re
import time
from datetime import date
from decimal import Decimal
from unittest import mock

from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from budgetopfolgning import bilag
from budgetopfolgning.models import Opfoelgning
from budgetopfolgning.services import importer_budget
from kerne import pdf
from kerne.beloeb import dansk_tal, rund
from rammer.models import Rammedel
from tests.base import BaseTestCase, DemoTestCase
from tests.seed000 import TABEL_1, TABEL_1_VIST, TABEL_2, TABEL_2_VIST

# The rammer seed 000 explains, inside and outside the serviceramme.
FORKLARET_INDEN = ["10.30", "30.36", "30.46", "40.35", "50.54", "51.56", "60.62"]
FORKLARET_UDEN = ["30.46", "50.54", "50.58", "51.52", "51.56"]

BILAG_1 = "/opfolgning/2024/1/bilag.pdf"
BILAG_2 = "/opfolgning/2024/2/bilag.pdf"
BSU_1 = "/opfolgning/2024/1/udvalg/BSU/bilag.pdf"
XLSX_1 = "/opfolgning/2024/1/tabeller.xlsx"


def sider(pdf: bytes) -> list[str]:
    """Each page's text with runs of whitespace (line breaks included) folded to one space."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def raekke(navn: str, tal: list[str]) -> str:
    return " ".join([navn, *tal])


def hent(user, url: str) -> bytes:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content


class BilagPdfTests(DemoTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Rendering takes about a second, so each PDF is fetched once for the class.
        cls.pdf_1 = hent(cls.okonomi, BILAG_1)
        cls.pdf_2 = hent(cls.okonomi, BILAG_2)
        cls.tekst_1 = " ".join(sider(cls.pdf_1))

    def setUp(self):
        self.client.force_login(self.okonomi)

    def test_it_serves_a_pdf_inline(self):
        response = self.client.get(BILAG_1)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        self.assertIn("inline", response["Content-Disposition"])
        self.assertIn("bilag-2024-1.pdf", response["Content-Disposition"])

    def test_it_prints_every_row_of_tabel_1_and_2_with_its_five_figures(self):
        tabel_1, tabel_2 = self.tekst_1.split("Tabel 2. Uden for servicerammen")
        tabel_1 = tabel_1.split("Tabel 1. Inden for servicerammen")[1]
        for tekst, forventet in ((tabel_1, TABEL_1_VIST), (tabel_2, TABEL_2_VIST)):
            for navn, tal in forventet.items():
                self.assertIn(raekke(navn, tal), tekst, navn)

    def test_it_puts_i_alt_first_and_then_the_distribution_in_both_tables(self):
        for forventet in (TABEL_1_VIST, TABEL_2_VIST):
            self.assertIn(raekke("I alt", forventet["I alt"]) + " Som fordeler sig således: Klima- og Miljøudvalget",
                          self.tekst_1)

    def test_it_has_the_letterhead_title_and_summary(self):
        for tekst in (
            "Center for Økonomi",
            "Mikkel Elkjær",
            "Telefon 2069 1302",
            "E-mail økonomi@balk.dk",
            "Sagsnr. 00.30.14-G01-2-24",
            "Dato 12. april 2024",
            "Tabeloversigter for første budgetopfølgning 2024 for Ballerup Kommune",
            "Første budgetopfølgning 2024 viser et mindreforbrug på 45,2 mio. kr. i forhold til servicerammen, "
            "som i 2024 udgør 3.292,8 mio. kr.",
            "Note: Servicerammen for Ballerup Kommune udgør 3.292,8 mio. kr. i 2024.",
            "Samlet set viser det forventede forbrug på 3.247,6 mio. kr.",
        ):
            self.assertIn(tekst, self.tekst_1)

    def test_it_has_every_heading_and_the_column_numbers(self):
        for tekst in (
            "Påvirkning af driftsbudgettet inden for servicerammen 2024",
            "Tabel 1. Inden for servicerammen – resultatet af første budgetopfølgning af driftsbudgettet",
            "Særlige budgetmæssige udfordringer på driftsbudgettet inden for servicerammen",
            "Påvirkning af driftsbudgettet uden for servicerammen 2024",
            "Tabel 2. Uden for servicerammen – resultatet af første budgetopfølgning af driftsbudgettet",
            "Særlige budgetmæssige udfordringer på driftsbudgettet uden for servicerammen",
            "1 2 3 4 (5)=(4)−(3)",
            "*) + = bevillingsrammen opskrives med beløbet - = bevillingsrammen nedskrives med beløbet",
            "Afvigelse: + = merforbrug, - = mindreforbrug",
            "Afvigelsen (kolonne 5) viser forskellen mellem forventet forbrug (kolonne 4)",
        ):
            self.assertIn(tekst, self.tekst_1)
        self.assertEqual(self.tekst_1.count("1 2 3 4 (5)=(4)−(3)"), 2)

    def test_it_heads_each_explanation_with_udvalg_and_ramme(self):
        inden, uden = self.tekst_1.split("Særlige budgetmæssige udfordringer på driftsbudgettet uden for")
        linjer = Opfoelgning.objects.get(aar__aar=2024, nummer=1).linjer.exclude(forklaring="")
        for linje in linjer.select_related("rammedel__ramme__udvalg"):
            ramme = linje.rammedel.ramme
            del_ = inden if linje.rammedel.placering == Rammedel.INDEN else uden
            self.assertIn(f"{ramme.udvalg.navn} – {ramme.nummer} {ramme.navn}", del_)
        for nummer in FORKLARET_INDEN:
            self.assertRegex(inden, rf"– {re.escape(nummer)} ")
        for nummer in FORKLARET_UDEN:
            self.assertRegex(uden, rf"– {re.escape(nummer)} ")

    def test_it_numbers_its_pages(self):
        tekster = sider(self.pdf_1)
        self.assertEqual(len(tekster), 3)
        for nummer, tekst in enumerate(tekster, start=1):
            self.assertIn(f"Side {nummer} af 3", tekst)

    def test_it_is_a_tagged_pdf_with_title_and_language(self):
        reader = PdfReader(io.BytesIO(self.pdf_1))
        root = reader.trailer["/Root"]
        self.assertEqual(root["/MarkInfo"]["/Marked"], True)
        self.assertIn("/StructTreeRoot", root)
        self.assertEqual(root["/Lang"], "da")
        self.assertEqual(reader.metadata.title, "Tabeloversigter for første budgetopfølgning 2024 for Ballerup Kommune")
        self.assertEqual(root["/ViewerPreferences"]["/DisplayDocTitle"], True)
        self.assertIn(b'pdfuaid:part="1"', reader.xmp_metadata.stream.get_data())
        self.assertEqual(reader.metadata["/CreationDate"], "D:20240412")

    def test_it_serves_a_locked_round_as_identical_stored_bytes(self):
        foerste = self.client.get(BILAG_1)
        anden = self.client.get(BILAG_1)
        self.assertEqual(foerste.content, anden.content)
        self.assertEqual(foerste.content, self.pdf_1)
        runde = Opfoelgning.objects.get(aar__aar=2024, nummer=1)
        self.assertEqual(bytes(runde.bilag_pdf), self.pdf_1)
        self.assertEqual(runde.bilag_sha256, hashlib.sha256(self.pdf_1).hexdigest())
        self.assertEqual(foerste["ETag"], f'"{runde.bilag_sha256}"')

    def test_it_marks_only_the_final_bilag_without_kladde(self):
        self.assertNotIn("Kladde", self.tekst_1)

    def test_it_marks_every_page_of_an_open_round_as_kladde(self):
        tekster = sider(self.pdf_2)
        self.assertGreaterEqual(len(tekster), 2)
        for tekst in tekster:
            self.assertIn("Kladde", tekst)
        self.assertIn("Tabeloversigter for anden budgetopfølgning 2024 for Ballerup Kommune", tekster[0])
        self.assertIn("Sagsnr. 00.30.14-G01-3-24", tekster[0])

    def test_it_does_not_store_the_draft_of_an_open_round(self):
        runde = Opfoelgning.objects.get(aar__aar=2024, nummer=2)
        self.assertIsNone(runde.bilag_pdf)
        self.assertEqual(runde.bilag_sha256, "")
        self.assertIn("kladde", self.client.get(BILAG_2)["Content-Disposition"])

    def test_it_prints_the_open_rounds_extra_columns(self):
        tekst = " ".join(sider(self.pdf_2))
        self.assertIn("1 2 3 4 5 (6)=(5)−(4)", tekst)
        # Round 2 starts from round 1's forecast: nothing has moved yet, so every udvikling is 0.
        self.assertIn("I alt 3.292.768 −1.554 0 3.291.214 3.247.568 −43.646 0", tekst)


class FrysBilagTests(DemoTestCase):
    def setUp(self):
        self.client.force_login(self.okonomi)
        self.runde = Opfoelgning.objects.get(aar__aar=2024, nummer=1)

    def test_it_stores_the_bilag_with_its_sha256(self):
        bilag.frys_bilag(self.runde)
        self.runde.refresh_from_db()
        data = bytes(self.runde.bilag_pdf)
        self.assertTrue(data.startswith(b"%PDF"))
        self.assertEqual(self.runde.bilag_sha256, hashlib.sha256(data).hexdigest())

    def test_it_renders_the_same_bytes_twice(self):
        self.assertEqual(bilag.render_bilag(self.runde, kladde=False), bilag.render_bilag(self.runde, kladde=False))

    def test_it_renders_the_same_bytes_twice_without_harfbuzz_subset(self):
        # Without HarfBuzz-Subset, WeasyPrint subsets fonts with fontTools, which stamps the time into each font.
        with mock.patch("weasyprint.pdf.fonts.harfbuzz_subset", None), \
                mock.patch.object(pdf, "_FONTTOOLS_SUBSET", True), self.assertLogs("weasyprint", "WARNING"):
            foerste = bilag.render_bilag(self.runde, kladde=False)
            time.sleep(1.1)  # fontTools' timestamp has a resolution of one second
            anden = bilag.render_bilag(self.runde, kladde=False)
        self.assertEqual(foerste, anden)

    def test_it_never_marks_the_frozen_bilag_as_kladde(self):
        # The lock may store the Bilag before it flips the status; the frozen copy is final either way.
        runde_2 = Opfoelgning.objects.get(aar__aar=2024, nummer=2)
        bilag.frys_bilag(runde_2)
        self.assertNotIn("Kladde", " ".join(sider(bytes(runde_2.bilag_pdf))))

    def test_it_serves_the_stored_bytes_not_a_new_rendering(self):
        bilag.frys_bilag(self.runde)
        gemt = bytes(self.runde.bilag_pdf) + b"\n% gemt ved laasning\n"
        Opfoelgning.objects.filter(pk=self.runde.pk).update(
            bilag_pdf=gemt, bilag_sha256=hashlib.sha256(gemt).hexdigest()
        )
        self.assertEqual(self.client.get(BILAG_1).content, gemt)

    def test_it_refuses_stored_bytes_that_do_not_match_their_sha256(self):
        bilag.frys_bilag(self.runde)
        Opfoelgning.objects.filter(pk=self.runde.pk).update(bilag_pdf=b"%PDF-1.7 noget andet")
        self.runde.refresh_from_db()
        with self.assertRaises(RuntimeError):
            bilag.gemt_bilag(self.runde)


class UdvalgBilagTests(DemoTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.tekst = " ".join(sider(hent(cls.okonomi, BSU_1)))

    def setUp(self):
        self.client.force_login(self.okonomi)

    def test_it_holds_the_udvalgs_ramme_rows(self):
        tabel_1, tabel_2 = self.tekst.split("Tabel 2. Uden for servicerammen")
        for raekke_tekst in (
            "I alt 1.249.782 −28.360 1.221.421 1.211.060 −10.362",
            "30.30 Folkeskole 612.400 −12.100 600.300 600.300 0",
            "30.33 Pædagogisk psykologisk rådgivning 27.510 0 27.510 27.510 0",
            "30.36 Tilbud til børn og unge med særlige behov 118.900 −2.300 116.600 107.600 −9.000",
            "30.46 Forebyggelse/anbringelse af børn og unge uden for hjemmet 176.900 −4.100 172.800 174.800 2.000",
            "30.50 Dagtilbud 314.072 −9.860 304.211 300.850 −3.362",
        ):
            self.assertIn(raekke_tekst, tabel_1)
        for raekke_tekst in (
            "I alt −15.075 0 −15.075 −11.953 3.122",
            "30.36 Tilbud til børn og unge med særlige behov −29.575 0 −29.575 −29.953 −378",
            "30.46 Forebyggelse/anbringelse af børn og unge uden for hjemmet 14.500 0 14.500 18.000 3.500",
        ):
            self.assertIn(raekke_tekst, tabel_2)

    def test_it_holds_only_that_udvalg(self):
        self.assertIn("Børne- og Skoleudvalget: tabeloversigter for første budgetopfølgning 2024", self.tekst)
        self.assertIn("Børne- og Skoleudvalget – 30.46 Forebyggelse/anbringelse af børn og unge uden for hjemmet",
                      self.tekst)
        self.assertNotIn("10.30", self.tekst)
        self.assertNotIn("Socialudvalget", self.tekst)

    def test_it_returns_404_for_an_unknown_udvalg(self):
        self.assertEqual(self.client.get("/opfolgning/2024/1/udvalg/XYZ/bilag.pdf").status_code, 404)


class AdgangTests(DemoTestCase):
    def test_it_sends_anonymous_users_to_login(self):
        for url in (BILAG_1, BSU_1, XLSX_1, "/opfolgning/2024/1/tabel-1.csv"):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertIn("/login/", response["Location"])

    def test_it_hides_an_open_rounds_downloads_from_udvalgsmedlemmer(self):
        self.client.force_login(self.udvalg)
        for url in (BILAG_2, "/opfolgning/2024/2/udvalg/BSU/bilag.pdf", "/opfolgning/2024/2/tabeller.xlsx",
                    "/opfolgning/2024/2/tabel-1.csv"):
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_it_lets_udvalgsmedlemmer_download_a_locked_round(self):
        self.client.force_login(self.udvalg)
        response = self.client.get(BSU_1)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"%PDF"))

    def test_it_answers_post_with_405(self):
        self.client.force_login(self.okonomi)
        for url in (BILAG_1, BSU_1, XLSX_1, "/opfolgning/2024/1/tabel-1.csv"):
            self.assertEqual(self.client.post(url).status_code, 405, url)

    def test_it_returns_404_for_a_missing_round(self):
        self.client.force_login(self.okonomi)
        self.assertEqual(self.client.get("/opfolgning/2024/9/bilag.pdf").status_code, 404)
        self.assertEqual(self.client.get("/opfolgning/2024/1/tabel-3.csv").status_code, 404)

    def test_it_links_the_downloads_from_the_round_and_udvalg_pages(self):
        self.client.force_login(self.okonomi)
        side = self.client.get("/opfolgning/2024/1/").content.decode()
        for url in (BILAG_1, XLSX_1, "/opfolgning/2024/1/tabel-1.csv", "/opfolgning/2024/1/tabel-2.csv"):
            self.assertIn(f'href="{url}"', side)
        side = self.client.get("/opfolgning/2024/1/udvalg/BSU/").content.decode()
        for url in (BSU_1, BILAG_1, XLSX_1):
            self.assertIn(f'href="{url}"', side)


def i_tusind(value) -> str:
    """A workbook number (1.000 kr., unrounded) as the Bilag prints it."""
    return dansk_tal(rund(Decimal(str(value))), minus="-")


class WorkbookTests(DemoTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.xlsx = hent(cls.okonomi, XLSX_1)

    def setUp(self):
        self.wb = load_workbook(io.BytesIO(self.xlsx))

    def test_it_has_the_three_sheets_and_one_of_forbrug(self):
        # The demo has forbrug for 2024, so the workbook has its sheet too; activities have their own (issue #13).
        self.assertEqual(self.wb.sheetnames, ["Tabel 1", "Tabel 2", "Rammer", "Aktiviteter", "Forbrug"])

    def test_it_holds_tabel_1s_i_alt_as_a_number(self):
        ark = self.wb["Tabel 1"]
        self.assertEqual(ark["A4"].value, "I alt")
        celle = ark["B4"]
        self.assertIsInstance(celle.value, (int, float))
        self.assertEqual(round(celle.value), 3292768)
        self.assertEqual(celle.number_format, "#,##0")
        self.assertEqual(ark["A2"].value, "(1.000 kr.)")
        self.assertEqual(ark["B2"].value, "Oprindeligt budget 2024")

    def test_it_holds_every_figure_of_tabel_1_and_2(self):
        for navn, forventet in (("Tabel 1", TABEL_1), ("Tabel 2", TABEL_2)):
            ark = self.wb[navn]
            raekker = {row[0]: row[1:6] for row in ark.iter_rows(min_row=4, max_row=11, values_only=True)}
            self.assertEqual(len(raekker), 8)
            for udvalg, tal in forventet.items():
                self.assertEqual([i_tusind(v) for v in raekker[udvalg]], tal, (navn, udvalg))

    def test_it_freezes_headers_and_sets_widths(self):
        self.assertEqual(self.wb["Tabel 1"].freeze_panes, "B4")
        self.assertEqual(self.wb["Rammer"].freeze_panes, "E2")
        self.assertGreater(self.wb["Tabel 1"].column_dimensions["A"].width, 40)

    def test_it_lists_every_ramme_part(self):
        ark = self.wb["Rammer"]
        rows = list(ark.iter_rows(min_row=2, values_only=True))
        # Every ramme part, then the totals row (issue #13).
        self.assertEqual(len(rows), Rammedel.objects.filter(ramme__aar__aar=2024).count() + 1)
        self.assertEqual(rows[-1][0], "I alt")
        rows = rows[:-1]
        header = [c.value for c in ark[1]]
        self.assertEqual(header[:4], ["Udvalg", "Ramme", "Rammens navn", "Servicerammen"])
        folkeskole = next(r for r in rows if r[1] == "30.30")
        self.assertEqual(folkeskole[4:9], (612400.0, -12100.0, 600300.0, 600300.0, 0.0))

    def test_it_serves_the_workbook_as_a_download(self):
        self.client.force_login(self.okonomi)
        response = self.client.get(XLSX_1)
        self.assertEqual(
            response["Content-Type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        self.assertIn("attachment", response["Content-Disposition"])

    def test_it_serves_tabel_1_as_csv(self):
        self.client.force_login(self.okonomi)
        response = self.client.get("/opfolgning/2024/1/tabel-1.csv")
        self.assertEqual(response.status_code, 200)
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        self.assertEqual(rows[0][:2], ["(1.000 kr.)", "Oprindeligt budget 2024"])
        i_alt = rows[1]
        self.assertEqual(i_alt[0], "I alt")
        self.assertEqual(i_tusind(Decimal(i_alt[1].replace(",", "."))), "3.292.768")


FARLIG_CSV = (
    "udvalg;ramme;ramme_navn;serviceramme;oprindeligt_budget;korrektioner;forventet_forbrug;forklaring\n"
    "-x;10.01;@SUM(A1);inden;1.000.000;0;1.200.000;=HYPERLINK(\"http://example.invalid\",\"klik\")\n"
    "+Udvalg;20.01;Drift;uden;500.000;0;500.000;\n"
)


class FormelTests(BaseTestCase):
    """Text that looks like a formula must come out of every export as text."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.runde = importer_budget(
            data=FARLIG_CSV.encode(), filnavn="farlig.csv", aar=2030, nummer=1,
            pr_dato=date(2030, 4, 29), dokumentdato=date(2030, 4, 12),
        ).opfoelgning

    def setUp(self):
        self.client.force_login(self.okonomi)

    def test_it_keeps_formula_looking_text_as_text_in_the_workbook(self):
        wb = load_workbook(io.BytesIO(self.client.get("/opfolgning/2030/1/tabeller.xlsx").content))
        tabel_1 = {row[0].value: row[0] for row in wb["Tabel 1"].iter_rows(min_row=4)}
        self.assertEqual(tabel_1["-x"].data_type, "s")
        self.assertTrue(tabel_1["-x"].quotePrefix)
        tabel_2 = {row[0].value: row[0] for row in wb["Tabel 2"].iter_rows(min_row=4)}
        self.assertEqual(tabel_2["+Udvalg"].data_type, "s")
        rammer = wb["Rammer"]
        linje = next(row for row in rammer.iter_rows(min_row=2) if row[1].value == "10.01")
        udvalg, navn, forklaring = linje[0], linje[2], linje[-1]
        self.assertEqual((udvalg.value, udvalg.data_type), ("-x", "s"))
        self.assertEqual((navn.value, navn.data_type), ("@SUM(A1)", "s"))
        self.assertEqual(forklaring.value, '=HYPERLINK("http://example.invalid","klik")')
        self.assertEqual(forklaring.data_type, "s")
        self.assertTrue(forklaring.quotePrefix)
        # openpyxl reads a real formula back with data_type "f": no cell of the workbook is one, except the Rammer
        # sheet's own totals (issue #13), which are sums of the figure columns above them and nothing typed.
        for ark in wb:
            for row in ark.iter_rows():
                for celle in row:
                    if celle.data_type == "f":
                        self.assertEqual((ark.title, celle.row), ("Rammer", ark.max_row), celle.coordinate)
                        self.assertRegex(celle.value, rf"^=SUM\({celle.column_letter}2:{celle.column_letter}"
                                                      rf"{ark.max_row - 1}\)$")

    def test_it_prefixes_formula_looking_text_in_csv(self):
        response = self.client.get("/opfolgning/2030/1/tabel-1.csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        self.assertIn("'-x", [row[0] for row in rows])

    def test_it_prints_the_text_as_is_in_the_pdf(self):
        tekst = " ".join(sider(bilag.render_bilag(self.runde, kladde=True)))
        self.assertIn("-x – 10.01 @SUM(A1)", tekst)
        self.assertIn("Kladde", tekst)


class WorkbookLayoutTests(DemoTestCase):
    """tabeller.xlsx and the omstilling workbook as printed and read in Excel (issue #13)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        klient = Client()
        klient.force_login(cls.okonomi)
        cls.wb = load_workbook(io.BytesIO(klient.get("/opfolgning/2024/2/tabeller.xlsx").content))
        cls.omstilling = load_workbook(io.BytesIO(klient.get("/omstilling/2019/oversigt.xlsx").content))

    def test_every_sheet_prints_landscape_on_the_page_width_with_its_header_repeated(self):
        for wb, gentag in ((self.wb, {"Tabel 1": "$2:$3", "Tabel 2": "$2:$3", "Rammer": "$1:$1"}),
                           (self.omstilling, {"Oversigt": "$3:$3", "Forslag": "$1:$1"})):
            for ark in wb.worksheets:
                with self.subTest(ark=ark.title):
                    self.assertEqual(ark.page_setup.orientation, "landscape")
                    self.assertTrue(ark.sheet_properties.pageSetUpPr.fitToPage)
                    self.assertEqual(ark.page_setup.fitToWidth, 1)
                    self.assertEqual(ark.page_setup.fitToHeight, 0)
                    self.assertTrue(ark.freeze_panes)
                    if ark.title in gentag:
                        self.assertEqual(ark.print_title_rows, gentag[ark.title])

    def test_the_column_numbers_are_numbers(self):
        ark = self.wb["Tabel 1"]
        numre = [ark.cell(row=3, column=i).value for i in range(2, 8)]
        self.assertEqual(numre, [1, 2, 3, 4, 5, 6])

    def test_the_rammer_sheet_ends_with_totals_as_formulas(self):
        ark = self.wb["Rammer"]
        sidste = ark.max_row
        self.assertEqual(ark.cell(row=sidste, column=1).value, "I alt")
        self.assertEqual(ark.cell(row=sidste, column=5).value, f"=SUM(E2:E{sidste - 1})")
        # The formula adds what the sheet holds: the sum of the rows above.
        rows = [ark.cell(row=r, column=5).value for r in range(2, sidste)]
        self.assertTrue(all(isinstance(v, (int, float)) for v in rows))

    def test_activity_lines_have_their_own_sheet(self):
        self.assertIn("Aktiviteter", self.wb.sheetnames)
        ark = self.wb["Aktiviteter"]
        self.assertEqual(ark.cell(row=1, column=3).value, "Aktivitet")
        rammer = {ark.cell(row=r, column=2).value for r in range(2, ark.max_row + 1)}
        self.assertIn("30.36", rammer)
        self.assertEqual(ark.freeze_panes, "E2")
