"""Text that breaks the workbooks, and workbooks that break the import.

Control characters no workbook can hold are refused by every form, the admin and every import, naming where; text
stored before that still exports. An XLSX file is refused by its unpacked size, its packing and its number of rows
and cells before it is read, and reading stops at the fiftieth error.
"""

import io
import json
import random
import zipfile
from collections.abc import Iterable, Iterator
from itertools import chain, repeat
from pathlib import Path
from unittest import mock

from django import forms
from django.conf import settings
from django.contrib import admin
from django.test import SimpleTestCase
from openpyxl import Workbook, load_workbook

from budgetopfolgning.indlaesning import laes_budgetfil
from budgetopfolgning.models import Opfoelgningslinje
from budgetopfolgning.services import ImportFejl, importer_budget
from kerne import indlaesning as kerne_indlaesning
from omstilling.indlaesning import Katalogfejl as KatalogFejl
from omstilling.indlaesning import indlaes_katalog
from omstilling.models import Forslag, Katalog
from rammeindsigt import indlaesning as rammer_services
from rammer.models import Aarsregnskab, Bevillingsramme, Udvalg
from tests.base import DemoTestCase, formular
from tests.test_import import AAR_2031_RUNDE_1, HEADER, _counts
from tests.test_omstilling import _formdata
from tests.test_redigering import REDIGER, _form_data

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
STYRETEGN = "usynligt styretegn"


def _linje(nr: int, ramme: str, placering: str) -> Opfoelgningslinje:
    return Opfoelgningslinje.objects.get(
        opfoelgning__aar__aar=2024, opfoelgning__nummer=nr, rammedel__ramme__nummer=ramme,
        rammedel__placering=placering,
    )


def _admin_data(response) -> dict:
    """The values a browser would submit from an admin change page as rendered, inlines included."""
    formularer = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formularer += [inline.formset.management_form, *inline.formset.forms]
    for form in formularer:
        for name in form.fields:
            value = form[name].value()
            if value is True:
                data[form.add_prefix(name)] = "on"
            elif value is not None and value is not False:
                data[form.add_prefix(name)] = value
    return data


