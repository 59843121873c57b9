"""Inputs that once slipped through: every one gets a Danish error and changes nothing, and locked rounds
stay exactly as they were locked."""

import csv
import io
from datetime import date

import openpyxl

from budgetopfolgning.models import Aktivitetslinje, Opfoelgning, Opfoelgningslinje
from budgetopfolgning.selectors import tal_sha256
from budgetopfolgning.services import ImportFejl, OpfoelgningsFejl, importer_budget, laas_opfoelgning
from kerne.beloeb import UgyldigtBeloeb, parse_dansk
from tests.base import DemoTestCase

HEADER = "udvalg;ramme;ramme_navn;serviceramme;oprindeligt_budget;korrektioner;forventet_forbrug"


def _import(text: str | bytes, aar=2024, nr=2, filnavn="fil.csv"):
    data = text.encode() if isinstance(text, str) else text
    ny = not Opfoelgning.objects.filter(aar__aar=aar, nummer=nr).exists()
    return importer_budget(
        data=data, filnavn=filnavn, aar=aar, nummer=nr, pr_dato=date(aar, min(3 * nr, 12), 28) if ny else None
    )


class LockedYearImportTests(DemoTestCase):
    def test_a_new_ramme_in_a_year_with_a_locked_round_is_refused(self):
        foer = tal_sha256(Opfoelgning.objects.get(aar__aar=2024, nummer=1))
        with self.assertRaises(ImportFejl) as ctx:
            _import(f"{HEADER}\nBørne- og Skoleudvalget;30.99;Ny ramme;inden;5.000.000;0;5.000.000\n")
        self.assertIn("Linje 2, kolonne »ramme«", str(ctx.exception))
        self.assertIn("låst budgetopfølgning", str(ctx.exception))
        self.assertEqual(tal_sha256(Opfoelgning.objects.get(aar__aar=2024, nummer=1)), foer)

    def test_renaming_a_ramme_in_a_year_with_a_locked_round_is_refused(self):
        with self.assertRaises(ImportFejl) as ctx:
            _import(f"{HEADER}\nBørne- og Skoleudvalget;30.46;Nyt navn;inden;176.900.000;0;1\n")
        self.assertIn("kolonne »ramme_navn«", str(ctx.exception))

    def test_a_round_cannot_be_locked_before_the_one_before_it(self):
        data = f"{HEADER}\nTeknikudvalget;11.11;Veje;inden;1.000;0;1.000\n"
        _import(data, aar=2030, nr=1)
        # The import itself refuses a round while the one before is open; a round 2 made so otherwise (as an
        # older version of the import did) still cannot be locked first.
        with self.assertRaises(ImportFejl):
            _import(data, aar=2030, nr=2)
        foerste = Opfoelgning.objects.get(aar__aar=2030, nummer=1)
        Opfoelgning.objects.create(aar=foerste.aar, nummer=2, pr_dato=date(2030, 6, 30), dokumentdato=date(2030, 7, 1))
        with self.assertRaises(OpfoelgningsFejl) as ctx:
            laas_opfoelgning(opfoelgning=Opfoelgning.objects.get(aar__aar=2030, nummer=2))
        self.assertIn("1. budgetopfølgning 2030 er stadig åben", str(ctx.exception))

    def test_a_round_imported_into_a_year_with_activities_continues_them(self):
        okonomi = self.okonomi
        self.client.force_login(okonomi)
        self.client.post("/opfolgning/2024/2/laas/", {"laas_alligevel": "1"})
        self.assertTrue(Opfoelgning.objects.get(aar__aar=2024, nummer=2).er_laast)
        # Round 3 by import: the file has one ramme; everything else, activities included, continues.
        _import(f"{HEADER};forklaring\nBørne- og Skoleudvalget;30.46;Forebyggelse/anbringelse af børn og unge uden "
                "for hjemmet;inden;176.900.000;0;175.000.000;Flere anbringelser\n", nr=3)
        runde = Opfoelgning.objects.get(aar__aar=2024, nummer=3)
        self.assertEqual(runde.linjer.count(), Opfoelgningslinje.objects.filter(opfoelgning__nummer=2).count())
        self.assertEqual(Aktivitetslinje.objects.filter(opfoelgning=runde).count(), 3)
        laas_opfoelgning(opfoelgning=runde)  # nothing is missing an explanation


