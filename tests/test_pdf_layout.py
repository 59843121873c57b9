"""Every PDF the app makes from the demo data: tagged for screen readers (PDF/UA), in Danish, titled, and broken
into pages so that no caption is stranded at a page's foot and no table leaves a single row alone on a page."""

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.test import Client
from pypdf import PdfReader

from budgetopfolgning.models import Opfoelgning
from tests.base import DemoTestCase

PDFER = {
    "Bilag 2024/1": "/opfolgning/2024/1/bilag.pdf",
    "Bilag 2024/2 (kladde, syv kolonner)": "/opfolgning/2024/2/bilag.pdf",
    "Udvalgets bilag 2024/1": "/opfolgning/2024/1/udvalg/BSU/bilag.pdf",
    "Udvalgets bilag 2024/2": "/opfolgning/2024/2/udvalg/BSU/bilag.pdf",
    "Omstillingsoversigt 2019": "/omstilling/2019/oversigt.pdf",
    "Forslag BSU-04": "/omstilling/2019/BSU-04/forslag.pdf",
    "Forslag TMU-07": "/omstilling/2019/TMU-07/forslag.pdf",
    "Ledelsesinformation 2023 30.46": "/rammer/2023/30.46/ledelsesinformation/ledelsesinformation.pdf",
}
# A figure as the tables print it: 1.234, −0,50, 0.
TAL = re.compile(r"^[\u2212-]?\d{1,3}(?:\.\d{3})*(?:,\d+)?$")
SIDEFOD = re.compile(r"Side \d+ af \d+")


def layout_sider(data: bytes) -> list[list[str]]:
    """The pages as pdftotext -layout lays them out, without blank lines, running header and footer."""
    with tempfile.TemporaryDirectory() as mappe:
        sti = Path(mappe) / "d.pdf"
        sti.write_bytes(data)
        tekst = subprocess.run(["pdftotext", "-layout", str(sti), "-"], check=True, capture_output=True,
                               text=True).stdout
    sider = []
    for side in tekst.split("\f"):
        linjer = [linje.strip() for linje in side.splitlines() if linje.strip()]
        linjer = [linje for linje in linjer if not SIDEFOD.search(linje) and linje != "Kladde"]
        sider.append(linjer)
    return [s for s in sider if s]


def er_dataraekke(linje: str) -> bool:
    """A table row: at least three figures in columns (the column-number row "1 2 3 4 (5)=…" is not one)."""
    if "=(" in linje:
        return False
    return sum(1 for celle in re.split(r"\s{2,}", linje) if TAL.match(celle)) >= 3