class FormTests(DemoTestCase):
    """Every form refuses the characters with the Danish message and saves nothing."""

    def test_the_edit_form_refuses_an_escape_character_in_an_explanation(self):
        self.client.force_login(self.konsulent)
        foer = _linje(2, "30.46", "inden")
        data = _form_data(self.client.get(REDIGER))
        data["inden_forklaring"] = "Flere anbringelser\x1b end ventet"
        response = self.client.post(REDIGER, data)
        self.assertContains(response, STYRETEGN, status_code=400)
        self.assertContains(response, "tegn nr. 19, U+001B", status_code=400)
        self.assertContains(response, "Intet er gemt", status_code=400)
        efter = _linje(2, "30.46", "inden")
        self.assertEqual((efter.forklaring, efter.version), (foer.forklaring, foer.version))

    def test_the_edit_form_refuses_a_nul_with_the_same_message(self):
        self.client.force_login(self.konsulent)
        data = _form_data(self.client.get(REDIGER))
        data["uden_forklaring"] = "a\x00b"
        response = self.client.post(REDIGER, data)
        self.assertContains(response, STYRETEGN, status_code=400)
        self.assertNotContains(response, "Null-tegn", status_code=400)
        self.assertEqual(_linje(2, "30.46", "uden").version, 1)

    def test_the_edit_form_keeps_tab_and_newlines_in_an_explanation(self):
        self.client.force_login(self.konsulent)
        data = _form_data(self.client.get(REDIGER))
        data["inden_forklaring"] = "Første punkt\r\n\tAndet punkt\nTredje"
        self.assertEqual(self.client.post(REDIGER, data).status_code, 302)
        # Kept, with a browser's CRLF stored as LF like every other explanation (so an untouched one stays equal).
        self.assertEqual(_linje(2, "30.46", "inden").forklaring, "Første punkt\n\tAndet punkt\nTredje")

    def test_the_proposal_form_refuses_a_control_character_in_the_title(self):
        self.client.force_login(self.okonomi)
        url = "/omstilling/2019/TMU-07/rediger/"
        forslag = Forslag.objects.get(katalog__aar=2019, nr="TMU-07")
        version = formular(self.client.get(url).content.decode())["version"]
        response = self.client.post(url, _formdata(forslag, titel="Gade\x01belysning", version=version))
        self.assertContains(response, STYRETEGN)
        self.assertContains(response, "Der er fejl i formularen. Intet er gemt.")
        forslag.refresh_from_db()
        self.assertEqual(forslag.titel, "Modernisering af gadebelysningen på Ballerup Boulevard")

    def test_the_admin_refuses_a_control_character_in_a_ramme_name(self):
        self.okonomi.is_superuser = True
        self.okonomi.save()
        self.client.force_login(self.okonomi)
        ramme = Bevillingsramme.objects.get(aar__aar=2018, nummer="30.46")
        url = f"/admin/rammer/bevillingsramme/{ramme.pk}/change/"
        data = _admin_data(self.client.get(url))
        self.assertEqual(self.client.post(url, dict(data, navn="Børn og unge")).status_code, 302)
        response = self.client.post(url, dict(data, navn="Børn\x1bog unge"))
        self.assertContains(response, STYRETEGN)
        ramme.refresh_from_db()
        self.assertEqual(ramme.navn, "Børn og unge")

    def test_every_form_and_every_admin_form_checks_its_text(self):
        """The check is a mixin; this makes a form or admin class added without it fail here."""
        from budgetopfolgning import forms as budget_forms
        from kerne.tekst import TekstValidering
        from omstilling import forms as omstilling_forms
        from rammeindsigt import forms as rammer_forms

        for modul in (budget_forms, omstilling_forms, rammer_forms):
            for navn, klasse in vars(modul).items():
                if isinstance(klasse, type) and issubclass(klasse, forms.BaseForm):
                    if klasse.__module__ == modul.__name__:
                        self.assertTrue(issubclass(klasse, TekstValidering), f"{modul.__name__}.{navn}")
        apps = {"budgetopfolgning", "rammer", "omstilling", "auth"}
        admins = [a for m, a in admin.site._registry.items() if m._meta.app_label in apps]
        self.assertGreater(len(admins), 10)
        for model_admin in admins:
            for klasse in [model_admin, *model_admin.inlines]:
                self.assertTrue(issubclass(klasse.form, TekstValidering), repr(klasse))