class BadInputTests(DemoTestCase):
    def _refused(self, data, fragment, filnavn="fil.csv"):
        foer = Opfoelgningslinje.objects.count()
        with self.assertRaises(ImportFejl) as ctx:
            _import(data, aar=2031, nr=1, filnavn=filnavn)
        self.assertIn(fragment, str(ctx.exception))
        self.assertEqual(Opfoelgningslinje.objects.count(), foer)
        return str(ctx.exception)

    def _xlsx(self, *values):
        wb = openpyxl.Workbook()
        wb.active.append(HEADER.split(";"))
        wb.active.append(["Teknikudvalget", "11.11", "Veje", "inden", *values])
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()

    def test_huge_spreadsheet_numbers_are_refused(self):
        self._refused(self._xlsx(12345678901234, 0, 0), "for stort", filnavn="b.xlsx")
        self._refused(self._xlsx(1e30, 0, 0), "for stort", filnavn="b.xlsx")

    def test_an_overlong_csv_field_is_refused_with_its_line(self):
        self.addCleanup(csv.field_size_limit, csv.field_size_limit())
        data = f"{HEADER};forklaring\nTeknikudvalget;11.11;Veje;inden;1;0;1;{'x' * 200_000}\n"
        self._refused(data, "Linje 2")

    def test_overlong_names_and_bad_codes_are_refused(self):
        self._refused(f"{HEADER}\n{'U' * 201};11.11;Veje;inden;1;0;1\n", "kolonne »udvalg«")
        self._refused(f"udvalg_kode;{HEADER}\nK/F;Teknikudvalget;11.11;Veje;inden;1;0;1\n", "kolonne »udvalg_kode«")

    def test_errors_name_the_line_a_multiline_row_starts_on(self):
        data = (
            f'{HEADER};forklaring\nTeknikudvalget;11.11;Veje;inden;1;0;1;"to\nlinjer"\n'
            "Teknikudvalget;11.12;Stier;inden;x;0;1;\n"
        )
        self._refused(data, "Linje 4, kolonne »oprindeligt_budget«")

    def test_only_ascii_digits_count(self):
        with self.assertRaises(UgyldigtBeloeb):
            parse_dansk("١.٠٠٠")
        self._refused(f"{HEADER}\nTeknikudvalget;１１.１１;Veje;inden;1;0;1\n", "kolonne »ramme«")

    def test_activity_sums_beyond_the_money_field_are_refused(self):
        self.client.force_login(self.konsulent)
        response = self.client.get("/opfolgning/2024/2/ramme/30.36/rediger/")
        form = response.context["form"]
        data = {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}
        for name in data:
            if name.startswith("akt") and name.endswith("_forventet_forbrug"):
                data[name] = "9.999.999.999.999"
        response = self.client.post("/opfolgning/2024/2/ramme/30.36/rediger/", data)
        self.assertContains(response, "er for stor", status_code=400)
        self.assertEqual(self.client.get("/opfolgning/2024/2/").status_code, 200)


class AdminAddTests(DemoTestCase):
    def test_no_udvalg_can_be_added_to_a_year_with_a_locked_round(self):
        self.okonomi.is_superuser = True
        self.okonomi.save()
        self.client.force_login(self.okonomi)
        aar = Opfoelgning.objects.get(aar__aar=2024, nummer=1).aar_id
        response = self.client.post(
            "/admin/rammer/udvalg/add/", {"aar": aar, "navn": "Nyt udvalg", "kode": "NU", "raekkefoelge": 9}
        )
        self.assertEqual(response.status_code, 200)  # the form again, with an error
        from rammer.models import Udvalg

        self.assertFalse(Udvalg.objects.filter(navn="Nyt udvalg").exists())


class SkoenOverflowTests(DemoTestCase):
    def test_price_times_users_beyond_the_money_field_is_refused(self):
        self.client.force_login(self.okonomi)
        url = "/rammer/2023/30.46/ledelsesinformation/skoen/"
        form = self.client.get(url).context["form"]
        data = {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}
        noegle = next(n for n in data if n.endswith("_enhedspris"))[: -len("_enhedspris")]
        data.update({f"{noegle}_enhedspris": "9.999.999.999", f"{noegle}_helaarsbrugere": "9.999.999",
                     "nyt_skoen": "on"})
        response = self.client.post(url, data)
        self.assertIn(response.status_code, (200, 400))
        self.assertContains(response, "for stort beløb", status_code=response.status_code)
        self.assertEqual(self.client.get("/rammer/2023/30.46/ledelsesinformation/").status_code, 200)
