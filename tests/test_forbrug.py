"""Forbrug from the ERP: the kontoplan and forbrug imports, the periodisering methods and the four formulas."""

import io
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import TestCase

from forbrug import selectors
from forbrug.models import Aarsperiodisering, Forbrug, Konto, Periodiseringsvalg, Rammeperiodisering
from forbrug.services import importer_forbrug, importer_kontoplan
from kerne.indlaesning import ImportFejl
from rammer.models import Aktivitet, Bevillingsramme, Budgetaar, Rammedel, Udvalg

D = Decimal


def aar_med_rammer(aar: int) -> Budgetaar:
    budgetaar = Budgetaar.objects.create(aar=aar)
    udvalg = Udvalg.objects.create(aar=budgetaar, navn="Børne- og Skoleudvalget", kode="BSU")
    for nummer, navn in (("30.46", "Anbringelser"), ("30.50", "Skoler")):
        ramme = Bevillingsramme.objects.create(aar=budgetaar, udvalg=udvalg, nummer=nummer, navn=navn)
        Rammedel.objects.create(ramme=ramme, placering=Rammedel.INDEN, oprindeligt_budget=D("1200000"))
        Rammedel.objects.create(ramme=ramme, placering=Rammedel.UDEN, oprindeligt_budget=D("600000"))
    Aktivitet.objects.create(ramme=Bevillingsramme.objects.get(aar=budgetaar, nummer="30.46"), navn="Forebyggende")
    return budgetaar


KONTOPLAN = (
    "konto;ramme;placering;aktivitet\n"
    "5.28.21.1.002;30.46;inden;Forebyggende\n"
    "652820101;30.46;uden;\n"
    "5.22.01.1.001;30.50;inden;\n"
)


def fejl(funktion, **kwargs) -> list[str]:
    try:
        funktion(**kwargs)
    except ImportFejl as exc:
        return exc.fejl
    raise AssertionError("The file was not refused")


def forbrugslinjer() -> list[tuple[str, int, Decimal]]:
    """The forbrug stored, as the lines of a file: (konto, month, amount) for each month imported on each konto."""
    return sorted((f.konto, m, b) for f in Forbrug.objects.all() for m, b in f.maanedsbeloeb().items())


def rammedel(aar: int, nummer: str, placering: str) -> Rammedel:
    return Rammedel.objects.select_related("ramme").get(ramme__aar__aar=aar, ramme__nummer=nummer, placering=placering)


class KontoplanImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        aar_med_rammer(2024)

    def test_it_maps_konti_to_ramme_parts_and_activities(self):
        resultat = importer_kontoplan(data=KONTOPLAN.encode(), filnavn="kontoplan.csv", aar=2024)
        self.assertEqual((resultat.oprettet, resultat.opdateret), (3, 0))
        konto = Konto.objects.get(konto="5.28.21.1.002")
        self.assertEqual(konto.rammedel, rammedel(2024, "30.46", "inden"))
        self.assertEqual(konto.aktivitet.navn, "Forebyggende")
        self.assertEqual(Konto.objects.get(konto="652820101").rammedel, rammedel(2024, "30.46", "uden"))
        # Again with one konto moved: updated, not doubled.
        ny = KONTOPLAN.replace("652820101;30.46;uden", "652820101;30.50;uden")
        resultat = importer_kontoplan(data=ny.encode(), filnavn="kontoplan.csv", aar=2024)
        self.assertEqual((resultat.oprettet, resultat.opdateret), (0, 1))
        self.assertEqual(Konto.objects.count(), 3)
        self.assertEqual(Konto.objects.get(konto="652820101").rammedel, rammedel(2024, "30.50", "uden"))

    def test_it_refuses_a_ramme_that_does_not_exist_that_year_and_changes_nothing(self):
        data = KONTOPLAN + "5.32.01.1.001;40.10;inden;\n" + "5.32.01.1.002;30.50;uden;Ukendt\n"
        self.assertEqual(
            fejl(importer_kontoplan, data=data.encode(), filnavn="k.csv", aar=2024),
            [
                "Linje 5, kolonne »ramme«: Ramme 40.10 (inden for servicerammen) findes ikke i 2024.",
                "Linje 6, kolonne »aktivitet«: Ramme 30.50 har ingen aktivitet ved navn »Ukendt«.",
            ],
        )
        self.assertFalse(Konto.objects.exists())

    def test_it_names_line_and_column_of_bad_lines(self):
        data = "konto;ramme;placering\n;30.46;inden\n1;3046;inden\n2;30.46;midt\n2;30.46;uden\n"
        self.assertEqual(
            fejl(importer_kontoplan, data=data.encode(), filnavn="k.csv", aar=2024),
            [
                "Linje 2, kolonne »konto«: Kontoen mangler.",
                "Linje 3, kolonne »ramme«: »3046« er ikke et rammenummer af formen NN.NN, fx 30.46.",
                "Linje 4, kolonne »placering«: »midt« er hverken »inden« eller »uden«.",
                "Linje 5, kolonne »konto«: Kontoen »2« står også i linje 4.",
            ],
        )
        self.assertEqual(
            fejl(importer_kontoplan, data=b"konto;ramme\n1;30.46\n", filnavn="k.csv", aar=2024),
            ["Linje 1, kolonne »placering«: Kolonnen mangler i overskriftslinjen. Forventet: konto;ramme;placering"],
        )
        self.assertEqual(
            fejl(importer_kontoplan, data=KONTOPLAN.encode(), filnavn="k.csv", aar=2030),
            ["Budgetåret 2030 findes ikke. Importér først årets budget."],
        )

    def test_it_reads_a_workbook_with_numeric_konti(self):
        from openpyxl import Workbook

        wb = Workbook()
        ark = wb.active
        ark.append(["konto", "ramme", "placering"])
        ark.append([652820101, "30.46", "uden"])
        ark.append([652820102, 30.5, "inden"])
        data = io.BytesIO()
        wb.save(data)
        importer_kontoplan(data=data.getvalue(), filnavn="kontoplan.xlsx", aar=2024)
        self.assertEqual(Konto.objects.get(konto="652820102").rammedel, rammedel(2024, "30.50", "inden"))

    def test_the_command_imports_and_reports_errors(self):
        sti = self._fil(KONTOPLAN)
        ud = io.StringIO()
        call_command("importer_kontoplan", sti, "--aar", "2024", stdout=ud)
        self.assertIn("3 konti oprettet", ud.getvalue())
        fejlud = io.StringIO()
        with self.assertRaisesMessage(CommandError, "blev ikke importeret (1 fejl); intet er ændret."):
            call_command("importer_kontoplan", self._fil("konto;ramme;placering\n9;99.99;inden\n"), "--aar", "2024",
                         stderr=fejlud)
        self.assertIn("Linje 2, kolonne »ramme«: Ramme 99.99", fejlud.getvalue())

    def _fil(self, tekst: str) -> str:
        import tempfile

        f = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8")
        f.write(tekst)
        f.close()
        self.addCleanup(lambda: __import__("os").unlink(f.name))
        return f.name


def forbrugsfil(linjer: list[tuple[str, int, str]]) -> bytes:
    return ("konto;maaned;beloeb\n" + "".join(f"{k};{m};{b}\n" for k, m, b in linjer)).encode()


class ForbrugImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.aar = aar_med_rammer(2024)
        importer_kontoplan(data=KONTOPLAN.encode(), filnavn="kontoplan.csv", aar=2024)

    def _til_dato(self, maaned: int) -> dict[str, Decimal]:
        navne = {d.pk: f"{d.ramme.nummer} {d.placering}" for d in Rammedel.objects.select_related("ramme")}
        return {navne[k]: v for k, v in selectors.forbrug_til_dato(self.aar, maaned).items()}

    def test_a_month_imported_again_replaces_it_and_other_months_stay(self):
        jan_feb = forbrugsfil([("5.28.21.1.002", 1, "100.000,50"), ("5.28.21.1.002", 2, "50.000"),
                               ("652820101", 1, "-1.000,25")])
        importer_forbrug(data=jan_feb, filnavn="f.csv", aar=2024)
        self.assertEqual(self._til_dato(2), {"30.46 inden": D("150000.50"), "30.46 uden": D("-1000.25")})
        # February again, corrected: replaces February, January stays, nothing doubles.
        feb = forbrugsfil([("5.28.21.1.002", 2, "60.000"), ("5.22.01.1.001", 2, "7,10")])
        resultat = importer_forbrug(data=feb, filnavn="f.csv", aar=2024)
        self.assertEqual((resultat.maaneder, resultat.linjer), ([2], 2))
        self.assertEqual(
            self._til_dato(2),
            {"30.46 inden": D("160000.50"), "30.46 uden": D("-1000.25"), "30.50 inden": D("7.10")},
        )
        self.assertEqual(self._til_dato(1), {"30.46 inden": D("100000.50"), "30.46 uden": D("-1000.25")})
        importer_forbrug(data=feb, filnavn="f.csv", aar=2024)
        self.assertEqual(
            forbrugslinjer(),
            [("5.22.01.1.001", 2, D("7.10")), ("5.28.21.1.002", 1, D("100000.50")), ("5.28.21.1.002", 2, D("60000")),
             ("652820101", 1, D("-1000.25"))],
        )
        self.assertEqual(self._til_dato(12)["30.46 inden"], D("160000.50"))

    def test_an_unmapped_konto_refuses_the_file_with_its_lines_and_total(self):
        data = forbrugsfil([("5.28.21.1.002", 1, "10"), ("9.99", 1, "1.000,50"), ("9.99", 2, "-0,25"),
                            ("8.88", 3, "5")])
        self.assertEqual(
            fejl(importer_forbrug, data=data, filnavn="f.csv", aar=2024),
            [
                "Linje 3, kolonne »konto«: Kontoen »9.99« findes ikke i kontoplanen for 2024 (linjerne 3 og 4, i alt "
                "1.000,25 kr.).",
                "Linje 5, kolonne »konto«: Kontoen »8.88« findes ikke i kontoplanen for 2024 (linje 5, i alt "
                "5,00 kr.).",
                "Tilføj konti til kontoplanen, eller vælg at udelade ukendte konti; deres forbrug vises da som "
                "»Ikke fordelt forbrug«.",
            ],
        )
        self.assertFalse(Forbrug.objects.exists())

    def test_left_out_konti_are_kept_as_ikke_fordelt_and_become_fordelt_once_mapped(self):
        data = forbrugsfil([("5.28.21.1.002", 1, "10"), ("9.99", 1, "1.000,50"), ("9.99", 2, "-0,25")])
        resultat = importer_forbrug(data=data, filnavn="f.csv", aar=2024, udelad_ukendte=True)
        self.assertEqual((resultat.ikke_fordelt, resultat.udeladte_konti), (D("1000.25"), 1))
        self.assertEqual(selectors.ikke_fordelt(self.aar, 1), D("1000.50"))
        self.assertEqual(selectors.ikke_fordelt(self.aar), D("1000.25"))
        self.assertEqual(self._til_dato(12), {"30.46 inden": D("10")})
        importer_kontoplan(data=b"konto;ramme;placering\n9.99;30.50;uden\n", filnavn="k.csv", aar=2024)
        self.assertEqual(selectors.ikke_fordelt(self.aar), D("0"))
        self.assertEqual(self._til_dato(12), {"30.46 inden": D("10"), "30.50 uden": D("1000.25")})

    def test_bad_lines_are_refused_with_line_and_column_and_change_nothing(self):
        importer_forbrug(data=forbrugsfil([("652820101", 5, "42")]), filnavn="f.csv", aar=2024)
        data = forbrugsfil([
            ("5.28.21.1.002", 0, "1"),
            ("5.28.21.1.002", 13, "1"),
            ("5.28.21.1.002", 4, "12a"),
            ("5.28.21.1.002", 5, "1,005"),
            ("652820101", 5, "2"),
            ("652820101", 5, "3"),
            ("", 6, "1"),
        ])
        self.assertEqual(
            fejl(importer_forbrug, data=data, filnavn="f.csv", aar=2024),
            [
                "Linje 2, kolonne »maaned«: »0« er ikke en måned. Skriv månedens nummer, 1 til 12.",
                "Linje 3, kolonne »maaned«: »13« er ikke en måned. Skriv månedens nummer, 1 til 12.",
                "Linje 4, kolonne »beloeb«: »12a« er ikke et gyldigt beløb. Skriv kroner med komma før øre og "
                "eventuelt punktum mellem tusinder, fx 1.234.567,89 eller -1000.",
                "Linje 5, kolonne »beloeb«: »1,005« er ikke et gyldigt beløb. Skriv kroner med komma før øre og "
                "eventuelt punktum mellem tusinder, fx 1.234.567,89 eller -1000.",
                "Linje 7, kolonne »maaned«: Konto »652820101« har måned 5 også i linje 6.",
                "Linje 8, kolonne »konto«: Kontoen mangler.",
            ],
        )
        self.assertEqual(forbrugslinjer(), [("652820101", 5, D("42"))])

    def test_a_100000_line_file_with_one_bad_line_at_the_end_changes_nothing(self):
        importer_forbrug(data=forbrugsfil([("652820101", 1, "42")]), filnavn="f.csv", aar=2024)
        konti = [f"K{n:05d}" for n in range(8334)]
        Konto.objects.bulk_create(
            Konto(aar=self.aar, konto=k, rammedel=rammedel(2024, "30.50", "uden")) for k in konti
        )
        linjer = "".join(f"{k};{m};1.234,56\n" for m in range(1, 13) for k in konti)[: -1]
        data = ("konto;maaned;beloeb\n" + linjer + "\nK00000;12;1.234,567\n").encode()
        antal = data.count(b"\n")
        self.assertEqual(antal, 100_010)
        self.assertEqual(
            fejl(importer_forbrug, data=data, filnavn="f.csv", aar=2024),
            [
                f"Linje {antal}, kolonne »beloeb«: »1.234,567« er ikke et gyldigt beløb. Skriv kroner med komma før "
                "øre og eventuelt punktum mellem tusinder, fx 1.234.567,89 eller -1000.",
                f"Linje {antal}, kolonne »maaned«: Konto »K00000« har måned 12 også i linje {antal - 8334}.",
            ],
        )
        self.assertEqual(forbrugslinjer(), [("652820101", 1, D("42"))])
        # Without the bad line it goes in, and replaces January.
        importer_forbrug(data=data[: data.rindex(b"K00000;12;1.234,567")], filnavn="f.csv", aar=2024)
        self.assertEqual(len(forbrugslinjer()), 100_008)
        self.assertEqual(Forbrug.objects.count(), 8_334)  # a row per konto: 652820101 lost January, the file's month
        self.assertEqual(selectors.forbrug_til_dato(self.aar, 12), {
            rammedel(2024, "30.50", "uden").pk: D("1234.56") * 100_008
        })

    def test_it_reads_a_workbook_with_numbers_as_numbers(self):
        from openpyxl import Workbook

        wb = Workbook()
        ark = wb.active
        ark.append(["konto", "maaned", "beloeb"])
        ark.append([652820101, 3, 1000500.5])
        ark.append(["5.28.21.1.002", 3.0, 0.1 + 0.2])
        ark.append(["5.28.21.1.002", 4, 1.005])
        data = io.BytesIO()
        wb.save(data)
        self.assertEqual(
            fejl(importer_forbrug, data=data.getvalue(), filnavn="forbrug.xlsx", aar=2024),
            ["Linje 4, kolonne »beloeb«: »1.005« har flere end to decimaler (øre)."],
        )
        ark.delete_rows(4)
        data = io.BytesIO()
        wb.save(data)
        importer_forbrug(data=data.getvalue(), filnavn="forbrug.xlsx", aar=2024)
        self.assertEqual(self._til_dato(3), {"30.46 uden": D("1000500.50"), "30.46 inden": D("0.30")})

    def test_the_command_leaves_unknown_konti_out_only_when_asked(self):
        import tempfile

        with tempfile.NamedTemporaryFile("wb", suffix=".csv") as f:
            f.write(forbrugsfil([("5.28.21.1.002", 1, "10"), ("9.99", 1, "1.000,50")]))
            f.flush()
            with self.assertRaises(CommandError):
                call_command("importer_forbrug", f.name, "--aar", "2024", stderr=io.StringIO())
            self.assertFalse(Forbrug.objects.exists())
            ud = io.StringIO()
            call_command("importer_forbrug", f.name, "--aar", "2024", "--udelad-ukendte", stdout=ud)
        self.assertIn("1 konti findes ikke i kontoplanen; deres forbrug på 1.000,50 kr. er ikke fordelt.",
                      ud.getvalue())
        self.assertEqual(forbrugslinjer(), [("5.28.21.1.002", 1, D("10")), ("9.99", 1, D("1000.50"))])


