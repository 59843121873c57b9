"""Optimistic locking on every edit page (kerne/versioner.py): two people open the same form, the first saves, the
second's save is refused with 409 and the Danish conflict message, nothing of theirs is written, and the form they
get back (the current values, their own input beside them) saves."""

from collections.abc import Callable
from datetime import date

from django.test import Client

from budgetopfolgning.models import Opfoelgning, Opfoelgningslinje
from omstilling.models import Forslag, Forslagsaar, Forslagsopfoelgning
from rammer.models import (
    Aarsregnskab,
    Aktivitetskategori,
    Bevillingsramme,
    Budgetaar,
    Estimatlinje,
    Ledelsesinformation,
    Maanedsstatus,
    Rammeansvar,
    Regnskabslinje,
    Underretningstal,
    Ydelse,
)
from tests.base import DemoTestCase, formular

RAMME = "/opfolgning/2024/2/ramme/30.46/rediger/"
FORSLAG = "/omstilling/2019/TMU-07/rediger/"
OPFOELGNING = "/omstilling/opfolgning/2019/1/2019/TMU-01/"
REGNSKAB = "/rammer/2018/30.46/regnskab/rediger/"
NYT_REGNSKAB = "/rammer/2018/20.02/regnskab/rediger/"
LI = "/rammer/2023/30.46/ledelsesinformation/"
SKOEN, ESTIMAT, MAANED, UNDERRETNINGER = (LI + side for side in ("skoen/", "estimat/", "maanedsstatus/",
                                                                  "underretninger/"))
BUDGETMODEL = "/rammer/2018/20.02/budgetmodel/"


