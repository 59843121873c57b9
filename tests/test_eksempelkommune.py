"""The second kommune end to end: Fjordby Kommune (fixtures/eksempel/), its Tabel figures worked out by hand, and the
overførsel arithmetic in exact Decimals."""

import io
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from budgetopfolgning import selectors
from budgetopfolgning.models import Opfoelgning, Opfoelgningslinje
from kerne.fortegn import resultat_efter_overfoersler
from rammer.models import Bevillingsramme, Rammedel, Regnskabslinje
from tests.base import BaseTestCase, formular, raekker, tabeller
from tests.seed000 import vist

# The July round (2) by hand, per ramme part, in kroner:
#              oprindeligt  tidligere   korr.      forslag      forventet    afvigelse   forv. overførsel
# 1.10 inden    50.000.000  1.200.000          0   51.200.000   50.900.000    -300.000   300.000
# 1.20 inden     8.000.000          0    100.000    8.100.000    8.100.000           0         0
# 2.9  inden     6.000.000          0          0    6.000.000    5.950.000     -50.000         0
# 2.10 inden   120.000.000  2.500.000 -1.000.000  121.500.000  120.200.000  -1.300.000   800.000
# 2.20 inden   210.000.000   -800.000          0  209.200.000  212.000.000   2.800.000         0
# 3.10 inden   180.000.000  3.000.000  2.000.000  185.000.000  186.500.000   1.500.000         0
# 3.10 uden     15.000.000          0          0   15.000.000   15.300.000     300.000         0
# 3.20 uden     90.000.000          0    500.000   90.500.000   89.000.000  -1.500.000         0
# Tabel 1, ØU: 50.000.000 + 8.000.000 = 58.000.000; forslag 51.200.000 + 8.100.000 = 59.300.000; forventet
#   50.900.000 + 8.100.000 = 59.000.000; afvigelse −300.000; overførsel 300.000; inkl. 59.000.000 + 300.000 −
#   59.300.000 = 0. Udvikling: 59.000.000 − (50.700.000 + 8.100.000) = 200.000.
# Tabel 1, BUU: 6 + 120 + 210 = 336.000.000; tidligere 0 + 2.500.000 − 800.000 = 1.700.000; forslag 336.700.000;
#   forventet 5.950.000 + 120.200.000 + 212.000.000 = 338.150.000; afvigelse 1.450.000; overførsel 800.000;
#   inkl. 2.250.000. Udvikling: 338.150.000 − (5.900.000 + 121.000.000 + 211.500.000) = −250.000.
# Tabel 1, SSU: 180.000.000; 3.000.000; 2.000.000; 185.000.000; 186.500.000; 1.500.000; 0; 1.500.000; udvikling
#   186.500.000 − 185.000.000 = 1.500.000.
# Tabel 1, I alt: 574.000.000; 5.900.000; 1.100.000; 581.000.000; 583.650.000; 2.650.000; 1.100.000; 3.750.000;
#   udvikling 200.000 − 250.000 + 1.500.000 = 1.450.000.
# Tabel 2, SSU = I alt: 105.000.000; 0; 500.000; 105.500.000; 104.300.000; −1.200.000; 0; −1.200.000; udvikling
#   104.300.000 − (15.400.000 + 88.000.000) = 900.000. ØU and BUU: zeros.
# Summary: forventet 583.650.000 − serviceramme 574.000.000 = 9.650.000, a merforbrug, in whole millions "ca. 10".
TABEL_1 = {
    "I alt": ["574.000", "5.900", "1.100", "581.000", "583.650", "2.650", "1.100", "3.750", "1.450"],
    "Økonomiudvalget": ["58.000", "1.200", "100", "59.300", "59.000", "-300", "300", "0", "200"],
    "Børne- og Ungeudvalget": ["336.000", "1.700", "-1.000", "336.700", "338.150", "1.450", "800", "2.250", "-250"],
    "Social- og Sundhedsudvalget": ["180.000", "3.000", "2.000", "185.000", "186.500", "1.500", "0", "1.500", "1.500"],
}
TABEL_2 = {
    "I alt": ["105.000", "0", "500", "105.500", "104.300", "-1.200", "0", "-1.200", "900"],
    "Økonomiudvalget": ["0"] * 9,
    "Børne- og Ungeudvalget": ["0"] * 9,
    "Social- og Sundhedsudvalget": ["105.000", "0", "500", "105.500", "104.300", "-1.200", "0", "-1.200", "900"],
}
JULI = "/opfolgning/2026/2/"


def _tekst(pdf: bytes) -> str:
    return "\n".join(" ".join(side.extract_text().split()) for side in PdfReader(io.BytesIO(pdf)).pages)


class EksempelkommuneTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("demo", kommune="eksempel", stdout=io.StringIO())
        cls.okonomi = User.objects.get(username="okonomi")
        cls.konsulent = User.objects.get(username="konsulent")

    def setUp(self):
        self.client.force_login(self.okonomi)

    def test_it_loads_three_rounds_named_by_date_two_locked(self):
        self.assertEqual(
            list(Opfoelgning.objects.filter(aar__aar=2026).order_by("nummer").values_list("navn", "status")),
            [
                ("Budgetopfølgning pr. 31. marts 2026", Opfoelgning.LAAST),
                ("Budgetopfølgning pr. 31. juli 2026", Opfoelgning.LAAST),
                ("Budgetopfølgning pr. 31. oktober 2026", Opfoelgning.AABEN),
            ],
        )
        self.assertEqual(
            list(Bevillingsramme.objects.filter(aar__aar=2026).values_list("nummer", flat=True)),
            ["1.10", "1.20", "2.9", "2.10", "2.20", "3.10", "3.20"],
        )

    def test_the_round_page_shows_tabel_1_and_2_with_the_overfoersel_columns(self):
        html = self.client.get(JULI).content.decode()
        t1, t2 = tabeller(html)[:2]
        self.assertEqual(t1["rows"][0][7:10], ["Forventet overførsel", "Forventet resultat inkl. overførsler",
                                              "Udvikling i forventet forbrug siden sidst"])
        self.assertEqual(t1["rows"][0][6], "Forventet resultat ekskl. overførsler (afvigelse)")
        self.assertEqual(t1["rows"][1], ["", "1", "2", "3", "4", "5", "(6)=(5)\u2212(4)", "7", "(8)=(6)+(7)", ""])
        for tabel, forventet in ((t1, TABEL_1), (t2, TABEL_2)):
            fundne = raekker(tabel)
            for udvalg, tal in forventet.items():
                # Shown with the minus sign U+2212 (issue #13).
                self.assertEqual(fundne[udvalg], [vist(t) for t in tal], udvalg)
        self.assertIn("Budgetopfølgning pr. 31. juli 2026 viser et merforbrug på ca. 10 mio. kr. i forhold til "
                      "servicerammen, som i 2026 udgør ca. 574 mio. kr.", html)
        self.assertIn("<h1>Tabeloversigter for budgetopfølgning pr. 31. juli 2026 for Fjordby Kommune</h1>", html)

    def test_the_selectors_hold_the_exact_figures(self):
        opf = Opfoelgning.objects.get(aar__aar=2026, nummer=2)
        t1, t2 = selectors.udvalgstabeller(opf, selectors.linjer(opf))
        total = t1.total.tal
        self.assertEqual(
            (total.oprindeligt, total.tidligere, total.korrektioner, total.forslag, total.forventet),
            (Decimal("574000000"), Decimal("5900000"), Decimal("1100000"), Decimal("581000000"), Decimal("583650000")),
        )
        self.assertEqual(
            (total.resultat_ekskl_overfoersler, total.forventet_overfoersel, total.resultat_inkl_overfoersler),
            (Decimal("2650000"), Decimal("1100000"), Decimal("3750000")),
        )
        self.assertEqual(t2.total.tal.resultat_inkl_overfoersler, Decimal("-1200000"))

    def test_the_bilag_has_its_letterhead_numbering_and_overfoersel_columns(self):
        pdf = self.client.get(JULI + "bilag.pdf")
        data = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
        tekst = _tekst(data)
        for stykke in (
            "Fjordby Kommune", "Rådhustorvet 1, 9999 Fjordby", "Økonomi og Analyse", "Sagsnr. FJ-2026-0102",
            "Bilag 2", "Tabeloversigter for budgetopfølgning pr. 31. juli 2026 for Fjordby Kommune",
            "Forventet overførsel", "Forventet resultat inkl.", "(8)=(6)+(7)",
            "I alt 574.000 5.900 1.100 581.000 583.650 2.650 1.100 3.750 1.450",
            "Børne- og Ungeudvalget – 2.10 Dagtilbud", "+ = forventet merforbrug",
        ):
            self.assertIn(stykke, tekst)
        self.assertNotIn("Ballerup", tekst)
        # The logo is in the letterhead, with its alt text in the tagged PDF's structure.
        reader = PdfReader(io.BytesIO(data))
        alt = []

        def saml(node):
            node = node.get_object()
            if "/Alt" in node:
                alt.append(str(node["/Alt"]))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
                if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict):
                    saml(kid)

        saml(reader.trailer["/Root"]["/StructTreeRoot"])
        self.assertIn("Fjordby Kommunes logo: en fjord og en sol", alt)

    def test_the_workbook_has_the_overfoersel_columns_as_numbers(self):
        svar = self.client.get(JULI + "tabeller.xlsx")
        ark = load_workbook(io.BytesIO(svar.content))["Tabel 1"]
        self.assertEqual(ark["H2"].value, "Forventet overførsel")
        self.assertEqual(ark["I2"].value, "Forventet resultat inkl. overførsler")
        self.assertEqual([ark["H4"].value, ark["I4"].value], [1100.0, 3750.0])

    def test_overfoert_fra_sidste_aar_came_with_the_budget_file(self):
        self.assertEqual(
            Rammedel.objects.get(ramme__aar__aar=2026, ramme__nummer="2.20", placering="inden")
            .overfoert_fra_sidste_aar,
            Decimal("-800000"),
        )

    def test_the_ramme_page_shows_its_carry_overs(self):
        html = self.client.get(JULI + "ramme/2.10/").content.decode()
        rammens = [t for t in tabeller(html) if t["caption"].startswith("Rammens tal")][0]
        # 2.10: forslag 121.500.000, forventet 120.200.000, overførsel 800.000: inkl. = −500.000.
        self.assertEqual(rammens["rows"][1][6:9], ["\u22121.300", "800", "\u2212500"])
        html = self.client.get(JULI + "ramme/2.20/").content.decode()
        self.assertIn("Overført fra sidste år, inden for servicerammen: \u2212800 t.kr.", html)

    def test_the_konsulent_enters_the_expected_carry_over_in_the_open_round(self):
        self.client.force_login(self.konsulent)
        url = "/opfolgning/2026/3/ramme/2.10/rediger/"
        data = formular(self.client.get(url).content.decode())
        self.assertEqual(data["inden_forventet_overfoersel"], "800.000")
        data["inden_forventet_overfoersel"] = "1.250.000,50"
        svar = self.client.post(url, data)
        self.assertEqual(svar.status_code, 302)
        linje = Opfoelgningslinje.objects.get(opfoelgning__aar__aar=2026, opfoelgning__nummer=3,
                                              rammedel__ramme__nummer="2.10")
        self.assertEqual(linje.forventet_overfoersel, Decimal("1250000.50"))
        # The ramme's history names who changed it (full name, issue #13), from what to what.
        historik = selectors.historik(linje.opfoelgning, linje.rammedel.ramme)
        # (Newest first; the line's start value, carried over when the round was opened, is its first entry.)
        self.assertEqual(
            [(h.bruger, h.foer, h.efter) for h in historik if h.felt == "Forventet overførsel"][0],
            ("Karim Jensen", Decimal("800000.00"), Decimal("1250000.50")),
        )
        # The same form again, opened before that save: refused as a conflict, nothing overwritten.
        data["inden_forventet_overfoersel"] = "0"
        self.assertEqual(self.client.post(url, data).status_code, 409)
        linje.refresh_from_db()
        self.assertEqual(linje.forventet_overfoersel, Decimal("1250000.50"))

    def test_the_konsulent_may_not_enter_it_for_another_ramme(self):
        self.client.force_login(self.konsulent)
        self.assertEqual(self.client.get("/opfolgning/2026/3/ramme/1.10/rediger/").status_code, 403)