def saet_forbrug(aar: Budgetaar, del_: Rammedel, beloeb: list[str]) -> None:
    """Monthly forbrug for one ramme part through one konto of its own."""
    konto = Konto.objects.create(aar=aar, konto=f"{del_.ramme.nummer}-{del_.placering}", rammedel=del_)
    Forbrug.objects.create(
        aar=aar, konto=konto.konto, kontoplan=konto, **{f"maaned_{m}": D(b) for m, b in enumerate(beloeb, 1)}
    )


class PeriodiseringTests(TestCase):
    """Every method's cumulative shares, and the default rule, with exact fractions."""

    @classmethod
    def setUpTestData(cls):
        for aar in (2021, 2022, 2023, 2024):
            aar_med_rammer(aar)
        cls.aar = Budgetaar.objects.get(aar=2024)
        # 30.46 inden: 2023 spends 1.000: 100 a month to June, 50 a month July-October, 100 in each of the last two.
        saet_forbrug(Budgetaar.objects.get(aar=2023), rammedel(2023, "30.46", "inden"),
                     ["100", "100", "100", "100", "100", "100", "50", "50", "50", "50", "100", "100"])
        # 2022: even; 2021: everything in December. 2022 and 2021 for 30.46 inden.
        saet_forbrug(Budgetaar.objects.get(aar=2022), rammedel(2022, "30.46", "inden"), ["10"] * 12)
        saet_forbrug(Budgetaar.objects.get(aar=2021), rammedel(2021, "30.46", "inden"), ["0"] * 11 + ["500"])
        # 30.46 uden in 2023: only 11 months; 30.50 inden in 2023: 12 months but a negative total.
        saet_forbrug(Budgetaar.objects.get(aar=2023), rammedel(2023, "30.46", "uden"), ["10"] * 11)
        saet_forbrug(Budgetaar.objects.get(aar=2023), rammedel(2023, "30.50", "inden"), ["-10"] * 12)

    def _profil(self, nummer: str, placering: str) -> selectors.Profil:
        del_ = rammedel(2024, nummer, placering)
        return selectors.profiler(self.aar, [del_])[del_.pk]

    def test_the_default_is_last_year_when_it_has_12_months_and_a_positive_total(self):
        profil = self._profil("30.46", "inden")
        self.assertEqual(profil.metode, Periodiseringsvalg.SIDSTE_AAR)
        # 2023 total 1.000: 100 a month through June, so andel(4) = 400/1000, andel(8) = 700/1000.
        self.assertEqual(profil.andel(4), Fraction(2, 5))
        self.assertEqual(profil.andel(8), Fraction(7, 10))
        self.assertEqual(profil.andel(12), Fraction(1))

    def test_the_default_is_ligelig_when_last_year_lacks_a_month_or_is_not_positive(self):
        for nummer, placering in (("30.46", "uden"), ("30.50", "inden"), ("30.50", "uden")):
            profil = self._profil(nummer, placering)
            self.assertEqual(profil.metode, Periodiseringsvalg.LIGELIG)
            self.assertEqual(profil.andel(3), Fraction(1, 4))

    def test_ligelig_is_a_twelfth_a_month(self):
        Rammeperiodisering.objects.create(rammedel=rammedel(2024, "30.46", "inden"), metode="ligelig")
        profil = self._profil("30.46", "inden")
        self.assertEqual(profil.metode, "ligelig")
        self.assertEqual([profil.andel(m) for m in (1, 6, 12)], [Fraction(1, 12), Fraction(1, 2), Fraction(1)])

    def test_gennemsnit_averages_the_previous_years_with_12_months(self):
        Aarsperiodisering.objects.create(aar=self.aar, metode="gennemsnit")
        profil = self._profil("30.46", "inden")
        self.assertEqual(profil.metode, "gennemsnit")
        # andel(4): 2023 0,4; 2022 4/12; 2021 0  → (2/5 + 1/3 + 0) / 3 = 11/45.
        self.assertEqual(profil.andel(4), Fraction(11, 45))
        self.assertEqual(profil.andel(12), Fraction(1))
        # 30.46 uden: no earlier year with 12 months → ligelig, said so.
        profil = self._profil("30.46", "uden")
        self.assertEqual(profil.metode, "ligelig")
        self.assertIn("gennemsnit", profil.forklaring)

    def test_the_year_choice_sidste_aar_falls_back_to_ligelig_without_12_months(self):
        Aarsperiodisering.objects.create(aar=self.aar, metode="sidste_aar")
        self.assertEqual(self._profil("30.46", "inden").andel(6), Fraction(3, 5))
        self.assertEqual(self._profil("30.46", "uden").metode, "ligelig")

    def test_manuel_uses_the_percentages_and_a_part_overrides_the_year(self):
        Aarsperiodisering.objects.create(aar=self.aar, metode="ligelig")
        Rammeperiodisering.objects.create(
            rammedel=rammedel(2024, "30.50", "uden"), metode="manuel",
            procenter="5;5;5;5;10;10;10;10;10;10;10,5;9,5",
        )
        profil = self._profil("30.50", "uden")
        self.assertEqual(profil.metode, "manuel")
        self.assertEqual(profil.andel(4), Fraction(1, 5))
        self.assertEqual(profil.andel(11), Fraction(905, 1000))
        self.assertEqual(self._profil("30.46", "inden").metode, "ligelig")

    def test_manual_percentages_must_be_12_numbers_summing_to_100(self):
        valg = Rammeperiodisering(rammedel=rammedel(2024, "30.50", "uden"), metode="manuel")
        for procenter, besked in (
            ("10;10", "Der skal være 12 procenter adskilt af semikolon; der er 2."),
            ("8;8;8;8;8;8;8;8;8;8;8;8", "Procenterne summerer til 96, ikke 100."),
            ("8;8;8;8;8;8;8;8;8;8;8;x", "Måned 12: »x« er ikke et gyldigt tal."),
            ("-8;8;8;8;8;8;8;8;8;8;8;28", "Måned 1: en procent kan ikke være negativ."),
        ):
            valg.procenter = procenter
            with self.assertRaises(ValidationError) as cm:
                valg.full_clean()
            self.assertIn(besked, cm.exception.message_dict["procenter"][0])

    def test_profiles_take_a_fixed_number_of_queries(self):
        dele = list(Rammedel.objects.filter(ramme__aar=self.aar).select_related("ramme"))
        with self.assertNumQueries(3):
            selectors.profiler(self.aar, dele)


