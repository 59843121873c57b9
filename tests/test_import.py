"""importer_budget: all or nothing, every error names line and column, exact figures on the page."""

import io
from datetime import date
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
    def _import(self, text: str | bytes, aar=2031, nr=1, name="fil.csv", **flag):
        path = Path(self._tmp) / name
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        err = io.StringIO()
        flag.setdefault("pr_dato", date(aar, 3 * nr, 28))
        call_command("importer_budget", str(path), aar=aar, opfolgning=nr, stdout=io.StringIO(), stderr=err, **flag)
        return err.getvalue()

    def _refused(self, text, *, fragments, aar=2031, nr=1, name="fil.csv", **flag):
        before = _counts()
        path = Path(self._tmp) / name
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        err = io.StringIO()
        flag.setdefault("pr_dato", date(aar, 3 * nr, 28))
        with self.assertRaises(CommandError) as ctx:
            call_command(
                "importer_budget", str(path), aar=aar, opfolgning=nr, stdout=io.StringIO(), stderr=err, **flag
            )
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
        self._import(AAR_2031_RUNDE_1, nr=1, laas=True)
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
        self._import(AAR_2031_RUNDE_1, laas=True)
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
        self._import(AAR_2031_RUNDE_1, laas=True)
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
        call_command(
            "importer_budget", str(path), aar=2024, opfolgning=1, pr_dato=date(2024, 3, 31), stdout=io.StringIO()
        )
        self.assertEqual(Rammedel.objects.filter(ramme__aar__aar=2024).count(), 25)


def _dk(kroner: int) -> str:
    return f"{kroner:,}".replace(",", ".")


def _stor_fil(antal_linjer: int, *, forskydning: int = 0) -> bytes:
    """A valid budget file of `antal_linjer` lines: both parts of each ramme, two udvalg."""
    linjer = [HEADER + ";forklaring"]
    for n in range(antal_linjer):
        r = n // 2
        udvalg = "Teknik- og Havneudvalget" if r % 2 else "Skole- og Ungeudvalget"
        placering = "uden" if n % 2 else "inden"
        linjer.append(
            f"{udvalg};{r // 100:02d}.{r % 100:02d};Ramme {r};{placering};{_dk(1_000_000 + 7 * n)},50;"
            f"{n + forskydning};{_dk(2_000_000 + 11 * n)};Forklaring {n}"
        )
    return ("\n".join(linjer) + "\n").encode()


