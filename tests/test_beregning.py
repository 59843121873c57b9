"""The follow-up arithmetic and the display rounding, on hand-made cases."""

from decimal import Decimal

from django.test import SimpleTestCase

from budgetopfolgning.selectors import Tal
from kerne.beloeb import UgyldigtBeloeb, dansk_tal, mio_kr, parse_dansk, rund, tusind_kr


class TalTests(SimpleTestCase):
    def test_it_computes_forslag_and_afvigelse(self):
        tal = Tal(
            oprindeligt=Decimal("1000000.00"),
            tidligere=Decimal("-2500.50"),
            korrektioner=Decimal("100.25"),
            forventet=Decimal("990000"),
        )
        self.assertEqual(tal.korrigeret_foer, Decimal("997499.50"))
        self.assertEqual(tal.forslag, Decimal("997599.75"))
        self.assertEqual(tal.afvigelse, Decimal("-7599.75"))  # − = mindreforbrug

    def test_sums_are_exact_before_rounding(self):
        # Printed, each of these rounds to 1 (1.000 kr.); summed exactly they give 1.500 kr. → 2.
        parts = [Tal(oprindeligt=Decimal("500.00")) for _ in range(3)]
        total = parts[0] + parts[1] + parts[2]
        self.assertEqual([tusind_kr(p.oprindeligt) for p in parts], ["1", "1", "1"])
        self.assertEqual(tusind_kr(total.oprindeligt), "2")

    def test_udvikling_is_none_without_a_previous_round(self):
        self.assertIsNone(Tal(forventet=Decimal("5")).udvikling)
        self.assertEqual(Tal(forventet=Decimal("5"), forventet_forrige=Decimal("2")).udvikling, Decimal("3"))


class RoundingTests(SimpleTestCase):
    def test_ties_round_half_away_from_zero(self):
        self.assertEqual(tusind_kr(Decimal("2500")), "3")
        self.assertEqual(tusind_kr(Decimal("-2500")), "−3")
        self.assertEqual(tusind_kr(Decimal("1500")), "2")
        self.assertEqual(tusind_kr(Decimal("-1500")), "−2")
        self.assertEqual(tusind_kr(Decimal("2499.99")), "2")
        self.assertEqual(mio_kr(Decimal("45250000")), "45,3")
        self.assertEqual(mio_kr(Decimal("-45250000")), "−45,3")
        self.assertEqual(mio_kr(Decimal("-6725000"), 2), "−6,73")

    def test_it_never_shows_minus_zero(self):
        self.assertEqual(tusind_kr(Decimal("-499.99")), "0")
        self.assertEqual(mio_kr(Decimal("-40000")), "0,0")
        self.assertEqual(str(rund(Decimal("-0.4"))), "0")

    def test_it_groups_thousands_with_dots(self):
        self.assertEqual(tusind_kr(Decimal("3292768400")), "3.292.768")
        self.assertEqual(tusind_kr(Decimal("-1554100")), "−1.554")
        self.assertEqual(mio_kr(Decimal("3292768400")), "3.292,8")
        self.assertEqual(dansk_tal(Decimal("1234567.891"), 2), "1.234.567,89")


class ParseTests(SimpleTestCase):
    def test_it_accepts_danish_notation(self):
        for text, value in (
            ("1.234.567,89", "1234567.89"),
            ("1234567,89", "1234567.89"),
            ("-1.000", "-1000"),
            ("-28.360.400,50", "-28360400.50"),
            ("1234,5", "1234.5"),
            ("0", "0"),
            ("-0", "0"),
            (" 12 ", "12"),
        ):
            self.assertEqual(parse_dansk(text), Decimal(value), text)

    def test_it_refuses_ambiguous_or_malformed_input(self):
        for text in ("1.50", "12.34.567", "1,234.56", "1.2345", "abc", "", "1,234", "--5", "1e5", "12,3,4"):
            with self.assertRaises(UgyldigtBeloeb, msg=text):
                parse_dansk(text)


class MinusTests(SimpleTestCase):
    def test_shown_figures_use_the_minus_sign_and_edit_fields_the_hyphen(self):
        self.assertEqual(tusind_kr(Decimal("-1554100")), "\u22121.554")
        self.assertEqual(dansk_tal(Decimal("-1554100"), minus="-"), "-1.554.100")
        from kerne.beloeb import parse_dansk, redigerbart

        self.assertEqual(redigerbart(Decimal("-1500000")), "-1.500.000")
        # What the page shows can be typed back.
        self.assertEqual(parse_dansk(dansk_tal(Decimal("-1500000"))), Decimal("-1500000"))