class FormelTests(TestCase):
    """The four figures with exact expected Decimals."""

    def test_the_four_figures(self):
        tal = selectors.forbrugstal(
            korrigeret=D("1200000"), forventet=D("1250000"), forbrug_til_dato=D("450000"), andel=Fraction(1, 3)
        )
        self.assertEqual(tal.periodiseret, D("400000"))
        self.assertEqual(tal.bagudrettet, D("50000"))
        self.assertEqual(tal.prognose, D("1350000"))
        # (1.250.000 − 450.000) − (1.200.000 − 400.000) = 0
        self.assertEqual(tal.fremadrettet, D("0"))
        tal = selectors.forbrugstal(
            korrigeret=D("1000000.10"), forventet=D("900000"), forbrug_til_dato=D("123456.78"), andel=Fraction(2, 5)
        )
        self.assertEqual(tal.periodiseret, D("400000.04"))
        self.assertEqual(tal.bagudrettet, D("-276543.26"))
        self.assertEqual(tal.prognose, D("308641.95"))
        self.assertEqual(tal.fremadrettet, D("176543.16"))

    def test_no_prognose_where_the_share_is_not_positive(self):
        tal = selectors.forbrugstal(korrigeret=D("100"), forventet=D("100"), forbrug_til_dato=D("5"), andel=Fraction(0))
        self.assertIsNone(tal.prognose)
        self.assertEqual(tal.periodiseret, D("0"))
        self.assertIsNone((tal + selectors.INGEN).prognose)

    def test_a_sum_is_the_sum_of_exact_parts(self):
        a = selectors.forbrugstal(korrigeret=D("0.01"), forventet=D("0"), forbrug_til_dato=D("0"), andel=Fraction(1, 2))
        total = selectors.summer([a, a, a])
        self.assertEqual(total.periodiseret, D("0.015"))
        self.assertEqual(total.korrigeret, D("0.03"))

    def test_wape(self):
        self.assertEqual(selectors.wape([(D("110"), D("100")), (D("80"), D("100"))]), D("15"))
        self.assertEqual(selectors.wape([(D("1"), D("-3")), (D("2"), D("0"))]), D("200"))
        self.assertIsNone(selectors.wape([(D("1"), D("0"))]))