class BulkImportTests(BaseTestCase):
    """The import writes in bulk: its queries do not grow with the lines, and every line still gets its history."""

    def _importer(self, data: bytes, aar: int = 2031, **kw):
        from budgetopfolgning.services import importer_budget

        return importer_budget(data=data, filnavn="b.csv", aar=aar, nummer=1, pr_dato=date(aar, 3, 31), **kw)

    def _antal_forespoergsler(self, data: bytes, aar: int) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as q:
            self._importer(data, aar, bruger=self.okonomi)
        return len(q)

    def test_a_new_round_takes_the_same_queries_for_20_and_60_lines(self):
        # Both sizes fit in one batch (BATCH lines), where a query per line would show at once.
        lille = self._antal_forespoergsler(_stor_fil(20), 2031)
        stor = self._antal_forespoergsler(_stor_fil(60), 2032)
        self.assertEqual(lille, stor)
        self.assertLessEqual(stor, 30)
        with self.assertNumQueries(lille):
            self._importer(_stor_fil(40), 2033, bruger=self.okonomi)

    def test_importing_a_round_again_takes_the_same_queries_for_20_and_60_lines(self):
        self._importer(_stor_fil(20), 2031)
        self._importer(_stor_fil(60), 2032)
        lille = self._antal_forespoergsler(_stor_fil(20, forskydning=1), 2031)
        stor = self._antal_forespoergsler(_stor_fil(60, forskydning=1), 2032)
        self.assertEqual(lille, stor)
        self.assertLessEqual(stor, 35)

    def test_queries_grow_by_batches_not_lines(self):
        from budgetopfolgning import services

        en_batch = self._antal_forespoergsler(_stor_fil(10), 2031)
        with self.settings():
            gammel, services.BATCH = services.BATCH, 4
            try:
                tre_batches = self._antal_forespoergsler(_stor_fil(10), 2032)
            finally:
                services.BATCH = gammel
        # Three batches of lines instead of one: two more of the one query a batch of new lines takes, not ten more.
        # The history is copied from the written lines in the database once for the whole import.
        self.assertEqual(tre_batches, en_batch + 2)

    def test_every_line_gets_its_history_and_a_reimport_a_new_version(self):
        self._importer(_stor_fil(6), bruger=self.okonomi)
        linjer = Opfoelgningslinje.objects.filter(opfoelgning__aar__aar=2031).order_by("pk")
        self.assertEqual([linje.version for linje in linjer], [1] * 6)
        historik = Opfoelgningslinje.history.filter(opfoelgning__aar__aar=2031)
        self.assertEqual(historik.count(), 6)
        self.assertEqual({(h.history_type, h.history_user_id) for h in historik}, {("+", self.okonomi.pk)})
        foerste = linjer[0]
        self.assertEqual(historik.get(id=foerste.pk).korrektioner, foerste.korrektioner)

        self._importer(_stor_fil(6, forskydning=7), bruger=self.konsulent)
        linjer = Opfoelgningslinje.objects.filter(opfoelgning__aar__aar=2031).order_by("pk")
        self.assertEqual([str(linje.korrektioner) for linje in linjer], [f"{n + 7}.00" for n in range(6)])
        self.assertEqual([linje.version for linje in linjer], [2] * 6)
        self.assertEqual({linje.aendret_af_id for linje in linjer}, {self.konsulent.pk})
        aendringer = historik.filter(history_type="~")
        self.assertEqual(aendringer.count(), 6)
        self.assertEqual(str(aendringer.get(id=foerste.pk).korrektioner), "7.00")
        # The reimported rammer's review starts again, recorded in their history too.
        from budgetopfolgning.models import Rammestatus

        self.assertEqual(Rammestatus.objects.filter(opfoelgning__aar__aar=2031, status="i_gang").count(), 3)
        self.assertEqual(Rammestatus.history.filter(opfoelgning__aar__aar=2031, history_type="+").count(), 3)

    def test_a_renamed_ramme_and_new_parts_are_written(self):
        self._importer(_stor_fil(4))
        data = _stor_fil(6).replace(b";Ramme 0;", b";Ramme nul;")
        self._importer(data)
        self.assertEqual(Bevillingsramme.objects.get(aar__aar=2031, nummer="00.00").navn, "Ramme nul")
        self.assertEqual(Rammedel.objects.filter(ramme__aar__aar=2031).count(), 6)
        self.assertEqual(Opfoelgningslinje.objects.filter(opfoelgning__aar__aar=2031).count(), 6)


class ReaderLimitTests(TestCase):
    def test_reading_stops_at_the_fiftieth_error(self):
        """A file of errors is read no further than its 50th: the reader never holds the rest."""
        from budgetopfolgning.indlaesning import MAKS_FEJL, ImportFejl, _tjek_linjer

        laest = 0

        def uendelig():
            nonlocal laest
            yield 1, HEADER.split(";")
            while True:
                laest += 1
                yield laest + 1, ["Udvalg", "ikke et nummer", "Navn", "inden", "1", "2", "3"]

        from kerne.models import Kommune

        with self.assertRaises(ImportFejl) as ctx:
            _tjek_linjer(uendelig(), Kommune())
        self.assertEqual(len(ctx.exception.fejl), MAKS_FEJL)
        self.assertEqual(laest, MAKS_FEJL)