class ImportTests(DemoTestCase):
    """The budget import and the JSON loaders refuse the characters, naming line and column or where."""

    def _afvist(self, tekst: str) -> list[str]:
        foer = _counts()
        with self.assertRaises(ImportFejl) as ctx:
            importer_budget(data=tekst.encode(), filnavn="budget.csv", aar=2031, nummer=1)
        self.assertEqual(_counts(), foer, "a refused file must change nothing")
        return ctx.exception.fejl

    def test_the_budget_import_refuses_a_nul_in_an_explanation(self):
        linjer = AAR_2031_RUNDE_1.splitlines()
        linjer[2] = linjer[2] + "Vej\x00arbejde"
        fejl = self._afvist("\n".join(linjer) + "\n")
        self.assertEqual(len(fejl), 1)
        self.assertIn("Linje 3, kolonne »forklaring«: Teksten indeholder et usynligt styretegn", fejl[0])

    def test_the_budget_import_refuses_an_escape_character_in_an_explanation(self):
        fejl = self._afvist(AAR_2031_RUNDE_1.replace("Stormflod", "Storm\x1bflod"))
        besked = _besked("Storm\x1bflod")
        self.assertEqual(fejl, [f"Linje 2, kolonne »forklaring«: {besked}"])
        self.assertIn("(tegn nr. 6, U+001B)", besked)

    def test_the_budget_import_never_echoes_the_character(self):
        fejl = self._afvist(AAR_2031_RUNDE_1.replace(";11.10;", ";\x1b[2J11.10;").replace(";Veje;", ";Ve\x07je;", 1))
        alle = "\n".join(fejl)
        self.assertIn("Linje 2, kolonne »ramme«: Teksten indeholder et usynligt styretegn", alle)
        self.assertIn("Linje 3, kolonne »ramme_navn«: Teksten indeholder et usynligt styretegn", alle)
        self.assertNotIn("\x1b", alle)
        self.assertNotIn("\x07", alle)

    def test_the_budget_import_refuses_a_control_character_in_the_letterhead(self):
        with self.assertRaises(ImportFejl) as ctx:
            importer_budget(
                data=AAR_2031_RUNDE_1.encode(), filnavn="budget.csv", aar=2031, nummer=1,
                metadata={"sagsnr": "00.30\x0b14"},
            )
        self.assertIn("sagsnr", ctx.exception.fejl[0])
        self.assertFalse(Udvalg.objects.filter(aar__aar=2031).exists())

    def test_the_catalogue_loader_refuses_a_control_character_and_says_where(self):
        data = json.loads((FIXTURES / "omstilling_2019.json").read_text(encoding="utf-8"))
        data["forslag"][0]["titel"] += "\x01"
        data["forslag"][2]["tekster"]["beskrivelse"] = "\ud800"
        with self.assertRaises(KatalogFejl) as ctx:
            indlaes_katalog(data=data, kilde="test.json", opdater=True)
        self.assertIn("forslag[1].titel: Teksten indeholder et usynligt styretegn", ctx.exception.fejl[0])
        self.assertIn("forslag[3].tekster.beskrivelse:", ctx.exception.fejl[1])
        self.assertNotIn("\x01", Katalog.objects.get(aar=2019).forslag.get(nr=data["forslag"][0]["nr"]).titel)

    def test_the_ramme_loaders_refuse_a_control_character_and_say_where(self):
        data = json.loads((FIXTURES / "regnskab_2018_30_46.json").read_text(encoding="utf-8"))
        data["aktiviteter"][0]["forklaring"] = "Flere\x1b forløb"
        foer = Aarsregnskab.objects.get(ramme__aar__aar=2018, ramme__nummer="30.46").pk
        with self.assertRaises(rammer_services.Rammedatafejl) as ctx:
            rammer_services.indlaes_regnskab(data=data, overskriv=True)
        self.assertIn("regnskab.aktiviteter[1].forklaring: Teksten indeholder et usynligt", str(ctx.exception))
        self.assertTrue(Aarsregnskab.objects.filter(pk=foer).exists())
        for navn, indlaes in (
            ("ledelsesinformation_2023_30_46.json", rammer_services.indlaes_ledelsesinformation),
            ("budgetmodel_2018.json", rammer_services.indlaes_budgetmodel),
        ):
            data = json.loads((FIXTURES / navn).read_text(encoding="utf-8"))
            data["\x1f"] = "x"
            with self.assertRaisesMessage(rammer_services.Rammedatafejl, STYRETEGN):
                indlaes(data=data, overskriv=True)


def _besked(tekst: str) -> str:
    from kerne.tekst import styretegn_fejl

    return styretegn_fejl(tekst)