class PdfTestCase(DemoTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # The demo's locked round is rendered by the current stylesheet, not taken from an earlier store.
        Opfoelgning.objects.filter(bilag_sha256__gt="").update(bilag_pdf=None, bilag_sha256="")
        klient = Client()
        klient.force_login(cls.okonomi)
        cls.pdfer = {}
        for navn, url in PDFER.items():
            response = klient.get(url)
            assert response.status_code == 200, (navn, response.status_code)
            cls.pdfer[navn] = response.content


class TaggingTests(PdfTestCase):
    def test_every_pdf_is_tagged_danish_and_titled(self):
        for navn, data in self.pdfer.items():
            with self.subTest(pdf=navn):
                reader = PdfReader(io.BytesIO(data))
                katalog = reader.trailer["/Root"]
                self.assertIn("/StructTreeRoot", katalog)
                self.assertTrue(katalog["/MarkInfo"]["/Marked"])
                self.assertEqual(katalog["/Lang"], "da")
                self.assertTrue(reader.metadata.title)

    def test_every_table_header_cell_has_a_scope(self):
        for navn, data in self.pdfer.items():
            with self.subTest(pdf=navn):
                scopes = []

                def gennemgaa(node, scopes=scopes):
                    node = node.get_object()
                    if not isinstance(node, dict):
                        return
                    if node.get("/S") == "/TH":
                        scopes.append(node["/A"].get("/Scope"))
                    boern = node.get("/K")
                    for barn in boern if isinstance(boern, list) else [boern] if boern is not None else []:
                        gennemgaa(barn)

                gennemgaa(PdfReader(io.BytesIO(data)).trailer["/Root"]["/StructTreeRoot"])
                self.assertTrue(scopes)
                self.assertEqual(set(scopes) - {"/Row", "/Column"}, set(), scopes)

    def test_the_ledelsesinformation_list_nests_l_li_lbody(self):
        par = set()

        def gennemgaa(node, foraelder=None):
            node = node.get_object()
            if not isinstance(node, dict):
                return
            if foraelder in ("/L", "/LI"):
                par.add((foraelder, node.get("/S")))
            boern = node.get("/K")
            for barn in boern if isinstance(boern, list) else [boern] if boern is not None else []:
                gennemgaa(barn, node.get("/S"))

        data = self.pdfer["Ledelsesinformation 2023 30.46"]
        gennemgaa(PdfReader(io.BytesIO(data)).trailer["/Root"]["/StructTreeRoot"])
        self.assertIn(("/L", "/LI"), par)
        self.assertIn(("/LI", "/LBody"), par)
        self.assertEqual({p for p in par if p[0] == "/L"}, {("/L", "/LI")})


class PageBreakTests(PdfTestCase):
    def setUp(self):
        if not shutil.which("pdftotext"):
            self.skipTest("pdftotext (poppler-utils) is not installed")

    def test_no_caption_ends_a_page(self):
        for navn, data in self.pdfer.items():
            for nummer, linjer in enumerate(layout_sider(data), start=1):
                with self.subTest(pdf=navn, side=nummer):
                    # Every caption ends with its unit, "(1.000 kr.)" or "(mio. kr.)".
                    self.assertFalse(linjer[-1].endswith("kr.)"), linjer[-1])

    def test_no_page_holds_a_single_row_of_a_table(self):
        for navn, data in self.pdfer.items():
            for nummer, linjer in enumerate(layout_sider(data), start=1):
                with self.subTest(pdf=navn, side=nummer):
                    self.assertNotEqual(sum(1 for linje in linjer if er_dataraekke(linje)), 1, linjer)

    def test_headers_are_not_hyphenated_and_no_soft_hyphen_is_extracted(self):
        for navn, data in self.pdfer.items():
            tekst = "".join(s.extract_text() for s in PdfReader(io.BytesIO(data)).pages)
            with self.subTest(pdf=navn):
                self.assertNotIn("\u00ad", tekst)
                self.assertNotIn("Korrektio\u2010", tekst)
                self.assertNotIn("Oprinde\u2010", tekst)

    def test_a_running_header_names_title_and_sagsnr_from_page_two(self):
        data = self.pdfer["Bilag 2024/1"]
        sider = [s.extract_text() for s in PdfReader(io.BytesIO(data)).pages]
        self.assertGreater(len(sider), 1)
        self.assertEqual(sider[0].count("Sagsnr. 00.30.14-G01-2-24"), 1)  # the letterhead's, no running header
        for side in sider[1:]:
            self.assertIn("Sagsnr. 00.30.14-G01-2-24", side)
            self.assertIn("Tabeloversigter for første budgetopfølgning 2024", side)

    def test_a_round_with_seven_columns_is_landscape(self):
        side = PdfReader(io.BytesIO(self.pdfer["Bilag 2024/2 (kladde, syv kolonner)"])).pages[0]
        self.assertGreater(float(side.mediabox.width), float(side.mediabox.height))
        side = PdfReader(io.BytesIO(self.pdfer["Bilag 2024/1"])).pages[0]
        self.assertLess(float(side.mediabox.width), float(side.mediabox.height))

    def test_every_bilag_starts_tabel_1_on_its_first_page(self):
        # As the published Bilag does; a landscape page is short, and there the sign notes may follow on page 2
        # rather than leave page 1 to the letterhead and the summary.
        for navn, data in self.pdfer.items():
            if not navn.startswith("Bilag"):
                continue
            with self.subTest(pdf=navn):
                forside = PdfReader(io.BytesIO(data)).pages[0].extract_text()
                self.assertIn("Tabel 1. Inden for servicerammen", forside)
                self.assertIn("Økonomiudvalget", forside)