class SkilletegnTests(BaseTestCase):
    """A file saved with commas or tabs gets one message about the separator, in all three imports."""

    def _fejl(self, funktion, data: bytes, filnavn: str = "fil.csv", **kw):
        from kerne.indlaesning import ImportFejl

        with self.assertRaises(ImportFejl) as ctx:
            funktion(data=data, filnavn=filnavn, **kw)
        return ctx.exception.fejl

    def test_budget_kontoplan_and_forbrug_files_with_commas_or_tabs(self):
        from budgetopfolgning.services import importer_budget
        from forbrug.services import importer_forbrug, importer_kontoplan

        budget = (HEADER + "\nUdvalg;11.10;Havn;inden;1;2;3\n").encode()
        for tegn, navn in ((",", "komma (,)"), ("\t", "tabulator")):
            for funktion, data, kw in (
                (importer_budget, budget.replace(b";", tegn.encode()), {"aar": 2031, "nummer": 1}),
                (importer_kontoplan, f"konto{tegn}ramme{tegn}placering\n1{tegn}11.10{tegn}inden\n".encode(),
                 {"aar": 2024}),
                (importer_forbrug, f"konto{tegn}maaned{tegn}beloeb\n1{tegn}1{tegn}5\n".encode(), {"aar": 2024}),
            ):
                with self.subTest(tegn=tegn, funktion=funktion.__name__):
                    fejl = self._fejl(funktion, data, **kw)
                    self.assertEqual(len(fejl), 1)
                    self.assertIn(f"adskilt med {navn}", fejl[0])
                    self.assertIn("semikolon (;)", fejl[0])
                    self.assertTrue(fejl[0].startswith("Linje 1: "))

    def test_a_workbook_with_a_comma_line_in_one_cell(self):
        from budgetopfolgning.services import importer_budget

        wb = openpyxl.Workbook()
        wb.active.append([HEADER.replace(";", ",")])
        wb.active.append(["Udvalg,11.10,Havn,inden,1,2,3"])
        buffer = io.BytesIO()
        wb.save(buffer)
        fejl = self._fejl(importer_budget, buffer.getvalue(), "b.xlsx", aar=2031, nummer=1)
        self.assertEqual(len(fejl), 1)
        self.assertIn("adskilt med komma (,)", fejl[0])