class KontoplanAdminTests(TestCase):
    """Center for Økonomi edits the kontoplan and the periodisering in the admin; a konsulent does not."""

    @classmethod
    def setUpTestData(cls):
        from django.contrib.auth.models import Group, User

        from kerne import roller

        call_command("opsaet_roller", stdout=io.StringIO())
        aar_med_rammer(2024)
        cls.okonomi = User.objects.create_user("okonomi", password="demo", is_staff=True)
        cls.okonomi.groups.add(Group.objects.get(name=roller.OKONOMI))
        cls.konsulent = User.objects.create_user("konsulent", password="demo", is_staff=True)
        cls.konsulent.groups.add(Group.objects.get(name=roller.KONSULENT))

    def test_center_for_oekonomi_maps_a_konto_and_sets_a_manual_periodisering(self):
        self.client.force_login(self.okonomi)
        del_ = rammedel(2024, "30.50", "uden")
        response = self.client.post(
            "/admin/forbrug/konto/add/", {"aar": del_.ramme.aar.pk, "konto": "5.22.01.2.001", "rammedel": del_.pk}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Konto.objects.get().rammedel, del_)
        response = self.client.post(
            "/admin/forbrug/rammeperiodisering/add/",
            {"rammedel": del_.pk, "metode": "manuel", "procenter": "8;8;8;8;8;8;8;8;8;8;8;8"},
        )
        self.assertContains(response, "Procenterne summerer til 96, ikke 100.")
        self.assertFalse(Rammeperiodisering.objects.exists())
        self.assertEqual(self.client.get("/admin/forbrug/forbrug/add/").status_code, 403)

    def test_a_konsulent_has_no_access(self):
        self.client.force_login(self.konsulent)
        self.assertEqual(self.client.get("/admin/forbrug/konto/").status_code, 403)