class ExportTests(DemoTestCase):
    """Text stored before the characters were refused still exports, without them."""

    def setUp(self):
        self.client.force_login(self.okonomi)

    def test_a_locked_round_with_a_control_character_still_gives_its_workbook(self):
        linje = _linje(1, "30.46", "inden")
        Opfoelgningslinje.objects.filter(pk=linje.pk).update(forklaring="a\x1bb\ufffe")
        Udvalg.objects.filter(aar__aar=2024, navn="Børne- og Skoleudvalget").update(navn="Børne-\x01 og Skoleudvalget")
        response = self.client.get("/opfolgning/2024/1/tabeller.xlsx")
        self.assertEqual(response.status_code, 200)
        wb = load_workbook(io.BytesIO(response.content))
        rammer = wb["Rammer"].iter_rows(min_row=2, values_only=True)
        raekke = next(r for r in rammer if r[1] == "30.46" and r[3] == "Inden for")
        self.assertEqual(raekke[0], "Børne- og Skoleudvalget")
        self.assertEqual(raekke[-1], "ab")
        self.assertIn("Børne- og Skoleudvalget", [r[0] for r in wb["Tabel 1"].iter_rows(values_only=True)])

    def test_the_csv_leaves_the_characters_out(self):
        bsu = Udvalg.objects.filter(aar__aar=2024, navn="Børne- og Skoleudvalget")
        bsu.update(navn="Børne-\x01 og \x1bSkoleudvalget")
        response = self.client.get("/opfolgning/2024/1/tabel-1.csv")
        self.assertEqual(response.status_code, 200)
        tekst = response.content.decode("utf-8-sig")
        self.assertIn("\r\nBørne- og Skoleudvalget;", tekst)
        self.assertNotIn("\x01", tekst)
        self.assertNotIn("\x1b", tekst)

    def test_the_proposal_workbook_survives_a_control_character_in_a_title(self):
        Forslag.objects.filter(katalog__aar=2019, nr="TMU-01").update(titel="Gade\x01lys\uffff")
        Katalog.objects.filter(aar=2019).update(titel="Omstilling\x1b 2019")
        response = self.client.get("/omstilling/2019/oversigt.xlsx")
        self.assertEqual(response.status_code, 200)
        wb = load_workbook(io.BytesIO(response.content))
        titel = next(r[1] for r in wb["Oversigt"].iter_rows() if r[0].value == "TMU-01")
        self.assertEqual(titel.value, "Gadelys")
        self.assertEqual(wb.properties.title, "Omstilling 2019")
        self.assertIn("Gadelys", [r[1] for r in wb["Forslag"].iter_rows(values_only=True)])


# --- XLSX import bombs ---------------------------------------------------------------------------------------------

NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _celler(*tekster: str) -> bytes:
    return b"".join(b'<c t="inlineStr"><is><t>%s</t></is></c>' % t.encode() for t in tekster)


def _xlsx(raekker: Iterable[bytes], dimension: str | None = None) -> bytes:
    """A workbook whose first sheet holds the given XML, written as a stream, so a sheet of hundreds of MB never
    sits in memory."""
    wb = Workbook()
    wb.active.append(["x"])
    kilde = io.BytesIO()
    wb.save(kilde)
    ud = io.BytesIO()
    with zipfile.ZipFile(kilde) as z, zipfile.ZipFile(ud, "w", zipfile.ZIP_DEFLATED) as ny:
        for info in z.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                ny.writestr(info, z.read(info.filename))
                continue
            with ny.open(info.filename, "w", force_zip64=True) as ark:
                ark.write(b"<worksheet %s>" % NS)
                if dimension:
                    ark.write(b'<dimension ref="%s"/>' % dimension.encode())
                ark.write(b"<sheetData>")
                for raekke in raekker:
                    ark.write(raekke)
                ark.write(b"</sheetData></worksheet>")
    return ud.getvalue()


def _nummereret(raekker: Iterable[bytes]) -> Iterator[bytes]:
    """Lines numbered as Excel numbers them, so they pack like a real sheet's."""
    for nummer, raekke in enumerate(raekker, start=1):
        yield raekke.replace(b"<row>", b'<row r="%d">' % nummer, 1)


HEADER_XML = b"<row>" + _celler(*HEADER.split(";")) + b"</row>"
GOD_XML = b"<row>" + _celler("Teknik- og Havneudvalget", "11.10", "Havn", "inden", "1", "0", "1") + b"</row>"
# Three errors per line: ramme number, serviceramme and forventet forbrug.
TOM_XML = b"<row></row>"
DAARLIG_XML = b"<row>" + _celler("Teknik- og Havneudvalget", "1110", "Havn", "ind", "1", "0", "x") + b"</row>"