class RundeReglerTests(BaseTestCase):
    """importer_budget opens a round as the browser does: in order, with a pr. dato in the year; --laas locks it."""

    def setUp(self):
        import tempfile

        self._tmpdir = tempfile.TemporaryDirectory()
        self.sti = Path(self._tmpdir.name) / "b.csv"

    def tearDown(self):
        self._tmpdir.cleanup()

    def _kald(self, tekst: str, **flag):
        self.sti.write_text(tekst)
        err, out = io.StringIO(), io.StringIO()
        call_command("importer_budget", str(self.sti), stdout=out, stderr=err, **flag)
        return out.getvalue()

    def _afvist(self, tekst: str, **flag) -> str:
        foer = _counts()
        self.sti.write_text(tekst)
        err = io.StringIO()
        with self.assertRaises(CommandError):
            call_command("importer_budget", str(self.sti), stdout=io.StringIO(), stderr=err, **flag)
        self.assertEqual(_counts(), foer)
        return err.getvalue()

    def test_a_round_is_refused_while_an_earlier_one_is_open(self):
        self._kald(AAR_2031_RUNDE_1, aar=2031, opfolgning=1, pr_dato=date(2031, 3, 31))
        fejl = self._afvist(AAR_2031_RUNDE_2, aar=2031, opfolgning=2, pr_dato=date(2031, 6, 30))
        self.assertIn("1. budgetopfølgning 2031 er stadig åben. Lås den, før 2. budgetopfølgning 2031 oprettes.", fejl)
        # Importing the open round itself again is still allowed.
        self._kald(AAR_2031_RUNDE_1, aar=2031, opfolgning=1)

    def test_a_round_can_be_named_and_numbered_by_the_kommune(self):
        self._kald(AAR_2031_RUNDE_1, aar=2031, opfolgning=1, pr_dato=date(2031, 3, 31),
                   navn="Budgetopfølgning pr. 31. marts 2031", bilag="Bilag 4")
        runde = Opfoelgning.objects.get(aar__aar=2031, nummer=1)
        self.assertEqual((runde.titel, runde.bilagsbetegnelse), ("Budgetopfølgning pr. 31. marts 2031", "Bilag 4"))
        with self.assertRaisesMessage(CommandError, "--navn må højst have 200 tegn."):
            self._kald(AAR_2031_RUNDE_1, aar=2031, opfolgning=1, navn="x" * 201)

    def test_a_pr_dato_outside_the_year_is_refused(self):
        fejl = self._afvist(AAR_2031_RUNDE_1, aar=2031, opfolgning=1, pr_dato=date(2030, 12, 31))
        self.assertIn("Pr.-datoen 31.12.2030 ligger ikke i budgetåret 2031.", fejl)

    def test_without_a_pr_dato_the_last_day_of_last_month_or_a_refusal(self):
        from budgetopfolgning.services import standard_pr_dato

        self.assertEqual(standard_pr_dato(2026, date(2026, 12, 2)), date(2026, 11, 30))
        self.assertEqual(standard_pr_dato(2024, date(2024, 3, 1)), date(2024, 2, 29))
        self.assertIsNone(standard_pr_dato(2026, date(2026, 1, 15)))
        self.assertIsNone(standard_pr_dato(2025, date(2026, 12, 2)))
        fejl = self._afvist(AAR_2031_RUNDE_1, aar=2031, opfolgning=1)
        self.assertIn("Angiv budgetopfølgningens pr.-dato (--pr-dato ÅÅÅÅ-MM-DD)", fejl)
        idag = date.today()
        if (forventet := standard_pr_dato(idag.year, idag)) is not None:
            self._kald(AAR_2031_RUNDE_1, aar=idag.year, opfolgning=1)
            self.assertEqual(Opfoelgning.objects.get(aar__aar=idag.year).pr_dato, forventet)

    def test_laas_locks_the_round_with_hash_and_bilag(self):
        from budgetopfolgning import selectors

        # Round 1 has a large afvigelse without an explanation (Veje uden): a live round could not be locked so.
        with self.captureOnCommitCallbacks(execute=True):
            ud = self._kald(AAR_2031_RUNDE_2, aar=2031, opfolgning=1, pr_dato=date(2031, 3, 31), laas=True)
        self.assertIn("linjer oprettet, 0 linjer opdateret, og den er låst.", ud)
        runde = Opfoelgning.objects.get(aar__aar=2031, nummer=1)
        self.assertTrue(runde.er_laast)
        self.assertTrue(runde.laast_ved_import)
        self.assertEqual(runde.tal_sha256, selectors.tal_sha256(runde))
        self.assertTrue(bytes(runde.bilag_pdf).startswith(b"%PDF"))
        self.client.force_login(self.okonomi)
        self.assertContains(self.client.get("/opfolgning/2031/1/"), "Låst ved import den")
        # The next round can now be imported after it, and locked in turn.
        with self.captureOnCommitCallbacks(execute=True):
            self._kald(AAR_2031_RUNDE_2, aar=2031, opfolgning=2, pr_dato=date(2031, 6, 30), laas=True)
        self.assertTrue(Opfoelgning.objects.get(aar__aar=2031, nummer=2).er_laast)

    def test_messages_print_amounts_in_danish(self):
        self._kald(AAR_2031_RUNDE_1, aar=2031, opfolgning=1, pr_dato=date(2031, 3, 31), laas=True)
        fejl = self._afvist(
            AAR_2031_RUNDE_2.replace("5.000.000,01", "5.000.000,00"), aar=2031, opfolgning=2, pr_dato=date(2031, 6, 30)
        )
        self.assertIn("er 5.000.000,01 kr. og kan ikke ændres", fejl)