class OverfoerselsreglerTests(BaseTestCase):
    def test_resultat_inkl_overfoersler_is_the_aarsregnskabs_rule(self):
        tal = selectors.Tal(
            oprindeligt=Decimal("1000000.00"), tidligere=Decimal("250.25"), korrektioner=Decimal("-0.50"),
            forventet=Decimal("990000.10"), forventet_overfoersel=Decimal("12345.67"),
        )
        # forslag = 1.000.000,00 + 250,25 − 0,50 = 1.000.249,75; afvigelse = 990.000,10 − 1.000.249,75 = −10.249,65;
        # inkl. = 990.000,10 + 12.345,67 − 1.000.249,75 = 2.096,02.
        self.assertEqual(tal.forslag, Decimal("1000249.75"))
        self.assertEqual(tal.resultat_ekskl_overfoersler, Decimal("-10249.65"))
        self.assertEqual(tal.resultat_inkl_overfoersler, Decimal("2096.02"))
        self.assertEqual(
            tal.resultat_inkl_overfoersler, resultat_efter_overfoersler(tal.forventet, Decimal("12345.67"), tal.forslag)
        )
        # The seed's årsregnskab (004): 207.703 + 1.753 − 201.758 = 7.698 (1.000 kr.), by the same function.
        linje = Regnskabslinje(
            regnskab=Decimal("207703"), overfoert=Decimal("1753"), korrigeret_budget=Decimal("201758")
        )
        self.assertEqual(linje.resultat_efter_overfoersler, Decimal("7698"))

    def test_sums_carry_the_overfoersel(self):
        a = selectors.Tal(forventet=Decimal("10"), forventet_overfoersel=Decimal("2.5"))
        b = selectors.Tal(forventet=Decimal("-4"), forventet_overfoersel=Decimal("-0.25"))
        self.assertEqual((a + b).forventet_overfoersel, Decimal("2.25"))
        self.assertEqual((a + b).resultat_inkl_overfoersler, Decimal("8.25"))
