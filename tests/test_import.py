"""importer_budget: all or nothing, every error names line and column, exact figures on the page."""

import io
from pathlib import Path

import openpyxl
from django.core.management import CommandError, call_command
from django.test import TestCase

from budgetopfolgning.models import Opfoelgning, Opfoelgningslinje
from rammer.models import Bevillingsramme, Budgetaar, Rammedel, Udvalg
from tests.base import BaseTestCase, raekker, tabeller

HEADER = "udvalg;ramme;ramme_navn;serviceramme;oprindeligt_budget;korrektioner;forventet_forbrug"

# A year no one has seen: øre amounts and half-krone ties of both signs (in 1.000 kr.: x.500 kr.).
AAR_2031_RUNDE_1 = HEADER.replace("udvalg;", "udvalg;udvalg_kode;", 1) + """;forklaring
Teknik- og Havneudvalget;THU;11.10;Havn og kyst;inden;1.000.500,00;-2.500,00;998.000,25;Stormflod
Teknik- og Havneudvalget;THU;11.12;Veje;inden;250.249,75;2.500,00;255.000;
Teknik- og Havneudvalget;THU;11.12;Veje;uden;-10.000,50;0;-9.999,49;
Skole- og Ungeudvalget;SUU;31.01;Skoler;inden;5.000.000,01;-1.499,99;4.997.500;
"""
AAR_2031_RUNDE_2 = """udvalg;udvalg_kode;ramme;ramme_navn;serviceramme;oprindeligt_budget;korrektioner;forventet_forbrug
Teknik- og Havneudvalget;THU;11.10;Havn og kyst;inden;1.000.500,00;1.000,50;1.001.000
Teknik- og Havneudvalget;THU;11.12;Veje;inden;250.249,75;-500,25;250.000
Teknik- og Havneudvalget;THU;11.12;Veje;uden;-10.000,50;-2.500;-12.500
Skole- og Ungeudvalget;SUU;31.01;Skoler;inden;5.000.000,01;0;4.998.500,50
"""


def _counts():
    return (
        Budgetaar.objects.count(),
        Udvalg.objects.count(),
        Bevillingsramme.objects.count(),
        Rammedel.objects.count(),
        Opfoelgning.objects.count(),
        list(Opfoelgningslinje.objects.order_by("pk").values_list("korrektioner", "forventet_forbrug", "version")),
    )


