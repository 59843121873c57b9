"""A ramme in depth: årsregnskab, ledelsesinformation, budget model, charts, entry and the loader."""

import io
import json
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from pypdf import PdfReader

from kerne.beloeb import dansk_tal
from rammeindsigt import charts, indlaesning, services
from rammer.models import (
    Aarsregnskab,
    Aktivitet,
    Aktivitetskategori,
    Bevillingsramme,
    Estimatlinje,
    Ledelsesinformation,
    Maanedsstatus,
    Rammeansvar,
    Regnskabslinje,
    Ydelse,
)
from tests.base import BaseTestCase, DemoTestCase, raekker, tabeller
from tests.seed000 import vist

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
REGNSKAB = "/rammer/2018/30.46/regnskab/"
REDIGER_REGNSKAB = "/rammer/2018/30.46/regnskab/rediger/"
LI = "/rammer/2023/30.46/ledelsesinformation/"
SKOEN = LI + "skoen/"
ESTIMAT = LI + "estimat/"
MAANED = LI + "maanedsstatus/"
BUDGETMODEL = "/rammer/2018/20.02/budgetmodel/"
GEM_BUDGETMODEL = BUDGETMODEL + "gem/"


def _json(navn: str) -> dict:
    return json.loads((FIXTURES / navn).read_text(encoding="utf-8"))


def _tabel(html: str, caption_start: str) -> dict:
    fundne = [t for t in tabeller(html) if t["caption"].startswith(caption_start)]
    assert len(fundne) == 1, [t["caption"] for t in tabeller(html)]
    return fundne[0]


def _form_data(response) -> dict:
    """The values a browser would submit from the form as rendered."""
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if getattr(field.widget, "input_type", "") == "checkbox":
            if value:
                data[name] = "on"
            continue
        data[name] = "" if value is None else value
    return data