class CacheVersionTests(TestCase):
    """Forbrug shows on the rounds of its year (til dato) and, through the periodisering, of the three years after:
    every change to it renews those rounds' tal_version, so no page keeps showing figures from before."""

    @classmethod
    def setUpTestData(cls):
        from datetime import date

        from budgetopfolgning.models import Opfoelgning

        for aar in range(2023, 2029):
            budgetaar = aar_med_rammer(aar) if aar == 2024 else Budgetaar.objects.create(aar=aar)
            Opfoelgning.objects.create(aar=budgetaar, nummer=1, pr_dato=date(aar, 4, 30), dokumentdato=date(aar, 5, 1))
        importer_kontoplan(data=KONTOPLAN.encode(), filnavn="kontoplan.csv", aar=2024)

    def _versioner(self) -> dict[int, tuple[str, str]]:
        """Each year's round's tal_version and the year's forbrug version (the key of its cached forbrug sums)."""
        from budgetopfolgning.models import Opfoelgning

        return {
            aar: (tal, forbrug)
            for aar, tal, forbrug in Opfoelgning.objects.values_list("aar__aar", "tal_version", "aar__forbrug_version")
        }

    def _fornyede(self, handling) -> list[int]:
        foer = self._versioner()
        handling()
        efter = self._versioner()
        # Both versions are renewed, or neither.
        self.assertEqual([aar for aar in efter if (efter[aar][0] != foer[aar][0]) != (efter[aar][1] != foer[aar][1])],
                         [])
        return sorted(aar for aar in efter if efter[aar] != foer[aar])

    def test_imports_and_admin_saves_renew_the_year_and_the_three_after_it(self):
        self.assertEqual(
            self._fornyede(lambda: importer_forbrug(data=forbrugsfil([("652820101", 1, "42")]), filnavn="f.csv",
                                                    aar=2024)),
            [2024, 2025, 2026, 2027],
        )
        self.assertEqual(
            self._fornyede(lambda: importer_kontoplan(data=b"konto;ramme;placering\n9.99;30.50;uden\n",
                                                      filnavn="k.csv", aar=2024)),
            [2024, 2025, 2026, 2027],
        )
        konto = Konto.objects.get(konto="9.99")
        konto.rammedel = rammedel(2024, "30.46", "uden")
        self.assertEqual(self._fornyede(konto.save), [2024, 2025, 2026, 2027])
        valg = Rammeperiodisering(rammedel=rammedel(2024, "30.46", "inden"), metode=Periodiseringsvalg.LIGELIG)
        self.assertEqual(self._fornyede(valg.save), [2024, 2025, 2026, 2027])
        self.assertEqual(self._fornyede(valg.delete), [2024, 2025, 2026, 2027])
        aarsvalg = Aarsperiodisering(aar=Budgetaar.objects.get(aar=2026), metode=Periodiseringsvalg.LIGELIG)
        self.assertEqual(self._fornyede(aarsvalg.save), [2026, 2027, 2028])
        self.assertEqual(self._fornyede(konto.delete), [2024, 2025, 2026, 2027])