class XlsxBombeTests(SimpleTestCase):
    def _afvist(self, data: bytes, filnavn="budget.xlsx") -> list[str]:
        with self.assertRaises(ImportFejl) as ctx:
            laes_budgetfil(data, filnavn)
        return ctx.exception.fejl

    def test_it_refuses_a_workbook_that_unpacks_to_more_than_100_mb(self):
        raekker = b"<row>" + _celler("a") + b"</row>"
        data = _xlsx(chain([HEADER_XML], repeat(raekker * ((1 << 20) // len(raekker)), 110)))
        self.assertLess(len(data), 2 << 20)
        fejl = self._afvist(data)
        self.assertEqual(len(fejl), 1)
        self.assertRegex(fejl[0], r"^Linje 1: Filen er for stor: udpakket fylder den \d+ MB")

    def test_it_refuses_a_workbook_packed_like_a_zip_bomb(self):
        # 20 MB of blank space between the rows: under the size limit, but packed a thousandfold.
        data = _xlsx(chain([HEADER_XML, GOD_XML], repeat(b" " * (1 << 20), 20)))
        fejl = self._afvist(data)
        self.assertEqual(len(fejl), 1)
        self.assertIn("Linje 1: Filen er for stor: xl/worksheets/sheet1.xml pakker ud til", fejl[0])
        self.assertIn("zip-bombe", fejl[0])

    def test_it_refuses_a_sheet_with_more_lines_than_a_year_holds(self):
        fejl = self._afvist(_xlsx(_nummereret([HEADER_XML, GOD_XML, *[TOM_XML] * 25_000])))
        self.assertEqual(len(fejl), 1)
        self.assertIn("Linje 1: Filen er for stor: arket har flere end 25.000 linjer", fejl[0])

    def test_it_refuses_a_csv_file_with_more_lines_than_a_year_holds(self):
        csv = HEADER + "\n" + "Teknik- og Havneudvalget;11.10;Havn;inden;1;0;1\n" + ";;;;;;\n" * 25_000
        fejl = self._afvist(csv.encode(), "budget.csv")
        self.assertEqual(fejl, [fejl[0]])
        self.assertIn("Linje 1: Filen er for stor: filen har flere end 25.000 linjer", fejl[0])

    def test_it_reads_a_sheet_of_exactly_25000_lines(self):
        data = _xlsx(_nummereret([HEADER_XML, GOD_XML, *[TOM_XML] * 24_999]), dimension="A1:G25001")
        self.assertEqual([linje.ramme for linje in laes_budgetfil(data, "budget.xlsx")], ["11.10"])

    def test_it_refuses_a_sheet_whose_dimension_claims_too_many_lines(self):
        fejl = self._afvist(_xlsx([HEADER_XML, GOD_XML], dimension="A1:G30000"))
        self.assertEqual(len(fejl), 1)
        self.assertIn("Linje 1: Filen er for stor: et ark i projektmappen har flere end 25.000 linjer", fejl[0])

    def test_it_counts_the_lines_when_the_dimension_understates_them(self):
        fejl = self._afvist(_xlsx(_nummereret([HEADER_XML, GOD_XML, *[TOM_XML] * 25_000]), dimension="A1:G2"))
        self.assertIn("Linje 1: Filen er for stor: arket har flere end 25.000 linjer", fejl[0])

    def test_it_counts_the_lines_a_far_away_cell_implies(self):
        langt_nede = b'<row r="1000000">' + _celler("x") + b"</row>"
        fejl = self._afvist(_xlsx([b'<row r="1">' + HEADER_XML[5:], langt_nede]))
        self.assertIn("Linje 1: Filen er for stor: arket har flere end 25.000 linjer", fejl[0])

    def test_it_refuses_a_line_with_too_many_cells(self):
        # One line of 50.000 cells: openpyxl would build every one of them before handing over the line.
        fejl = self._afvist(_xlsx([HEADER_XML, b"<row>" + b"<c><v>1</v></c>" * 50_000 + b"</row>"]))
        self.assertEqual(len(fejl), 1)
        self.assertIn("Linje 1: Filen er for stor: en linje i arket har flere end 1.000 celler", fejl[0])

    def test_it_refuses_a_workbook_with_an_oversized_part(self):
        wb = Workbook()
        ark = wb.active
        ark.append(HEADER.split(";"))
        kilde = io.BytesIO()
        wb.save(kilde)
        ud = io.BytesIO()
        with zipfile.ZipFile(kilde) as z, zipfile.ZipFile(ud, "w", zipfile.ZIP_DEFLATED) as ny:
            for info in z.infolist():
                indhold = z.read(info.filename)
                if info.filename == "xl/styles.xml":
                    # 300.000 cell formats, each a little different, so it packs like a real file.
                    tal = random.Random(1)
                    formater = b"".join(b'<xf numFmtId="%d"/>' % tal.randrange(10**6) for _ in range(300_000))
                    indhold = indhold.replace(b"</cellXfs>", formater + b"</cellXfs>")
                ny.writestr(info, indhold)
        fejl = self._afvist(ud.getvalue())
        self.assertEqual(len(fejl), 1)
        self.assertIn("Linje 1: Filen er for stor: xl/styles.xml indeholder mere end 250.000 elementer", fejl[0])

    def test_it_stops_at_the_fiftieth_error(self):
        data = _xlsx(_nummereret([HEADER_XML, *[DAARLIG_XML] * 200]))
        fejl = self._afvist(data)
        self.assertEqual(len(fejl), 50)
        self.assertEqual(fejl[-1][:8], "Linje 18")
        csv = HEADER + "\n" + "Teknik- og Havneudvalget;1110;Havn;ind;1;0;x\n" * 200
        self.assertEqual(len(self._afvist(csv.encode(), "budget.csv")), 50)
        for_mange_felter = HEADER + "\n" + "Teknik- og Havneudvalget;11.10;Havn;inden;1;0;1;x;y\n" * 200
        self.assertEqual(len(self._afvist(for_mange_felter.encode(), "budget.csv")), 50)

    def test_it_reads_no_further_than_the_fiftieth_error(self):
        # A line openpyxl cannot read (a number cell holding letters) after the fiftieth error is never reached.
        ulaeselig = b"<row><c><v>abc</v></c></row>"
        data = _xlsx([HEADER_XML, *[DAARLIG_XML] * 5, ulaeselig])
        self.assertIn("kan ikke læses", self._afvist(data)[0])
        data = _xlsx([HEADER_XML, *[DAARLIG_XML] * 20, *[GOD_XML] * 1000, ulaeselig])
        with mock.patch.object(kerne_indlaesning, "xlsx_celle", wraps=kerne_indlaesning.xlsx_celle) as celle:
            fejl = self._afvist(data)
        self.assertEqual(len(fejl), 50)
        self.assertLess(celle.call_count, 50 * 50)

    def test_it_still_reads_numbers_exactly(self):
        wb = Workbook()
        ark = wb.active
        ark.append(HEADER.split(";"))
        ark.append(["Teknik- og Havneudvalget", 11.12, "Veje", "uden", 1000500.5, -2500.0, 0.1 + 0.2])
        data = io.BytesIO()
        wb.save(data)
        (linje,) = laes_budgetfil(data.getvalue(), "budget.xlsx")
        self.assertEqual((linje.ramme, str(linje.oprindeligt_budget)), ("11.12", "1000500.50"))
        self.assertEqual((str(linje.korrektioner), str(linje.forventet_forbrug)), ("-2500.00", "0.30"))


class TekstTests(SimpleTestCase):
    def test_it_refuses_exactly_the_characters_xml_cannot_hold(self):
        from django.core.exceptions import ValidationError

        from kerne.tekst import rens, valider_tekst

        forbudte = [*map(chr, range(0x20)), "\ud800", "\udfff", "\ufffe", "\uffff"]
        for tegn in forbudte:
            if tegn in "\t\n\r":
                continue
            with self.assertRaises(ValidationError, msg=repr(tegn)):
                valider_tekst(f"a{tegn}b")
            self.assertEqual(rens(f"a{tegn}b"), "ab")
        for tilladt in ("\t", "\n", "\r", "\x7f", "æøå", "–»«", "\ufffd", "\U0001f600", ""):
            valider_tekst(f"a{tilladt}b")
            self.assertEqual(rens(f"a{tilladt}b"), f"a{tilladt}b")