class RammedataTestCase(BaseTestCase):
    """The three fixture files loaded as `manage.py indlaes_rammedata` loads them."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        call_command("indlaes_rammedata", stdout=io.StringIO())

    def setUp(self):
        self.client.force_login(self.okonomi)


# --- Årsregnskab ---------------------------------------------------------------------------------------------------


class RegnskabTests(RammedataTestCase):
    def test_it_shows_the_acceptance_figures(self):
        rows = raekker(_tabel(self.client.get(REGNSKAB).content.decode(), "Årsregnskab 2018 for 30.46"))
        self.assertEqual(rows["I alt"], ["177.001", "201.758", "207.703", "1.753", "7.698"])
        self.assertEqual(rows["Foregribende indsatser"], ["53.259", "57.861", "69.008", "452", "11.600"])
        self.assertEqual(rows["Indgribende foranstaltninger"], ["91.089", "98.097", "96.798", "539", "−759"])
        self.assertEqual(rows["Lønsum (Center for Børne- og Ungerådgivning)"], ["0", "22.776", "21.392", "762", "−622"])

    def test_every_printed_cell_comes_out(self):
        data = _json("regnskab_2018_30_46.json")
        rows = raekker(_tabel(self.client.get(REGNSKAB).content.decode(), "Årsregnskab 2018 for 30.46"))
        kolonner = ["vedtaget_budget", "korrigeret_budget", "regnskab", "overfoert", "resultat_efter_overfoersler"]
        for aktivitet in data["aktiviteter"]:
            # The seed prints a 0 overført as a blank cell; the page prints 0.
            trykt = [vist(aktivitet["trykt_1000_kr"][k] or "0") for k in kolonner]
            self.assertEqual(rows[aktivitet["navn"]], trykt, aktivitet["navn"])
        self.assertEqual(rows["I alt"], [data["trykt_i_alt_1000_kr"][k] for k in kolonner])

    def test_resultat_is_computed_from_the_exact_amounts(self):
        linje = Regnskabslinje.objects.get(aktivitet__navn="Foregribende indsatser")
        self.assertEqual(linje.resultat_efter_overfoersler, Decimal("11599600.00"))
        self.assertEqual(dansk_tal(linje.resultat_efter_overfoersler / 1000), "11.600")
        # Naively from the printed figures: 69.008 + 452 - 57.861 = 11.599, which the seed does not print.

    def test_it_writes_the_summary_and_the_sign_notes(self):
        response = self.client.get(REGNSKAB)
        self.assertContains(response, "Det vedtagne budget for 2018 var 177,0 mio. kr.")
        self.assertContains(response, "korrigeret til 201,8 mio. kr., og regnskabet blev 207,7 mio. kr.")
        self.assertContains(response, "Der overføres 1,8 mio. kr. til 2019, så regnskab og overførsel tilsammen udgør "
                                      "209,5 mio. kr.")
        self.assertContains(response, "Resultatet efter overførsler er et merforbrug på 7,7 mio. kr.")
        self.assertContains(response, "Foregribende indsatser med et merforbrug på 11,6 mio. kr.")
        self.assertNotContains(response, "kr..")
        self.assertContains(response, "+ = merforbrug, - = mindreforbrug")
        self.assertContains(response, "budget pr. 26. november 2018")

    def test_the_overfoersel_shows_in_next_years_korrigeret_budget(self):
        ramme_2018 = Bevillingsramme.objects.get(aar__aar=2018, nummer="30.46")
        ramme_2019 = indlaesning.sikr_ramme(aar=2019, nummer="30.46", navn=ramme_2018.navn,
                                         **indlaesning.BSU)
        services.gem_regnskab(
            ramme=ramme_2019, version=0, korrigeret_budget_pr=None, forklaring="",
            linjer={None: services.Regnskabsindtastning(
                vedtaget_budget=Decimal("180000000"), korrigeret_budget=Decimal("181753200"),
                regnskab=Decimal("181000000"), overfoert=Decimal("0"), forklaring="")},
            bruger=self.okonomi,
        )
        response = self.client.get("/rammer/2019/30.46/regnskab/")
        self.assertContains(response, "Korrigeret budget 2019 indeholder overførslen fra 2018 på")
        self.assertContains(response, "1.753</span> (1.000 kr.)", html=False)
        self.assertContains(response, "inklusive overførslen fra 2018")
        # And the 2018 page points forward to 2019.
        self.assertContains(self.client.get(REGNSKAB), 'href="/rammer/2019/30.46/"')

    def test_a_ramme_without_accounts_says_so(self):
        response = self.client.get("/rammer/2023/30.46/regnskab/")
        self.assertContains(response, "Der er ikke indlæst et årsregnskab for 30.46 i 2023.")


class RedigerRegnskabTests(RammedataTestCase):
    def test_okonomi_saves_and_the_history_names_the_user(self):
        data = _form_data(self.client.get(REDIGER_REGNSKAB))
        loensum = Aktivitet.objects.get(ramme__aar__aar=2018, navn="Lønsum (Center for Børne- og Ungerådgivning)")
        noegle = f"a{loensum.pk}"
        self.assertEqual(data[f"{noegle}_regnskab"], "21.392.000")
        data[f"{noegle}_regnskab"] = "21.892.000"  # +500.000 kr.
        response = self.client.post(REDIGER_REGNSKAB, data, follow=True)
        self.assertRedirects(response, REGNSKAB)
        rows = raekker(_tabel(response.content.decode(), "Årsregnskab 2018"))
        self.assertEqual(rows["Lønsum (Center for Børne- og Ungerådgivning)"][2], "21.892")
        self.assertEqual(rows["I alt"], ["177.001", "201.758", "208.203", "1.753", "8.198"])
        linje = Regnskabslinje.objects.get(pk=Regnskabslinje.objects.get(aktivitet__navn__startswith="Lønsum").pk)
        self.assertEqual(linje.history.first().history_user, self.okonomi)
        # Only the changed line got a history entry beyond its creation.
        self.assertEqual(Regnskabslinje.history.filter(history_type="~").count(), 1)

    def test_a_bad_amount_gives_a_danish_error_and_saves_nothing(self):
        data = _form_data(self.client.get(REDIGER_REGNSKAB))
        noegler = [k for k in data if k.endswith("_regnskab")]
        data[noegler[0]] = "9.575.00"  # broken thousands group
        data[noegler[1]] = "70.000.000"  # valid, but must not be saved either
        response = self.client.post(REDIGER_REGNSKAB, data)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "er ikke et gyldigt beløb", status_code=400)
        self.assertContains(response, "Intet er gemt", status_code=400)
        self.assertEqual(Regnskabslinje.history.filter(history_type="~").count(), 0)
        self.assertEqual(
            Regnskabslinje.objects.get(aktivitet__navn="Foregribende indsatser").regnskab, Decimal("69008300.00")
        )

    def test_udvalgsmedlem_gets_403_and_a_post_changes_nothing(self):
        data = _form_data(self.client.get(REDIGER_REGNSKAB))
        client = Client()
        client.force_login(self.udvalg)
        self.assertEqual(client.get(REDIGER_REGNSKAB).status_code, 403)
        data[next(k for k in data if k.endswith("_regnskab"))] = "1"
        self.assertEqual(client.post(REDIGER_REGNSKAB, data).status_code, 403)
        self.assertEqual(Regnskabslinje.history.filter(history_type="~").count(), 0)
        self.assertNotContains(client.get(REGNSKAB), "Rediger årsregnskabet")

    def test_a_konsulent_edits_only_assigned_rammer(self):
        client = Client()
        client.force_login(self.konsulent)
        self.assertEqual(client.get(REDIGER_REGNSKAB).status_code, 403)
        ramme = Bevillingsramme.objects.get(aar__aar=2018, nummer="30.46")
        Rammeansvar.objects.create(bruger=self.konsulent, ramme=ramme)
        self.assertEqual(client.get(REDIGER_REGNSKAB).status_code, 200)
        # An assignment for 2018 does not reach the same ramme in 2023.
        self.assertEqual(client.get(SKOEN).status_code, 403)

    def test_anonymous_is_sent_to_login(self):
        response = Client().get(REDIGER_REGNSKAB)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/login/"))


# --- Ledelsesinformation -------------------------------------------------------------------------------------------


class LedelsesinformationTests(RammedataTestCase):
    def test_it_shows_the_acceptance_figures(self):
        html = self.client.get(LI).content.decode()
        kategorier = raekker(_tabel(html, "Budgetgrundlag og aktuelt skøn"))
        self.assertEqual(kategorier["015187"][:4], ["Aflastning på institution", "410.000", "29,00", "11.890.000"])
        self.assertEqual(kategorier["015210"][:4], ["Døgnophold for hele familien", "550.000", "1,25", "687.500"])
        self.assertEqual(kategorier["Forebyggende i alt"][0], "800.000")
        self.assertEqual(kategorier["Foregribende i alt"][0], "91.566.500")
        self.assertEqual(kategorier["Indgribende i alt"][0], "84.105.000")
        self.assertEqual(kategorier["I alt"][0], "176.471.500")
        estimat = raekker(_tabel(html, "Korrigeret budget og forventet forbrug 2023"))
        self.assertEqual(estimat["Samlet myndighed"], ["158.206", "158.217", "11"])
        self.assertEqual(estimat["PPR-afsnit"], ["27.510", "28.953", "1.443"])
        self.assertEqual(estimat["I alt"], ["222.718", "223.962", "1.244"])
        underretninger = raekker(_tabel(html, "Grafens tal: antal underretninger"))
        self.assertEqual(underretninger["2020"][0], "878")
        self.assertEqual(underretninger["2021"][0], "1.077")
        self.assertEqual(underretninger["2022"][0], "1.295")
        self.assertEqual(underretninger["2023"], ["349", "Til og med 15. marts 2023"])

    def test_every_printed_figure_comes_out(self):
        data = _json("ledelsesinformation_2023_30_46.json")
        html = self.client.get(LI).content.decode()
        kategorier = raekker(_tabel(html, "Budgetgrundlag og aktuelt skøn"))
        for k in data["aktivitetskategorier"]["kategorier"]:
            self.assertEqual(kategorier[k["konto"]][3], k["trykt_budget_kr"], k["konto"])
        estimat = raekker(_tabel(html, "Korrigeret budget og forventet forbrug 2023"))
        kolonner = ["korrigeret_budget", "forventet_forbrug", "mer_mindreforbrug"]
        for e in data["estimat"]["myndighed"] + data["estimat"]["afdelinger"]:
            self.assertEqual(estimat[e["navn"]], [vist(e["trykt_1000_kr"][k]) for k in kolonner], e["navn"])
        self.assertEqual(estimat["Samlet afdelinger"], [data["estimat"]["trykt_samlet_afdelinger_1000_kr"][k]
                                                        for k in kolonner])
        dele = raekker(_tabel(html, "Det samme estimat inden for og uden for servicerammen"))
        self.assertEqual(dele["Inden for servicerammen"], ["234.084", "235.328", "1.244"])
        self.assertEqual(dele["Uden for servicerammen"], ["−11.366", "−11.366", "0"])
        self.assertEqual(dele["I alt"], ["222.718", "223.962", "1.244"])

    def test_charts_have_alt_text_and_a_data_table(self):
        response = self.client.get(LI)
        html = response.content.decode()
        self.assertIn('<img src="/rammer/2023/30.46/ledelsesinformation/underretninger.svg" alt="Søjlediagram', html)
        self.assertIn('<img src="/rammer/2023/30.46/ledelsesinformation/maanedsstatus.svg" alt="Linjediagram', html)
        self.assertIn("2023 (til og med 15. marts): 349", response.context["alt_underretninger"])
        maaned = raekker(_tabel(html, "Grafens tal: forventet forbrug ultimo måned"))
        self.assertEqual(maaned["Februar *)"], ["158.217", "158.206", "11"])
        self.assertNotIn("style=", html)
        self.assertNotIn("<script", html)

    def test_the_chart_url_returns_the_same_svg_every_time(self):
        for graf in ("maanedsstatus", "underretninger"):
            url = f"{LI}{graf}.svg"
            first = self.client.get(url)
            self.assertEqual(first.status_code, 200)
            self.assertEqual(first["Content-Type"], "image/svg+xml")
            self.assertIn(b"<svg", first.content)
            self.assertNotIn(b"<dc:date>", first.content)
            self.assertEqual(first.content, self.client.get(url).content)
        self.assertEqual(self.client.get(f"{LI}andet.svg").status_code, 404)

    def test_chart_functions_are_plain_and_reusable(self):
        svg = charts.soejlegraf([("2020", 878, False), ("2023", 349, True)], titel="Test")
        self.assertTrue(svg.startswith(b"<?xml"))
        self.assertTrue(charts.data_uri(svg).startswith("data:image/svg+xml;base64,"))

    def test_udvalgsmedlem_reads_but_cannot_edit(self):
        client = Client()
        client.force_login(self.udvalg)
        response = client.get(LI)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Indtast aktuelt skøn")
        for url in (SKOEN, ESTIMAT, MAANED):
            self.assertEqual(client.get(url).status_code, 403, url)
            self.assertEqual(client.post(url, {"maaned": "3", "forventet_forbrug": "1", "budget": "1"}).status_code,
                             403, url)
        self.assertEqual(Maanedsstatus.objects.count(), 1)

    def test_the_pdf_holds_the_figures_and_the_charts(self):
        response = self.client.get(LI + "ledelsesinformation.pdf")
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        tekst = "\n".join(side.extract_text() for side in PdfReader(io.BytesIO(response.content)).pages)
        for tal in ("176.471.500", "11.890.000", "222.718", "223.962", "1.295", "Aflastning på institution"):
            self.assertIn(tal, tekst)

    def test_a_year_without_ledelsesinformation_is_404(self):
        self.assertEqual(self.client.get("/rammer/2018/30.46/ledelsesinformation/").status_code, 404)


class SkoenTests(RammedataTestCase):
    def _kategori(self, konto: str) -> Aktivitetskategori:
        return Aktivitetskategori.objects.get(konto=konto)

    def test_a_new_estimate_is_computed_and_the_next_shows_the_development(self):
        k = self._kategori("015187")
        data = _form_data(self.client.get(SKOEN))
        self.assertIn("nyt_skoen", data)
        data[f"k{k.pk}_enhedspris"] = "420.000"
        data[f"k{k.pk}_helaarsbrugere"] = "30"
        response = self.client.post(SKOEN, data, follow=True)
        self.assertRedirects(response, LI)
        rows = raekker(_tabel(response.content.decode(), "Budgetgrundlag og aktuelt skøn"))
        self.assertEqual(rows["015187"][4:], ["420.000", "30,00", "12.600.000", "", ""])
        # The next estimate: the previous forecast becomes "forrige skøn".
        data = _form_data(self.client.get(SKOEN))
        data[f"k{k.pk}_helaarsbrugere"] = "31,5"
        response = self.client.post(SKOEN, data, follow=True)
        rows = raekker(_tabel(response.content.decode(), "Budgetgrundlag og aktuelt skøn"))
        self.assertEqual(rows["015187"][4:], ["420.000", "31,50", "13.230.000", "12.600.000", "630.000"])
        self.assertEqual(self._kategori("015187").history.first().history_user, self.okonomi)

    def test_a_correction_keeps_the_previous_estimate(self):
        k = self._kategori("015187")
        k.aktuel_enhedspris, k.aktuelle_helaarsbrugere, k.forrige_skoen = Decimal("420000"), Decimal("30"), Decimal("1")
        k.save()
        data = _form_data(self.client.get(SKOEN))
        data.pop("nyt_skoen")
        data[f"k{k.pk}_helaarsbrugere"] = "29"
        self.client.post(SKOEN, data)
        k.refresh_from_db()
        self.assertEqual(k.forrige_skoen, Decimal("1.00"))
        self.assertEqual(k.forventet_forbrug, Decimal("12180000.0000"))

    def test_half_an_estimate_or_a_bad_number_is_refused_and_nothing_is_saved(self):
        a, b = self._kategori("015187"), self._kategori("015210")
        data = _form_data(self.client.get(SKOEN))
        data[f"k{a.pk}_enhedspris"] = "420.000"  # without helårsbrugere
        data[f"k{b.pk}_enhedspris"] = "550.000"
        data[f"k{b.pk}_helaarsbrugere"] = "1.5"  # a decimal point is not Danish
        response = self.client.post(SKOEN, data)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Udfyld både aktuel enhedspris og aktuelle helårsbrugere", status_code=400)
        self.assertContains(response, "»1.5« er ikke et gyldigt tal", status_code=400)
        self.assertFalse(Aktivitetskategori.objects.exclude(aktuel_enhedspris=None).exists())


class EstimatOgMaanedTests(RammedataTestCase):
    def test_an_edited_estimate_changes_the_sums(self):
        ppr = Estimatlinje.objects.get(navn="PPR-afsnit")
        data = _form_data(self.client.get(ESTIMAT))
        self.assertEqual(data[f"e{ppr.pk}_forventet_forbrug"], "28.952.800")
        data[f"e{ppr.pk}_forventet_forbrug"] = "27.509.700"
        response = self.client.post(ESTIMAT, data, follow=True)
        rows = raekker(_tabel(response.content.decode(), "Korrigeret budget og forventet forbrug 2023"))
        self.assertEqual(rows["PPR-afsnit"], ["27.510", "27.510", "0"])
        self.assertEqual(rows["I alt"], ["222.718", "222.519", "−199"])
        # The split no longer matches the rows, and the page says so.
        self.assertContains(response, "giver ikke samme I alt")

    def test_a_monthly_snapshot_becomes_a_point(self):
        response = self.client.get(MAANED)
        self.assertEqual(response.context["form"].initial["forventet_forbrug"], "158.217.400")
        data = {"maaned": "3", "forventet_forbrug": "159.000.000", "budget": "158.206.000",
                "version": response.context["form"]["version"].value()}
        response = self.client.post(MAANED, data, follow=True)
        self.assertRedirects(response, LI)
        rows = raekker(_tabel(response.content.decode(), "Grafens tal: forventet forbrug ultimo måned"))
        self.assertEqual(rows["Marts"], ["159.000", "158.206", "794"])
        self.assertIn("Marts: 159,0 mio. kr.", response.context["alt_maanedsstatus"])

    def test_a_bad_snapshot_saves_nothing(self):
        response = self.client.post(MAANED, {"maaned": "13", "forventet_forbrug": "159,000,000", "budget": ""})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "er ikke et gyldigt beløb", status_code=400)
        self.assertEqual(Maanedsstatus.objects.count(), 1)


# --- Budget model --------------------------------------------------------------------------------------------------


class BudgetmodelTests(RammedataTestCase):
    def _db(self):
        return list(Ydelse.objects.order_by("pk").values_list("helaarspersoner", "gennemsnitspris",
                                                             "statsrefusion_pct", "eksempeltal"))

    def test_it_computes_brutto_and_netto_and_marks_example_figures(self):
        response = self.client.get(BUDGETMODEL)
        rows = raekker(_tabel(response.content.decode(), "Budgetmodel for overførselsudgifter 2018"))
        self.assertEqual(rows["A-dagpenge eksempeltal"], ["600", "215.000", "129.000", "30", "38.700", "90.300"])
        self.assertEqual(rows["I alt"], ["2.640", "", "450.425", "", "129.873", "320.553"])
        self.assertContains(response, "Eksempeltal")
        y = Ydelse.objects.get(navn="Integrationsydelse")
        self.assertEqual(y.brutto, Decimal("7475000.0000"))
        self.assertEqual(y.netto, Decimal("3737500.000000"))

    def test_what_if_shows_the_effect_and_changes_nothing(self):
        foer = self._db()
        data = _form_data(self.client.get(BUDGETMODEL))
        a = Ydelse.objects.get(navn="A-dagpenge")
        data[f"y{a.pk}_helaarspersoner"] = "650"
        response = self.client.post(BUDGETMODEL, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Intet er gemt.")
        rows = raekker(_tabel(response.content.decode(), "Nettoudgift med dine tal"))
        self.assertEqual(rows["A-dagpenge ændret"][3:], ["90.300", "97.825", "7.525"])
        self.assertContains(response, "7,5 mio. kr.</span> mere end budgetmodellen", html=False)
        self.assertEqual(self._db(), foer)

    def test_udvalgsmedlem_may_try_but_not_save(self):
        foer = self._db()
        client = Client()
        client.force_login(self.udvalg)
        data = _form_data(client.get(BUDGETMODEL))
        self.assertNotContains(client.get(BUDGETMODEL), "Gem som budgetmodel")
        self.assertEqual(client.post(BUDGETMODEL, data).status_code, 200)
        self.assertEqual(client.post(GEM_BUDGETMODEL, data).status_code, 403)
        self.assertEqual(self._db(), foer)

    def test_save_is_post_only(self):
        self.assertEqual(self.client.get(GEM_BUDGETMODEL).status_code, 405)

    def test_okonomi_saves_and_own_figures_are_no_longer_examples(self):
        data = _form_data(self.client.get(BUDGETMODEL))
        a = Ydelse.objects.get(navn="A-dagpenge")
        data[f"y{a.pk}_gennemsnitspris"] = "220.000"
        response = self.client.post(GEM_BUDGETMODEL, data, follow=True)
        self.assertRedirects(response, BUDGETMODEL)
        a.refresh_from_db()
        self.assertEqual(a.gennemsnitspris, Decimal("220000.00"))
        self.assertFalse(a.eksempeltal)
        self.assertTrue(Ydelse.objects.get(navn="Sygedagpenge").eksempeltal)

    def test_a_bad_percentage_saves_nothing(self):
        foer = self._db()
        data = _form_data(self.client.get(BUDGETMODEL))
        a = Ydelse.objects.get(navn="A-dagpenge")
        data[f"y{a.pk}_statsrefusion_pct"] = "130"
        data[f"y{a.pk}_helaarspersoner"] = "700"
        response = self.client.post(GEM_BUDGETMODEL, data)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Procenttal kan højst være 100.", status_code=400)
        self.assertEqual(self._db(), foer)


# --- The loader ----------------------------------------------------------------------------------------------------


class IndlaesningTests(BaseTestCase):
    def test_it_creates_years_udvalg_and_rammer_and_runs_twice_without_change(self):
        call_command("indlaes_rammedata", stdout=io.StringIO())
        ramme = Bevillingsramme.objects.get(aar__aar=2023, nummer="30.46")
        self.assertEqual(ramme.udvalg.kode, "BSU")
        self.assertEqual(Bevillingsramme.objects.get(aar__aar=2018, nummer="20.02").udvalg.kode, "EBU")
        antal = (Regnskabslinje.objects.count(), Aktivitetskategori.objects.count(), Ydelse.objects.count())
        self.assertEqual(antal, (5, 25, 6))
        out = io.StringIO()
        call_command("indlaes_rammedata", stdout=out)
        self.assertIn("sprunget over", out.getvalue())
        self.assertEqual((Regnskabslinje.objects.count(), Aktivitetskategori.objects.count(),
                          Ydelse.objects.count()), antal)

    def test_a_bad_file_loads_nothing(self):
        with tempfile.TemporaryDirectory() as mappe:
            for fil in FIXTURES.glob("*.json"):
                shutil.copy(fil, mappe)
            data = _json("budgetmodel_2018.json")
            data["ydelser"][5]["helaarspersoner"] = 330.0  # a float has no place here
            Path(mappe, "budgetmodel_2018.json").write_text(json.dumps(data), encoding="utf-8")
            with self.assertRaisesMessage(CommandError, "Intet er indlæst. budgetmodel_2018.json: ydelser[6]"):
                call_command("indlaes_rammedata", mappe=Path(mappe), stdout=io.StringIO())
        self.assertFalse(Aarsregnskab.objects.exists())
        self.assertFalse(Ledelsesinformation.objects.exists())
        self.assertFalse(Bevillingsramme.objects.filter(aar__aar__in=[2018, 2023]).exists())


# --- The ramme page ------------------------------------------------------------------------------------------------


class RammeSideTests(DemoTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        call_command("indlaes_rammedata", stdout=io.StringIO())

    def test_it_shows_the_years_rounds_with_the_ramme_figures(self):
        self.client.force_login(self.okonomi)
        response = self.client.get("/rammer/2024/30.46/")
        rows = raekker(_tabel(response.content.decode(), "30.46 Forebyggelse/anbringelse"))
        self.assertEqual(rows["Første budgetopfølgning 2024"], ["Låst", "191.400", "−4.100", "187.300", "192.800",
                                                               "5.500"])
        self.assertIn("Anden budgetopfølgning 2024", rows)
        self.assertContains(response, 'href="/opfolgning/2024/1/ramme/30.46/"')
        self.assertContains(response, "Omstillingsforslag der berører 30.46")
        self.assertContains(response, "Beskrivelsen er skrevet for 2018.")

    def test_udvalgsmedlem_sees_locked_rounds_only(self):
        self.client.force_login(self.udvalg)
        rows = raekker(_tabel(self.client.get("/rammer/2024/30.46/").content.decode(), "30.46 Forebyggelse"))
        self.assertIn("Første budgetopfølgning 2024", rows)
        self.assertNotIn("Anden budgetopfølgning 2024", rows)

    def test_it_lists_activities_and_links_to_its_pages(self):
        self.client.force_login(self.udvalg)
        response = self.client.get("/rammer/2018/30.46/")
        self.assertContains(response, "Foregribende indsatser")
        self.assertContains(response, 'href="/rammer/2018/30.46/regnskab/"')
        self.assertContains(self.client.get("/rammer/"), 'href="/rammer/2023/30.46/ledelsesinformation/"')

    def test_an_unknown_ramme_is_404(self):
        self.client.force_login(self.okonomi)
        self.assertEqual(self.client.get("/rammer/2024/99.99/").status_code, 404)


class UnderretningerEntryTests(DemoTestCase):
    URL = "/rammer/2023/30.46/ledelsesinformation/underretninger/"

    def _version(self):
        """The version the page carries, as the browser posts it."""
        return self.client.get(self.URL).context["form"]["version"].value()

    def test_okonomi_records_a_month_and_the_page_shows_it(self):
        from rammer.models import Underretningstal

        self.client.force_login(self.okonomi)
        self.assertEqual(self.client.get(self.URL).status_code, 200)
        response = self.client.post(self.URL, {"aar": "2023", "maaned": "3", "antal": "121", "til_og_med": "",
                                               "version": self._version()})
        self.assertRedirects(response, "/rammer/2023/30.46/ledelsesinformation/")
        self.assertEqual(Underretningstal.objects.get(aar=2023, maaned=3).antal, 121)
        # The same period again replaces the count.
        self.client.post(self.URL, {"aar": "2023", "maaned": "3", "antal": "125", "til_og_med": "",
                                    "version": self._version()})
        self.assertEqual(Underretningstal.objects.get(aar=2023, maaned=3).antal, 125)

    def test_bad_input_is_refused_and_udvalg_cannot_enter(self):
        from rammer.models import Underretningstal

        foer = Underretningstal.objects.count()
        self.client.force_login(self.okonomi)
        response = self.client.post(self.URL, {"aar": "2023", "maaned": "13", "antal": "-1"})
        self.assertEqual(response.status_code, 400)
        self.client.force_login(self.udvalg)
        self.assertEqual(self.client.post(self.URL, {"aar": "2023", "antal": "5"}).status_code, 403)
        self.assertEqual(Underretningstal.objects.count(), foer)