class HurtigLaesningTests(TestCase):
    """The fast paths of a large file read exactly what the general ones read, and refuse nothing they accept."""

    def test_parse_dansk_fil_agrees_with_parse_dansk(self):
        from kerne.beloeb import UgyldigtBeloeb, parse_dansk, parse_dansk_fil

        for tekst in ["0", "-0", "-0,00", "+500.000", "1.234.567,89", "1234567,8", "-28.360.400,50", "999.999.999.999",
                      "9.999.999.999.999,99", "10.000.000.000.000", "1.50", "12.34.567", " 12 ", "1,005", "", "−5",
                      "1.000,5"]:
            with self.subTest(tekst=tekst):
                try:
                    forventet = parse_dansk(tekst)
                except UgyldigtBeloeb as exc:
                    with self.assertRaisesMessage(UgyldigtBeloeb, str(exc)):
                        parse_dansk_fil(tekst)
                else:
                    faaet = parse_dansk_fil(tekst)
                    self.assertEqual(faaet, forventet)
                    self.assertEqual(str(faaet), str(forventet))

    def test_a_plain_forbrug_file_reads_the_same_by_columns_as_line_by_line(self):
        from decimal import Decimal

        from forbrug.indlaesning import _hele_filen, _laes_forbrug_linjer

        data = b"konto;maaned;beloeb\r\n5.28.21;1;1.234.567,89\r\n652820101;12;-1000\r\nK 1;03;+0,5\r\n"
        hurtigt = _hele_filen(data)
        self.assertIsNotNone(hurtigt)
        linjer = _laes_forbrug_linjer(data, "f.csv")
        self.assertEqual(list(hurtigt.linjenr), [linje.linjenr for linje in linjer])
        self.assertEqual(hurtigt.konto, [linje.konto for linje in linjer])
        self.assertEqual(hurtigt.maaneder, [1, 3, 12])
        self.assertEqual([Decimal(b) for b in hurtigt.beloeb], [linje.beloeb for linje in linjer])
        self.assertEqual(
            {k: [b if b is None else Decimal(b) for b in r] for k, r in hurtigt.pr_konto.items()},
            {linje.konto: [linje.beloeb if m == linje.maaned else None for m in range(1, 13)] for linje in linjer},
        )
        # Anything less plain is left to the line-by-line reader, which names the problem.
        for linje in ["K1;13;5", "K1;1;1.50", " K1;1;5", "K1;1;-0", '"K1";1;5', "K1;1", "K1;1;5;6", "", "K1\t;1;5"]:
            with self.subTest(linje=linje):
                self.assertIsNone(_hele_filen(f"konto;maaned;beloeb\nK2;1;5\n{linje}\n".encode()))
        self.assertIsNone(_hele_filen(b"konto;maaned;beloeb\nK1;1;5\nK1;1;6\n"))
        # A line with a field too many next to one with a field too few has as many semicolons as two plain lines.
        self.assertIsNone(_hele_filen(b"konto;maaned;beloeb\nK1;1;5;2\n3;1\n"))

    def test_a_plain_budget_file_reads_the_same_by_columns_as_line_by_line(self):
        from contextlib import closing

        from budgetopfolgning.indlaesning import GRAENSE, _hele_filen, _tjek_linjer
        from kerne.indlaesning import laes_raekker
        from kerne.models import Kommune

        def linje_for_linje(data):
            with closing(laes_raekker(data, "b.csv", GRAENSE)) as raekker:
                return _tjek_linjer(raekker, Kommune())

        filer = [
            "\ufeffudvalg;ramme;ramme_navn;serviceramme;oprindeligt_budget;korrektioner;forventet_forbrug\r\n"
            "Økonomiudvalget;10.10; Administration ;Inden;1.234.567,89;-0;1.000,5\r\n"
            " Økonomiudvalget ;10.10;Administration;UDEN;+500;-0,00;12\r\n",
            # Columns in another order, the optional ones, and an empty column at the end of every line.
            "forklaring;overfoert_fra_sidste_aar;udvalg_kode;forventet_forbrug;korrektioner;oprindeligt_budget;"
            "serviceramme;ramme_navn;ramme;udvalg;\n"
            "Flere borgere end ventet;-1.000,5;BU;999.999.999.999;0;5;inden;Skoler;30.46;Børneudvalget;\n"
            ";0;BU;1;2;3;uden;Skoler;30.46;Børneudvalget;\n"
            "  ;12,3;;1;2;3;inden;Dagtilbud;30.50;Børneudvalget;\n",
        ]
        for tekst in filer:
            with self.subTest(tekst=tekst[:30]):
                data = tekst.encode()
                hurtigt = _hele_filen(data, Kommune())
                self.assertIsNotNone(hurtigt)
                forventet = linje_for_linje(data)
                self.assertEqual(hurtigt, forventet)
                # The same Decimals to the exponent, as the line-by-line reader gives them.
                self.assertEqual(
                    [(str(a.oprindeligt_budget), str(a.korrektioner), str(a.forventet_forbrug)) for a in hurtigt],
                    [(str(a.oprindeligt_budget), str(a.korrektioner), str(a.forventet_forbrug)) for a in forventet],
                )

        # Anything less plain is left to the line-by-line reader, which names the problem.
        hoved = "udvalg;udvalg_kode;ramme;ramme_navn;serviceramme;oprindeligt_budget;korrektioner;forventet_forbrug\n"
        god = "Børneudvalget;BU;30.46;Skoler;inden;1;2;3\n"
        self.assertIsNotNone(_hele_filen((hoved + god).encode(), Kommune()))
        for linje in [
            '"Børneudvalget";BU;30.50;Skoler;inden;1;2;3',
            "",
            ";;;;;;;",
            "Børneudvalget;BU;30.50;Skoler;inden;1;2",
            "Børneudvalget;BU;30.50;Skoler;inden;1;2;3;4",
            "Børneudvalget;BU;30.50;Sk\x07oler;inden;1;2;3",
            "Børneudvalget;BU;30.50;Skoler;inden;1.50;2;3",
            "Børneudvalget;BU;30.50;Skoler;inden; 1;2;3",
            "Børneudvalget;BU;30.50;Skoler;inden;;2;3",
            "Børneudvalget;BU;30.46;Skoler;inden;1;2;3",
            "Socialudvalget;SU;30.46;Skoler;uden;1;2;3",
            "Børneudvalget;-BU;30.50;Skoler;inden;1;2;3",
            "Børneudvalget;BU;3046;Skoler;inden;1;2;3",
            "Børneudvalget;BU;30.50;;inden;1;2;3",
            "Børneudvalget;BU;30.50;" + "S" * 201 + ";inden;1;2;3",
            "Børneudvalget;BU;30.50;Skoler;begge;1;2;3",
            ";BU;30.50;Skoler;inden;1;2;3",
        ]:
            with self.subTest(linje=linje):
                self.assertIsNone(_hele_filen(f"{hoved}{god}{linje}\n".encode(), Kommune()))
        self.assertIsNone(_hele_filen(b"udvalg;ramme\nA;10.10\n", Kommune()))  # a header without the columns
        # A field longer than the csv module reads: it refuses the line, so this path must not accept it.
        lang = "Børneudvalget;BU;30.50;Skoler;inden;1;2;" + "3" * 131_073
        self.assertIsNone(_hele_filen(f"{hoved}{god}{lang}\n".encode(), Kommune()))
        self.assertIsNone(_hele_filen((hoved + god).encode("latin-1"), Kommune()))
        self.assertIsNone(
            _hele_filen(
                (hoved.strip() + ";overfoert_fra_sidste_aar\n" + god.strip() + ";\n").encode(), Kommune()
            )
        )