class ImportCommandTests(BaseTestCase):
    def _import(self, text: str | bytes, aar=2031, nr=1, name="fil.csv"):
        path = Path(self._tmp) / name
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        err = io.StringIO()
        call_command("importer_budget", str(path), aar=aar, opfolgning=nr, stdout=io.StringIO(), stderr=err)
        return err.getvalue()

    def _refused(self, text, *, fragments, aar=2031, nr=1, name="fil.csv"):
        before = _counts()
        path = Path(self._tmp) / name
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        err = io.StringIO()
        with self.assertRaises(CommandError) as ctx:
            call_command("importer_budget", str(path), aar=aar, opfolgning=nr, stdout=io.StringIO(), stderr=err)
        self.assertIn("intet er ændret", str(ctx.exception))
        output = err.getvalue()
        for fragment in fragments:
            self.assertIn(fragment, output)
        self.assertEqual(_counts(), before, "a refused file must change nothing")
        return output

    def setUp(self):
        import tempfile

        self._tmpdir = tempfile.TemporaryDirectory()
        self._tmp = self._tmpdir.name

    def tearDown(self):
        self._tmpdir.cleanup()

    def test_it_imports_two_rounds_of_a_new_year_exactly(self):
        self._import(AAR_2031_RUNDE_1, nr=1)
        self._import(AAR_2031_RUNDE_2, nr=2)
        self.client.force_login(self.okonomi)
        t1, t2 = tabeller(self.client.get("/opfolgning/2031/2/").content.decode())
        self.assertEqual(t1["rows"][0][1:4], ["Oprindeligt budget 2031", "Tidligere korrektioner",
                                             "Korrektioner ved anden budgetopfølgning 2031 *)"])
        rows = raekker(t1)
        # THU inside: oprindeligt 1.000.500,00 + 250.249,75 = 1.250.749,75 → 1.251
        # tidligere −2.500 + 2.500 = 0; korrektioner 1.000,50 − 500,25 = 500,25 → 1 (not 1 + −1 = 0)
        # forslag 1.251.250,00 → 1.251 ... exactly 1.251.250,00 is a tie → 1.251 (1.251,25 thousand)
        # forventet 1.001.000 + 250.000 = 1.251.000 → 1.251; afvigelse −250,00 → 0
        # udvikling: 1.251.000 − (998.000,25 + 255.000) = −2.000,25 → −2
        self.assertEqual(rows["Teknik- og Havneudvalget"], ["1.251", "0", "1", "1.251", "1.251", "0", "−2"])
        # SUU: 5.000.000,01 → 5.000; tidligere −1.499,99 → −1; korr 0; forslag 4.998.500,02 → 4.999 (tie+);
        # forventet 4.998.500,50 → 4.999 (tie, away from zero); afvigelse 0,48 → 0; udvikling 1.000,50 → 1
        self.assertEqual(rows["Skole- og Ungeudvalget"], ["5.000", "−1", "0", "4.999", "4.999", "0", "1"])
        self.assertEqual(rows["I alt"], ["6.251", "−1", "1", "6.250", "6.250", "0", "−1"])
        rows2 = raekker(t2)
        # Veje outside: −10.000,50 → −10 (−10,0005); korr −2.500 → −3 (tie, away from zero);
        # forslag −12.500,50 → −13; forventet −12.500 → −13 (tie); afvigelse 0,50 → 0; udvikling −2.500,51 → −3
        self.assertEqual(rows2["Teknik- og Havneudvalget"], ["−10", "0", "−3", "−13", "−13", "0", "−3"])
        self.assertEqual(rows2["Skole- og Ungeudvalget"], ["0", "0", "0", "0", "0", "0", "0"])

    def test_importing_the_same_round_again_replaces_its_figures(self):
        self._import(AAR_2031_RUNDE_1)
        self._import(AAR_2031_RUNDE_1.replace("998.000,25", "999.000"))
        linje = Opfoelgningslinje.objects.get(rammedel__ramme__nummer="11.10", opfoelgning__nummer=1)
        self.assertEqual(str(linje.forventet_forbrug), "999000.00")
        self.assertEqual(Opfoelgningslinje.objects.count(), 4)

    def test_it_refuses_a_malformed_amount_and_names_its_line(self):
        self._import(AAR_2031_RUNDE_1)
        bad = AAR_2031_RUNDE_2.replace("250.000\n", "250.00\n")
        self._refused(bad, nr=2, fragments=["Linje 3, kolonne »forventet_forbrug«", "»250.00«"])
        self.assertFalse(Opfoelgning.objects.filter(aar__aar=2031, nummer=2).exists())

    def test_it_refuses_an_unknown_serviceramme_value(self):
        self._refused(
            AAR_2031_RUNDE_1.replace(";uden;", ";udenfor;"),
            fragments=["Linje 4, kolonne »serviceramme«", "»udenfor« er hverken »inden« eller »uden«"],
        )

    def test_it_refuses_a_missing_column(self):
        text = AAR_2031_RUNDE_1.replace(";korrektioner", "", 1)
        self._refused(text, fragments=["Linje 1, kolonne »korrektioner«", "mangler"])

    def test_it_refuses_a_duplicate_ramme_part(self):
        text = AAR_2031_RUNDE_1 + "Teknik- og Havneudvalget;THU;11.12;Veje;inden;250.249,75;0;1;\n"
        self._refused(text, fragments=["Linje 6, kolonne »ramme«", "står også i linje 3"])

    def test_it_refuses_an_empty_file(self):
        self._refused("", fragments=["Linje 1", "tom"])
        self._refused(HEADER + "\n", fragments=["Linje 2", "ingen linjer"])

    def test_it_refuses_csv_that_is_not_utf8(self):
        text = AAR_2031_RUNDE_1.replace("Skoler", "Skoler og fritidsordninger – Østerhøj").encode("cp1252")
        self._refused(text, fragments=["Linje 5", "UTF-8"])

    def test_it_refuses_a_malformed_ramme_number(self):
        self._refused(AAR_2031_RUNDE_1.replace(";31.01;", ";3101;"), fragments=["Linje 5, kolonne »ramme«", "NN.NN"])

    def test_it_refuses_a_changed_oprindeligt_budget(self):
        self._import(AAR_2031_RUNDE_1)
        changed = AAR_2031_RUNDE_2.replace("5.000.000,01", "5.000.000,00")
        self._refused(changed, nr=2, fragments=["Linje 5, kolonne »oprindeligt_budget«", "kan ikke ændres"])

    def test_it_refuses_an_xlsx_that_is_not_a_workbook(self):
        self._refused(b"this is not a zip", name="budget.xlsx", fragments=["Linje 1", "Excel-projektmappe"])
        self._refused(b"PK\x03\x04broken zip", name="budget.xlsx", fragments=["Linje 1", "Excel-projektmappe"])

    def test_it_refuses_a_round_whose_predecessor_is_missing(self):
        self._refused(AAR_2031_RUNDE_2, nr=2, fragments=["1. budgetopfølgning 2031 findes ikke"])

    def test_it_collects_every_error_of_the_file(self):
        text = AAR_2031_RUNDE_1.replace("1.000.500,00", "1,000.500").replace(";inden;5", ";ind;5")
        fragments = ["Linje 2, kolonne »oprindeligt_budget«", "Linje 5, kolonne »serviceramme«"]
        output = self._refused(text, fragments=fragments)
        self.assertEqual(output.count("Linje"), 2)

    def test_it_reads_xlsx_with_numbers(self):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(HEADER.split(";"))
        ws.append(["Teknik- og Havneudvalget", "11.10", "Havn og kyst", "inden", 1000500.5, -2500, 998000.25])
        ws.append(["Teknik- og Havneudvalget", 11.12, "Veje", "uden", "1.234,50", 0, 0.1 + 0.2])
        buffer = io.BytesIO()
        wb.save(buffer)
        self._import(buffer.getvalue(), name="budget.xlsx")
        linje = Opfoelgningslinje.objects.get(rammedel__ramme__nummer="11.10")
        self.assertEqual(str(linje.rammedel.oprindeligt_budget), "1000500.50")
        self.assertEqual(str(linje.forventet_forbrug), "998000.25")
        veje = Opfoelgningslinje.objects.get(rammedel__ramme__nummer="11.12")
        self.assertEqual(str(veje.rammedel.oprindeligt_budget), "1234.50")
        self.assertEqual(str(veje.forventet_forbrug), "0.30")

    def test_xlsx_errors_name_the_spreadsheet_line(self):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(HEADER.split(";"))
        ws.append(["Teknik- og Havneudvalget", "11.10", "Havn og kyst", "inden", 1, 2, 3])
        ws.append(["Teknik- og Havneudvalget", "11.11", "Kyst", "inden", "mange", 2, 3.14159])
        buffer = io.BytesIO()
        wb.save(buffer)
        self._refused(
            buffer.getvalue(),
            name="budget.xlsx",
            fragments=["Linje 3, kolonne »oprindeligt_budget«", "Linje 3, kolonne »forventet_forbrug«"],
        )


class OtherKommuneTests(TestCase):
    def test_the_demo_fixture_imports_as_a_file_would(self):
        path = Path(__file__).resolve().parent.parent / "fixtures" / "budget_2024_1.csv"
        call_command("importer_budget", str(path), aar=2024, opfolgning=1, stdout=io.StringIO())
        self.assertEqual(Rammedel.objects.filter(ramme__aar__aar=2024).count(), 25)
