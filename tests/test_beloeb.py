"""One reading of amounts: the rules tested once against the kernel, then each path that reads amounts shown to use
them (the ramme edit form, the budget import, the proposal form, the ramme-in-depth forms and the JSON loaders)."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

from budgetopfolgning.indlaesning import ImportFejl
from budgetopfolgning.models import Opfoelgningslinje
from budgetopfolgning.services import importer_budget
from kerne.beloeb import (
    MAKS_BELOEB,
    UgyldigtBeloeb,
    UgyldigtTal,
    beloeb_fra_json,
    beloeb_fra_tal,
    parse_dansk,
    parse_dansk_tal,
    parse_maskintal,
)
from omstilling import indlaesning as omstilling_services
from omstilling.models import Forslagsaar
from rammeindsigt import indlaesning as rammer_services
from rammeindsigt.forms import ProcentFormField, TalFormField
from rammer.models import Regnskabslinje
from tests.base import BaseTestCase, DemoTestCase, formular

FIXTURES = Path(settings.BASE_DIR) / "fixtures"

# The one message every text path gives for "1.50", a figure a reader could take as 1,50 or as 150.
UGYLDIGT_1_50 = (
    "»1.50« er ikke et gyldigt beløb. Skriv kroner med komma før øre og eventuelt punktum mellem tusinder, "
    "fx 1.234.567,89 eller -1000."
)

DANSK_GODKENDT = (
    ("1.234.567,89", "1234567.89"),
    ("1234567,89", "1234567.89"),
    ("-1.000", "-1000"),
    ("0", "0"),
    ("-0", "0"),
    ("+500.000", "500000"),
    ("+0,5", "0.5"),
    ("- 1.000", "-1000"),
    ("+ 500.000", "500000"),
    ("\u22121.000", "-1000"),  # the typographic minus sign
    ("1\xa0234\xa0567", "1234567"),  # non-breaking spaces between thousands
    ("1 234,5", "1234.5"),
    (" 12 ", "12"),
    ("007", "7"),
    ("9.999.999.999.999,99", "9999999999999.99"),
    ("-9999999999999,99", "-9999999999999.99"),
)

DANSK_AFVIST = (
    "1.50",  # a decimal point, or a thousands dot with a digit missing?
    "12.34.567",  # broken thousands groups
    "1.2345",
    "1.000.",
    ".500",
    "1,234",  # three decimals
    "1,2,3",
    "1,234.56",  # English notation
    "5,",
    ",5",
    "",
    " ",
    "abc",
    "--5",
    "+-5",
    "++5",
    "5-",
    "1e5",
    "1_000",
    "0x10",
    "NaN",
    "Infinity",
    "\u0661\u0662\u0663",  # Arabic-Indic digits
    "\uff11\uff12",  # full-width digits
    "²",
)


class RulesTests(SimpleTestCase):
    """The rules table, against the kernel alone."""

    def test_it_accepts_danish_notation(self):
        for text, value in DANSK_GODKENDT:
            with self.subTest(text=text):
                self.assertEqual(parse_dansk(text), Decimal(value))

    def test_it_refuses_ambiguous_or_malformed_text_with_one_message(self):
        for text in DANSK_AFVIST:
            with self.subTest(text=text), self.assertRaises(UgyldigtBeloeb) as ctx:
                parse_dansk(text)
            self.assertIn(f"»{text}« er ikke et gyldigt beløb.", str(ctx.exception))
        with self.assertRaisesMessage(UgyldigtBeloeb, UGYLDIGT_1_50):
            parse_dansk("1.50")

    def test_it_refuses_amounts_the_money_field_cannot_hold(self):
        for text in ("10.000.000.000.000", "-10000000000000", "+99.999.999.999.999"):
            with self.subTest(text=text):
                with self.assertRaisesMessage(UgyldigtBeloeb, f"»{text}« er for stort et beløb."):
                    parse_dansk(text)
        self.assertEqual(MAKS_BELOEB, Decimal("1e13"))

    def test_an_amount_is_exact_to_the_oere_and_never_minus_zero(self):
        self.assertEqual(str(parse_dansk("-0")), "0.00")
        self.assertEqual(str(parse_dansk("+500.000")), "500000.00")
        self.assertEqual(str(beloeb_fra_json("-0.00")), "0.00")

    def test_numbers_that_are_not_money_read_the_same_notation(self):
        self.assertEqual(parse_dansk_tal("+1.234,5"), Decimal("1234.5"))
        self.assertEqual(parse_dansk_tal("29", decimaler=0), Decimal("29"))
        for text, decimaler in (("1,5", 0), ("1,25", 1), ("1.50", 2), ("12.34.567", 2)):
            with self.subTest(text=text), self.assertRaises(UgyldigtTal):
                parse_dansk_tal(text, decimaler=decimaler)

    def test_machine_notation_is_a_point_before_the_decimals_and_nothing_between_thousands(self):
        for text, value in (
            ("1250000.50", "1250000.50"),
            ("-31500000.00", "-31500000"),
            ("+500000", "500000"),
            ("50000", "50000"),
            ("0.75", "0.75"),
            ("1.50", "1.50"),  # here unambiguous: machine notation has no thousands separator
            ("-0", "0"),
        ):
            with self.subTest(text=text):
                self.assertEqual(parse_maskintal(text), Decimal(value))
        for text in ("500.000", "1.234.567", "1,5", "1.2.3", "1e3", "1_000", ".5", "5.", "+-1", "", "NaN",
                     "\u0661\u0662", "1 000"):
            with self.subTest(text=text), self.assertRaisesMessage(UgyldigtTal, "er ikke et tal i maskinformat"):
                parse_maskintal(text)

    def test_json_amounts_are_machine_strings_or_integers_never_floats(self):
        self.assertEqual(beloeb_fra_json("+500000"), Decimal("500000"))
        self.assertEqual(beloeb_fra_json(-1500000), Decimal("-1500000"))
        for value in (1.5, 50000.0, True, None, ["1"], {"beloeb": "1"}):
            with self.subTest(value=value), self.assertRaisesMessage(UgyldigtTal, "forventede et tal skrevet som"):
                beloeb_fra_json(value)
        for value in ("10000000000000", 10**13):
            with self.subTest(value=value), self.assertRaisesMessage(UgyldigtBeloeb, "er for stort et beløb"):
                beloeb_fra_json(value)

    def test_numbers_take_the_same_amount_rules(self):
        self.assertEqual(beloeb_fra_tal(Decimal("1234.5")), Decimal("1234.50"))
        self.assertEqual(beloeb_fra_tal(7), Decimal("7"))
        with self.assertRaisesMessage(UgyldigtBeloeb, "»1.234« har flere end to decimaler (øre)."):
            beloeb_fra_tal(Decimal("1.234"))
        for value in (Decimal("NaN"), Decimal("Infinity"), Decimal("1E+13"), Decimal("-1E+13")):
            with self.subTest(value=value), self.assertRaises(UgyldigtBeloeb):
                beloeb_fra_tal(value)
        with self.assertRaises(TypeError):
            beloeb_fra_tal(1.5)

    def test_float_noise_is_tolerated_only_for_a_converted_float(self):
        stoej = Decimal(repr(0.1 + 0.2))  # 0.30000000000000004, as _xlsx_celle converts the cell
        self.assertEqual(beloeb_fra_tal(stoej, fra_float=True), Decimal("0.30"))
        with self.assertRaises(UgyldigtBeloeb):
            beloeb_fra_tal(stoej)
        with self.assertRaises(UgyldigtBeloeb):  # a real third decimal is not noise
            beloeb_fra_tal(Decimal("0.305"), fra_float=True)
        with self.assertRaisesMessage(UgyldigtBeloeb, "for stort"):  # noise rounding up to the limit
            beloeb_fra_tal(Decimal("9999999999999.9999999"), fra_float=True)


class NumberFieldTests(SimpleTestCase):
    """TalFormField reads counts and percentages in the same notation, with its own limits and wording."""

    def test_it_reads_the_kernel_notation(self):
        self.assertEqual(TalFormField().clean("+1.234,5"), Decimal("1234.5"))
        self.assertEqual(ProcentFormField().clean("+30"), Decimal("30"))

    def test_it_refuses_what_the_kernel_refuses_in_its_own_words(self):
        from django.forms import ValidationError

        for text in ("1.50", "12.34.567", "1,234"):
            with self.subTest(text=text), self.assertRaisesMessage(ValidationError, f"»{text}« er ikke et gyldigt tal"):
                TalFormField().clean(text)


# --- Each path -------------------------------------------------------------------------------------------------------

REDIGER_RAMME = "/opfolgning/2024/2/ramme/30.46/rediger/"
REDIGER_FORSLAG = "/omstilling/2019/TMU-07/rediger/"
REDIGER_REGNSKAB = "/rammer/2018/30.46/regnskab/rediger/"

CSV = """udvalg;udvalg_kode;ramme;ramme_navn;serviceramme;oprindeligt_budget;korrektioner;forventet_forbrug
Teknik- og Havneudvalget;THU;11.10;Havn og kyst;inden;1.000.000;{korrektioner};1.500.000
"""


class FormPathTests(DemoTestCase):
    """The forms, posted as a browser posts them."""

    def setUp(self):
        self.client.force_login(self.okonomi)

    def _ramme_linje(self):
        return Opfoelgningslinje.objects.get(
            opfoelgning__nummer=2, rammedel__ramme__nummer="30.46", rammedel__placering="inden"
        )

    def test_the_ramme_edit_form_takes_a_plus(self):
        data = formular(self.client.get(REDIGER_RAMME).content.decode())
        data["inden_korrektioner"] = "+500.000"
        self.assertEqual(self.client.post(REDIGER_RAMME, data).status_code, 302)
        self.assertEqual(self._ramme_linje().korrektioner, Decimal("500000"))

    def test_the_ramme_edit_form_refuses_1_50(self):
        data = formular(self.client.get(REDIGER_RAMME).content.decode())
        data["inden_korrektioner"] = "1.50"
        self.assertContains(self.client.post(REDIGER_RAMME, data), UGYLDIGT_1_50, status_code=400)
        self.assertEqual(self._ramme_linje().version, 1)

    def _forslagsaar(self):
        return Forslagsaar.objects.get(forslag__nr="TMU-07", aar=2020)

    def test_the_proposal_form_takes_a_plus(self):
        data = formular(self.client.get(REDIGER_FORSLAG).content.decode())
        data["aar2020-driftsbesparelse"] = "+500.000"
        self.assertEqual(self.client.post(REDIGER_FORSLAG, data).status_code, 302)
        self.assertEqual(self._forslagsaar().driftsbesparelse, Decimal("500000"))

    def test_the_proposal_form_refuses_1_50(self):
        foer = self._forslagsaar().driftsbesparelse
        data = formular(self.client.get(REDIGER_FORSLAG).content.decode())
        data["aar2020-driftsbesparelse"] = "1.50"
        self.assertContains(self.client.post(REDIGER_FORSLAG, data), UGYLDIGT_1_50)
        self.assertEqual(self._forslagsaar().driftsbesparelse, foer)

    def _loensum(self):
        return Regnskabslinje.objects.get(
            aarsregnskab__ramme__aar__aar=2018, aktivitet__navn__startswith="Lønsum"
        )

    def test_the_regnskab_form_takes_a_plus(self):
        data = formular(self.client.get(REDIGER_REGNSKAB).content.decode())
        data[f"a{self._loensum().aktivitet_id}_overfoert"] = "+500.000"
        self.assertEqual(self.client.post(REDIGER_REGNSKAB, data).status_code, 302)
        self.assertEqual(self._loensum().overfoert, Decimal("500000"))

    def test_the_regnskab_form_refuses_1_50(self):
        foer = self._loensum().overfoert
        data = formular(self.client.get(REDIGER_REGNSKAB).content.decode())
        data[f"a{self._loensum().aktivitet_id}_overfoert"] = "1.50"
        self.assertContains(self.client.post(REDIGER_REGNSKAB, data), UGYLDIGT_1_50, status_code=400)
        self.assertEqual(self._loensum().overfoert, foer)


class ImportPathTests(BaseTestCase):
    def test_the_budget_import_takes_a_plus(self):
        importer_budget(data=CSV.format(korrektioner="+500.000").encode(), filnavn="budget.csv", aar=2031, nummer=1,
                        pr_dato=date(2031, 3, 31))
        linje = Opfoelgningslinje.objects.get(opfoelgning__aar__aar=2031, rammedel__ramme__nummer="11.10")
        self.assertEqual(linje.korrektioner, Decimal("500000"))

    def test_the_budget_import_refuses_1_50_and_names_line_and_column(self):
        with self.assertRaises(ImportFejl) as ctx:
            importer_budget(data=CSV.format(korrektioner="1.50").encode(), filnavn="budget.csv", aar=2031, nummer=1,
                        pr_dato=date(2031, 3, 31))
        self.assertEqual(ctx.exception.fejl, [f"Linje 2, kolonne »korrektioner«: {UGYLDIGT_1_50}"])
        self.assertFalse(Opfoelgningslinje.objects.filter(opfoelgning__aar__aar=2031).exists())


class LoaderPathTests(BaseTestCase):
    """The JSON loaders read machine notation, as the fixtures are written ("57860800.00", "0.75", "50000")."""

    def _katalog(self, beloeb):
        data = json.loads((FIXTURES / "omstilling_2019.json").read_text(encoding="utf-8"))
        data["forslag"][0]["aar"]["2019"]["driftsbesparelse"] = beloeb
        return omstilling_services.indlaes_katalog(data=data, kilde="test.json", opdater=True)

    def _regnskab(self, beloeb):
        data = json.loads((FIXTURES / "regnskab_2018_30_46.json").read_text(encoding="utf-8"))
        data["aktiviteter"][0]["overfoert"] = beloeb
        return rammer_services.indlaes_regnskab(data=data, overskriv=True)

    def _overfoert(self):
        return Regnskabslinje.objects.get(aarsregnskab__ramme__aar__aar=2018, aktivitet__sortering=1).overfoert

    def test_the_catalogue_loader_takes_a_plus(self):
        self._katalog("+500000")
        nr = json.loads((FIXTURES / "omstilling_2019.json").read_text(encoding="utf-8"))["forslag"][0]["nr"]
        self.assertEqual(Forslagsaar.objects.get(forslag__nr=nr, aar=2019).driftsbesparelse, Decimal("500000"))

    def test_the_ramme_loader_takes_a_plus(self):
        self._regnskab("+500000.00")
        self.assertEqual(self._overfoert(), Decimal("500000"))

    def test_the_loaders_refuse_danish_thousands_dots_rather_than_read_500_000_as_500(self):
        with self.assertRaises(omstilling_services.Katalogfejl) as ctx:
            self._katalog("+500.000")
        self.assertIn("driftsbesparelse: »+500.000« er ikke et tal i maskinformat", ctx.exception.fejl[0])
        with self.assertRaisesMessage(
            rammer_services.Rammedatafejl, "aktiviteter[1].overfoert: »+500.000« er ikke et tal i maskinformat"
        ):
            self._regnskab("+500.000")

    def test_in_the_loaders_1_50_is_one_krone_fifty_as_the_fixtures_write_it(self):
        # Machine notation has no thousands separator, so "1.50" cannot mean 150; the fixtures hold "0.75" and "1.25".
        self._regnskab("1.50")
        self.assertEqual(self._overfoert(), Decimal("1.50"))

    def test_the_loaders_refuse_floats_and_extra_decimals_alike(self):
        for beloeb, besked in (
            (1.5, "forventede et tal skrevet som tekst"),
            ("1.505", "er ikke et tal i maskinformat"),
        ):
            with self.subTest(beloeb=beloeb):
                with self.assertRaises(omstilling_services.Katalogfejl) as ctx:
                    self._katalog(beloeb)
                self.assertIn(besked, ctx.exception.fejl[0])
                with self.assertRaisesMessage(rammer_services.Rammedatafejl, besked):
                    self._regnskab(beloeb)