class KonfliktTestCase(DemoTestCase):
    """okonomi saves first, konsulent (responsible for the rammer used here) second."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for aar, nummer in ((2018, "30.46"), (2023, "30.46"), (2018, "20.02")):  # the demo assigns some of them
            Rammeansvar.objects.get_or_create(
                bruger=cls.konsulent, ramme=Bevillingsramme.objects.get(aar__aar=aar, nummer=nummer)
            )
        # An open round in a year the demo catalogue (2019–2022) runs in, so its proposals can be followed up.
        Opfoelgning.objects.create(
            aar=Budgetaar.objects.get_or_create(aar=2019)[0], nummer=1, pr_dato=date(2019, 4, 30),
            dokumentdato=date(2019, 4, 12),
        )

    def setUp(self):
        self.foerste = Client()
        self.foerste.force_login(self.okonomi)
        self.anden = Client()
        self.anden.force_login(self.konsulent)

    def _aaben(self, client: Client, url: str) -> dict:
        response = client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return formular(response.content.decode())

    def _to_gemmer(
        self,
        url: str,
        *,
        foerste: Callable[[dict], dict],
        anden: Callable[[dict], dict],
        tilstand: Callable[[], object],
        besked: str,
        gem: str | None = None,
    ):
        """Both open `url`; the first saves `foerste` (with the right version: it succeeds), then the second saves
        `anden` from the form they opened before. Returns the 409 response."""
        gem = gem or url
        hos_foerste, hos_anden = self._aaben(self.foerste, url), self._aaben(self.anden, url)
        foer = tilstand()
        self.assertEqual(self.foerste.post(gem, foerste(hos_foerste)).status_code, 302)
        efter_foerste = tilstand()
        self.assertNotEqual(efter_foerste, foer, "the first save wrote nothing")

        indsendt = anden(hos_anden)
        response = self.anden.post(gem, indsendt)
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, besked, status_code=409)
        # Full name, and the date as the rest of the app writes it ("2. dec. 2026").
        self.assertRegex(
            response.content.decode(),
            r"ændret af Olivia Østergaard den \d{1,2}\. (jan|feb|mar|apr|jun|jul|aug|sep|okt|nov|dec)?\.?(maj)? \d{4} "
            r"kl\. \d\d\.\d\d, efter",
        )
        self.assertContains(response, 'id="konflikt"', status_code=409)
        self.assertEqual(tilstand(), efter_foerste, "the refused save wrote something")
        # The second person's own input is listed beside the form, which shows what is saved now.
        vist = {vaerdi for _, vaerdi in response.context["indsendt"]}
        for navn, vaerdi in indsendt.items():
            felt = response.context["form"].fields.get(navn)
            if getattr(felt, "choices", None) is not None:
                continue  # shown by its label (Sur – kan ikke nås), not its key
            if vaerdi != hos_anden.get(navn) and not navn.endswith("version"):
                self.assertIn(vaerdi, vist, navn)

        # Saved again from the form the conflict page shows (the current version), the same change goes through.
        igen = anden(formular(response.content.decode()))
        self.assertEqual(self.anden.post(gem, igen).status_code, 302)
        self.assertNotEqual(tilstand(), efter_foerste)
        return response


def _med(**aendringer) -> Callable[[dict], dict]:
    return lambda data: {**data, **aendringer}


# --- The round's ramme ---------------------------------------------------------------------------------------------


class RammeKonfliktTests(KonfliktTestCase):
    def _linjer(self):
        return list(
            Opfoelgningslinje.objects.filter(opfoelgning__aar__aar=2024, opfoelgning__nummer=2,
                                             rammedel__ramme__nummer="30.46")
            .order_by("pk").values_list("korrektioner", "forventet_forbrug", "forklaring")
        )

    def test_it_refuses_the_second_save_of_a_ramme(self):
        response = self._to_gemmer(
            RAMME,
            foerste=_med(inden_forventet_forbrug="175.800.000"),
            anden=_med(uden_forventet_forbrug="17.000.000", uden_forklaring="Færre anbringelser."),
            tilstand=self._linjer,
            besked="Rammen er ændret af Olivia Østergaard den ",
        )
        self.assertContains(response, "efter du åbnede den.", status_code=409)
        self.assertIn(("Forklaring uden for servicerammen", "Færre anbringelser."), response.context["indsendt"])


# --- Omstillingsforslag ---------------------------------------------------------------------------------------------


class ForslagKonfliktTests(KonfliktTestCase):
    def _forslag(self):
        forslag = Forslag.objects.get(katalog__aar=2019, nr="TMU-07")
        return (
            forslag.titel,
            list(Forslagsaar.objects.filter(forslag=forslag).order_by("aar").values_list("aar", "driftsbesparelse")),
            list(forslag.rammer.values_list("nummer", "navn")),
        )

    def test_a_save_of_a_year_makes_an_open_form_of_the_proposal_stale(self):
        response = self._to_gemmer(
            FORSLAG,
            foerste=_med(**{"aar2021-driftsbesparelse": "400.000"}),
            anden=_med(titel="Ny titel fra konsulenten"),
            tilstand=self._forslag,
            besked="Forslaget er ændret af Olivia Østergaard den ",
        )
        self.assertContains(response, "efter du åbnede det.", status_code=409)
        # The form shows the saved figures again: 400.000 is what is saved now.
        self.assertEqual(formular(response.content.decode())["aar2021-driftsbesparelse"], "400.000")

    def test_a_form_without_its_version_is_stale(self):
        data = self._aaben(self.anden, FORSLAG)
        del data["version"]
        data["titel"] = "Uden version"
        self.assertEqual(self.anden.post(FORSLAG, data).status_code, 409)
        self.assertNotEqual(Forslag.objects.get(nr="TMU-07").titel, "Uden version")


class OpfoelgningKonfliktTests(KonfliktTestCase):
    def _opfoelgning(self):
        return list(
            Forslagsopfoelgning.objects.filter(forslag__nr="TMU-01", opfoelgning__aar__aar=2019)
            .values_list("indsats", "oekonomi", "kommentar", "realiseret")
        )

    def test_it_refuses_the_second_first_follow_up(self):
        # Neither follow-up exists when both open the form: the first save creates it.
        self.assertEqual(self._opfoelgning(), [])
        response = self._to_gemmer(
            OPFOELGNING,
            foerste=_med(indsats="glad", oekonomi="glad", kommentar="På sporet."),
            anden=_med(indsats="sur", oekonomi="mellemfornoejet", kommentar="Udbuddet er forsinket."),
            tilstand=self._opfoelgning,
            besked="Opfølgningen er ændret af Olivia Østergaard den ",
        )
        self.assertIn(("Status for indsatsen", "Sur – kan ikke nås"), response.context["indsendt"])

    def test_it_refuses_a_stale_edit_of_an_existing_follow_up(self):
        self.foerste.post(OPFOELGNING, _med(indsats="glad", oekonomi="glad")(self._aaben(self.foerste, OPFOELGNING)))
        self._to_gemmer(
            OPFOELGNING,
            foerste=_med(realiseret="20.000"),
            anden=_med(realiseret="30.000"),
            tilstand=self._opfoelgning,
            besked="Opfølgningen er ændret af Olivia Østergaard den ",
        )


# --- The ramme in depth ----------------------------------------------------------------------------------------------


class RegnskabKonfliktTests(KonfliktTestCase):
    def _regnskab(self, nummer="30.46"):
        return (
            list(Aarsregnskab.objects.filter(ramme__aar__aar=2018, ramme__nummer=nummer)
                 .values_list("forklaring", "korrigeret_budget_pr")),
            list(Regnskabslinje.objects.filter(aarsregnskab__ramme__aar__aar=2018, aarsregnskab__ramme__nummer=nummer)
                 .order_by("pk").values_list("regnskab", "forklaring")),
        )

    def test_it_refuses_the_second_save_of_the_accounts(self):
        def foerste(data):
            noegle = next(n for n in data if n.endswith("_regnskab"))
            return {**data, noegle: "70.000.000"}

        response = self._to_gemmer(
            REGNSKAB,
            foerste=foerste,
            anden=_med(forklaring="Merforbruget skyldes flere anbringelser."),
            tilstand=self._regnskab,
            besked="Årsregnskabet er ændret af Olivia Østergaard den ",
        )
        self.assertContains(response, "efter du åbnede det.", status_code=409)

    def test_two_first_entries_of_accounts_do_not_both_create_them(self):
        def udfyldt(forklaring):
            return _med(ramme_vedtaget_budget="100", ramme_korrigeret_budget="100", ramme_regnskab="90",
                        forklaring=forklaring)

        self._to_gemmer(
            NYT_REGNSKAB,
            foerste=udfyldt("Først"),
            anden=udfyldt("Sidst"),
            tilstand=lambda: self._regnskab("20.02"),
            besked="Årsregnskabet er ændret af Olivia Østergaard den ",
        )
        self.assertEqual(Aarsregnskab.objects.filter(ramme__aar__aar=2018, ramme__nummer="20.02").count(), 1)


class LedelsesinformationKonfliktTests(KonfliktTestCase):
    def _kategorier(self):
        return list(Aktivitetskategori.objects.order_by("pk").values_list("aktuel_enhedspris",
                                                                         "aktuelle_helaarsbrugere"))

    def _estimat(self):
        return (Ledelsesinformation.objects.get().estimat_pr,
                list(Estimatlinje.objects.order_by("pk").values_list("korrigeret_budget", "forventet_forbrug")))

    def test_it_refuses_the_second_save_of_the_estimate_per_category(self):
        a, b = Aktivitetskategori.objects.order_by("pk")[:2]
        self._to_gemmer(
            SKOEN,
            foerste=_med(**{f"k{a.pk}_enhedspris": "420.000", f"k{a.pk}_helaarsbrugere": "30"}),
            anden=_med(**{f"k{b.pk}_enhedspris": "555.000", f"k{b.pk}_helaarsbrugere": "2"}),
            tilstand=self._kategorier,
            besked="Ledelsesinformationen er ændret af Olivia Østergaard den ",
        )

    def test_it_refuses_the_second_save_of_the_estimate_table(self):
        ppr = Estimatlinje.objects.get(navn="PPR-afsnit")
        self._to_gemmer(
            ESTIMAT,
            foerste=_med(**{f"e{ppr.pk}_forventet_forbrug": "27.509.700"}),
            anden=_med(estimat_pr="2023-03-31"),
            tilstand=self._estimat,
            besked="Ledelsesinformationen er ændret af Olivia Østergaard den ",
        )

    def test_it_refuses_the_second_monthly_snapshot(self):
        self._to_gemmer(
            MAANED,
            foerste=_med(maaned="3", forventet_forbrug="159.000.000"),
            anden=_med(maaned="4", forventet_forbrug="160.000.000"),
            tilstand=lambda: list(Maanedsstatus.objects.order_by("maaned").values_list("maaned",
                                                                                      "forventet_forbrug")),
            besked="Ledelsesinformationen er ændret af Olivia Østergaard den ",
        )

    def test_it_refuses_the_second_count_of_underretninger(self):
        self._to_gemmer(
            UNDERRETNINGER,
            foerste=_med(aar="2023", maaned="3", antal="121"),
            anden=_med(aar="2023", maaned="4", antal="99"),
            tilstand=lambda: list(Underretningstal.objects.order_by("aar", "maaned").values_list("aar", "maaned",
                                                                                                "antal")),
            besked="Ledelsesinformationen er ændret af Olivia Østergaard den ",
        )

    def test_a_save_on_one_page_makes_the_other_pages_open_forms_stale(self):
        ppr = Estimatlinje.objects.get(navn="PPR-afsnit")
        skoen = self._aaben(self.anden, SKOEN)
        estimat = self._aaben(self.foerste, ESTIMAT)
        self.assertEqual(self.foerste.post(ESTIMAT, {**estimat, f"e{ppr.pk}_forventet_forbrug": "1"}).status_code,
                         302)
        foer = self._kategorier()
        k = Aktivitetskategori.objects.order_by("pk").first()
        response = self.anden.post(SKOEN, {**skoen, f"k{k.pk}_enhedspris": "1", f"k{k.pk}_helaarsbrugere": "1"})
        self.assertContains(response, "Ledelsesinformationen er ændret af Olivia Østergaard den ", status_code=409)
        self.assertEqual(self._kategorier(), foer)

    def test_a_form_without_its_version_is_stale(self):
        data = self._aaben(self.anden, UNDERRETNINGER)
        del data["version"]
        response = self.anden.post(UNDERRETNINGER, {**data, "aar": "2023", "maaned": "5", "antal": "7"})
        self.assertEqual(response.status_code, 409)
        self.assertFalse(Underretningstal.objects.filter(aar=2023, maaned=5).exists())

    def test_a_refused_input_keeps_the_version_it_was_opened_at(self):
        # Correcting a typo after someone else saved must not slip past the check.
        data = self._aaben(self.anden, MAANED)
        self.assertEqual(self.foerste.post(MAANED, {**self._aaben(self.foerste, MAANED), "maaned": "3"}).status_code,
                         302)
        response = self.anden.post(MAANED, {**data, "maaned": "4", "forventet_forbrug": "1.50"})
        self.assertEqual(response.status_code, 400)
        rettet = {**formular(response.content.decode()), "forventet_forbrug": "150"}
        self.assertContains(self.anden.post(MAANED, rettet), "Ledelsesinformationen er ændret", status_code=409)
        self.assertFalse(Maanedsstatus.objects.filter(maaned=4).exists())


class BudgetmodelKonfliktTests(KonfliktTestCase):
    def _ydelser(self):
        return list(Ydelse.objects.order_by("pk").values_list("helaarspersoner", "gennemsnitspris",
                                                             "statsrefusion_pct"))

    def test_it_refuses_the_second_save_of_the_budget_model(self):
        a = Ydelse.objects.get(navn="A-dagpenge")
        s = Ydelse.objects.get(navn="Sygedagpenge")
        self._to_gemmer(
            BUDGETMODEL,
            gem=BUDGETMODEL + "gem/",
            foerste=_med(**{f"y{a.pk}_gennemsnitspris": "220.000"}),
            anden=_med(**{f"y{s.pk}_helaarspersoner": "700"}),
            tilstand=self._ydelser,
            besked="Budgetmodellen er ændret af Olivia Østergaard den ",
        )

    def test_a_what_if_keeps_the_versions_the_page_was_opened_at(self):
        a = Ydelse.objects.get(navn="A-dagpenge")
        data = self._aaben(self.anden, BUDGETMODEL)
        self.foerste.post(BUDGETMODEL + "gem/", {**self._aaben(self.foerste, BUDGETMODEL),
                                                 f"y{a.pk}_gennemsnitspris": "220.000"})
        provet = self.anden.post(BUDGETMODEL, {**data, f"y{a.pk}_helaarspersoner": "650"})
        self.assertContains(provet, "Intet er gemt.")
        response = self.anden.post(BUDGETMODEL + "gem/", formular(provet.content.decode()))
        self.assertContains(response, "Budgetmodellen er ændret af Olivia Østergaard den ", status_code=409)
        a.refresh_from_db()
        self.assertEqual(a.helaarspersoner, 600)
