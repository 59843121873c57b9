"""Omstillingsforslag: the published 2019 catalogue (seed 001), its overview, the proposal forms, editing,
follow-up per round, PDF/Excel and the list on a ramme's page. The fixture is loaded by the project's own command."""

import io
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.core.management import CommandError, call_command
from django.template import Context, Template
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from budgetopfolgning.models import Opfoelgning
from omstilling.models import Forslag, Forslagsaar, Forslagsopfoelgning, Katalog
from rammer.models import Bevillingsramme, Budgetaar, Udvalg
from tests.base import BaseTestCase, raekker, tabeller

FIXTURE = str(Path(settings.BASE_DIR) / "fixtures" / "omstilling_2019.json")

# Seed 001, "Besparelserne fordelt på fagudvalg (mio. kr.)" and "Den samlede besparelse for perioden 2019-2022".
PR_UDVALG = {
    "Teknik- og Miljøudvalget": ["−0,66", "−0,40", "−0,40", "−0,40"],
    "Erhvervs- og Beskæftigelsesudvalget": ["−7,50", "−11,30", "−13,90", "−13,90"],
    "Børne- og Skoleudvalget": ["−3,75", "−3,75", "−3,75", "−3,75"],
    "Kultur- og Fritidsudvalget": ["−0,66", "−0,66", "−0,66", "−0,66"],
    "Social- og Sundhedsudvalget": ["−12,97", "−19,27", "−19,77", "−20,27"],
    "Økonomiudvalget": ["−6,73", "−10,63", "−12,53", "−13,03"],
}
I_ALT = ["−32,27", "−46,01", "−51,01", "−52,01"]
KRAV = ["39,40", "36,10", "35,50", "35,50"]
RESTBELOEB = ["7,14", "−9,91", "−15,51", "−16,51"]
ANLAEG = ["13,50", "1,00", "0,70", "0,70"]


def _stille():
    return io.StringIO()


class OmstillingTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        call_command("indlaes_omstilling", FIXTURE, stdout=_stille())
        cls.katalog = Katalog.objects.get(aar=2019)

    def tabel(self, html: str, caption_start: str) -> dict:
        for t in tabeller(html):
            if t["caption"].startswith(caption_start):
                return t
        self.fail(f"Ingen tabel med overskriften »{caption_start}…«")


class OverviewTests(OmstillingTestCase):
    def setUp(self):
        self.client.force_login(self.udvalg)  # a reader sees the whole overview
        self.html = self.client.get("/omstilling/2019/").content.decode()

    def test_it_shows_the_savings_per_udvalg_and_year(self):
        rows = raekker(self.tabel(self.html, "Besparelserne fordelt på fagudvalg"))
        for navn, figures in PR_UDVALG.items():
            self.assertEqual(rows[navn], figures, navn)
        self.assertEqual(rows["I alt"], I_ALT)

    def test_it_shows_i_alt_krav_restbeloeb_and_anlaeg_per_year(self):
        rows = raekker(self.tabel(self.html, "Den samlede besparelse for perioden 2019-2022 (mio. kr.)"))
        self.assertEqual(rows["I alt"], I_ALT)
        self.assertEqual(rows["Budget 2019 krav – minimum"], KRAV)
        self.assertEqual(rows["Restbeløb (+ = mangler)"], RESTBELOEB)
        self.assertEqual(rows["Anlægsudgift"], ANLAEG)

    def test_it_shows_the_subtotal_per_udvalg_and_anlaeg_in_total(self):
        rows = raekker(self.tabel(self.html, "Oversigt over besparelser fra de enkelte omstillingscases"))
        for navn, figures in PR_UDVALG.items():
            self.assertEqual(rows[f"{navn} i alt"][:4], figures, navn)
        self.assertEqual(rows["Anlæg i alt"][-1], "15,90")

    def test_it_prints_each_proposal_as_the_seed_does(self):
        rows = raekker(self.tabel(self.html, "Oversigt over besparelser fra de enkelte omstillingscases"))
        self.assertEqual(
            rows["TMU-01"], ["Reducering af budgettet for Spildevandsplanen", "−0,05", "−0,05", "−0,05", "−0,05", ""]
        )
        # Blank 2019 (no drift that year) and the anlæg in its own column.
        self.assertEqual(rows["TMU-07"][1:], ["", "−0,27", "−0,27", "−0,27", "1,70"])
        # A net cost keeps the overview's plus sign.
        self.assertEqual(rows["TMU-04"][1:], ["0,01", "0,50", "0,50", "0,50", ""])
        self.assertEqual(rows["ØKU-03"][1:], ["0,60", "−0,50", "−0,50", "−0,50", "0,40"])
        # 25.000 kr. is printed with its third decimal, as in the seed.
        self.assertEqual(rows["ØKU-11"][1:], ["−0,025", "−0,025", "−0,025", "−0,025", ""])

    def test_it_links_all_43_proposals_to_their_pages(self):
        links = {unquote(h) for h in re.findall(r'href="(/omstilling/2019/[^/"]+/)"', self.html)}
        forventet = {f"/omstilling/2019/{nr}/" for nr in Forslag.objects.values_list("nr", flat=True)}
        self.assertEqual(len(forventet), 43)
        self.assertEqual(links, forventet)

    def test_it_prints_the_sign_notes_and_header_scopes(self):
        self.assertIn("+ = Merudgifter eller mindreindtægter", self.html)
        self.assertIn("− = Mindreudgifter eller merindtægter", self.html)
        self.assertIn("Restbeløb (+ = mangler)", self.html)
        for t in tabeller(self.html):
            self.assertIn("mio. kr.", t["caption"])
            self.assertTrue(all(s in ("col", "row", "colgroup") for s in t["header_scopes"]), t["caption"])

    def test_it_offers_no_create_button_to_a_reader(self):
        self.assertNotIn("/omstilling/2019/nyt/", self.html)

    def test_it_is_404_for_a_year_without_catalogue(self):
        self.assertEqual(self.client.get("/omstilling/2020/").status_code, 404)

    def test_it_redirects_anonymous_users_to_login(self):
        self.client.logout()
        for url in ("/omstilling/2019/", "/omstilling/2019/TMU-07/", "/omstilling/2019/oversigt.pdf"):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertTrue(response["Location"].startswith("/login/"), url)


class ProposalPageTests(OmstillingTestCase):
    def setUp(self):
        self.client.force_login(self.udvalg)

    def test_it_shows_the_economics_table_of_tmu_07(self):
        html = self.client.get("/omstilling/2019/TMU-07/").content.decode()
        tabel = self.tabel(html, "Forslagets økonomi")
        self.assertIn("1.000 kr.", tabel["caption"])
        self.assertEqual(tabel["rows"][0], ["(I 1.000 kr.)", "2019", "2020", "2021", "2022"])
        rows = raekker(tabel)
        self.assertEqual(rows["Driftsbesparelse"], ["", "270", "270", "270"])
        self.assertEqual(rows["Driftsudgift (investering)"], ["", "", "", ""])
        self.assertEqual(rows["Nettodriftsbesparelse"], ["", "270", "270", "270"])
        self.assertEqual(rows["Anlægsudgift"], ["1.700", "", "", ""])
        self.assertEqual(rows["Samlet nettobesparelse"], ["−1.700", "270", "270", "270"])

    def test_it_shows_the_serviceramme_split(self):
        html = self.client.get("/omstilling/2019/EBU-03/").content.decode()
        rows = raekker(self.tabel(html, "Nettodriftsbesparelsen fordelt på servicerammen"))
        self.assertEqual(rows["Inden for servicerammen"], ["−1.500", "−700", "−400", "−400"])
        self.assertEqual(rows["Uden for servicerammen"], ["5.500", "10.500", "12.800", "12.800"])
        self.assertEqual(rows["Nettodriftsbesparelse"], ["4.000", "9.800", "12.400", "12.400"])

    def test_it_shows_the_facts_texts_and_rammer(self):
        html = self.client.get("/omstilling/2019/TMU-01/").content.decode()
        for tekst in (
            "Teknik- og Miljøudvalget",
            "Center for By, Erhverv og Miljø",
            "Trine Baarstrøm",
            "tba@balk.dk",
            "17. april 2018",
            "00.15.25-G01-6-17",
            "Besparelse (reduktion af bevillingsrammerne)",
            "10.28 Øvrige miljøforanstaltninger",
            "Beskrivelse",
            "Finansiering",
            "Medtaget",
        ):
            self.assertIn(tekst, html)

    def test_it_is_404_for_an_unknown_number(self):
        self.assertEqual(self.client.get("/omstilling/2019/TMU-99/").status_code, 404)

    def test_it_shows_no_edit_link_to_a_reader(self):
        html = self.client.get("/omstilling/2019/TMU-01/").content.decode()
        self.assertNotIn("/omstilling/2019/TMU-01/rediger/", html)


class ImportTests(OmstillingTestCase):
    def _data(self):
        return json.loads(Path(FIXTURE).read_text(encoding="utf-8"))

    def test_it_is_idempotent(self):
        antal = (Forslag.objects.count(), Forslagsaar.objects.count(), Forslag.history.count())
        call_command("indlaes_omstilling", FIXTURE, stdout=_stille())
        call_command("indlaes_omstilling", FIXTURE, "--opdater", stdout=_stille())
        self.assertEqual((Forslag.objects.count(), Forslagsaar.objects.count(), Forslag.history.count()), antal)

    def test_it_loads_nothing_when_one_amount_is_bad(self):
        data = self._data()
        data["aar"], data["aar_fra"], data["aar_til"] = 2030, 2030, 2033
        data["krav"] = {str(a): "1000" for a in range(2030, 2034)}
        for f in data["forslag"]:
            f["aar"] = {str(int(a) + 11): v for a, v in f["aar"].items()}
        data["forslag"][-1]["aar"]["2031"]["driftsudgift"] = "12.5.0"
        sti = Path(self.id().replace(".", "_") + ".json")
        fil = Path("/tmp") / sti
        fil.write_text(json.dumps(data), encoding="utf-8")
        try:
            with self.assertRaisesMessage(CommandError, "ØKU-11 2031 driftsudgift"):
                call_command("indlaes_omstilling", str(fil), stdout=_stille())
        finally:
            fil.unlink()
        self.assertFalse(Katalog.objects.filter(aar=2030).exists())

    def test_it_updates_changed_figures_with_history_when_asked(self):
        data = self._data()
        data["forslag"][0]["aar"]["2019"]["driftsbesparelse"] = "60000"
        fil = Path("/tmp") / (self.id().replace(".", "_") + ".json")
        fil.write_text(json.dumps(data), encoding="utf-8")
        try:
            call_command("indlaes_omstilling", str(fil), stdout=_stille())
            self.assertEqual(Forslagsaar.objects.get(forslag__nr="TMU-01", aar=2019).driftsbesparelse, 50000)
            call_command("indlaes_omstilling", str(fil), "--opdater", stdout=_stille())
        finally:
            fil.unlink()
        self.assertEqual(Forslagsaar.objects.get(forslag__nr="TMU-01", aar=2019).driftsbesparelse, 60000)
        self.assertEqual(Forslagsaar.history.filter(forslag_id=Forslag.objects.get(nr="TMU-01").pk).count(), 5)


def _formdata(forslag: Forslag, **aendringer) -> dict:
    """The edit form as the browser posts it, pre-filled with the proposal's current values."""
    data = {
        "nr": forslag.nr,
        "titel": forslag.titel,
        "udvalg": str(forslag.udvalg_id),
        "status": forslag.status,
        "forslagsstiller": forslag.forslagsstiller,
        "kontakt_navn": forslag.kontakt_navn,
        "kontakt_telefon": forslag.kontakt_telefon,
        "kontakt_email": forslag.kontakt_email,
        "dato": forslag.dato.isoformat() if forslag.dato else "",
        "sagsid": forslag.sagsid,
        "ramme-TOTAL_FORMS": "2",
        "ramme-INITIAL_FORMS": "0",
        "ramme-MIN_NUM_FORMS": "0",
        "ramme-MAX_NUM_FORMS": "1000",
    }
    for felt, _ in Forslag.ARTER:
        if getattr(forslag, felt):
            data[felt] = "on"
    for felt, _ in Forslag.TEKSTER:
        data[felt] = getattr(forslag, felt)
    for tal in forslag.aarstal.all() if forslag.pk else []:
        for felt in ("driftsbesparelse", "driftsudgift", "anlaegsudgift", "inden_for_serviceramme"):
            data[f"aar{tal.aar}-{felt}"] = str(int(getattr(tal, felt)))
    for i, r in enumerate(forslag.rammer.all() if forslag.pk else []):
        data.update({f"ramme-{i}-nummer": r.nummer, f"ramme-{i}-navn": r.navn, f"ramme-{i}-konto": r.konto})
    data.update(aendringer)
    return data


class EditTests(OmstillingTestCase):
    def setUp(self):
        self.forslag = Forslag.objects.get(nr="TMU-07")
        self.url = "/omstilling/2019/TMU-07/rediger/"

    def _tal(self):
        return {(t.aar, t.driftsbesparelse, t.driftsudgift) for t in Forslagsaar.objects.filter(forslag=self.forslag)}

    def test_a_form_without_its_version_counts_as_stale(self):
        self.client.force_login(self.okonomi)
        response = self.client.post(self.url, _formdata(self.forslag, **{"aar2020-driftsbesparelse": "300.000"}))
        self.assertEqual(response.status_code, 409)
        self.assertNotEqual(Forslagsaar.objects.get(forslag=self.forslag, aar=2020).driftsbesparelse, Decimal("300000"))

    def test_it_lets_center_for_oekonomi_edit_figures_and_records_history(self):
        self.client.force_login(self.okonomi)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        version = self.client.get(self.url).context["form"]["version"].value()
        response = self.client.post(
            self.url, _formdata(self.forslag, version=version, **{"aar2020-driftsbesparelse": "300.000"})
        )
        self.assertRedirects(response, "/omstilling/2019/TMU-07/")
        self.assertEqual(Forslagsaar.objects.get(forslag=self.forslag, aar=2020).driftsbesparelse, Decimal("300000"))
        html = self.client.get("/omstilling/2019/TMU-07/").content.decode()
        rows = raekker(self.tabel(html, "Forslagets økonomi"))
        self.assertEqual(rows["Samlet nettobesparelse"], ["−1.700", "300", "270", "270"])
        historik = self.tabel(html, "Ændringer af TMU-07")
        self.assertIn(
            ["okonomi", "2020: Driftsbesparelse (kr.)", "270.000,00", "300.000,00"], [r[1:] for r in historik["rows"]]
        )

    def test_it_lets_a_konsulent_create_a_proposal(self):
        self.client.force_login(self.konsulent)
        ny = Forslag(nr="TMU-12", titel="Ny test", udvalg=self.forslag.udvalg, effektivisering=True)
        data = _formdata(ny)
        data.update({f"aar{a}-driftsbesparelse": "1.000,50" for a in (2019, 2020, 2021, 2022)})
        data.update({"ramme-0-nummer": "10.22", "ramme-0-navn": "Trafik og infrastruktur"})
        response = self.client.post("/omstilling/2019/nyt/", data)
        self.assertRedirects(response, "/omstilling/2019/TMU-12/")
        oprettet = Forslag.objects.get(nr="TMU-12")
        self.assertEqual(oprettet.aarstal.get(aar=2021).driftsbesparelse, Decimal("1000.50"))
        self.assertEqual(list(oprettet.rammer.values_list("nummer", flat=True)), ["10.22"])

    def test_it_refuses_udvalgsmedlemmer_and_changes_nothing(self):
        self.client.force_login(self.udvalg)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.get("/omstilling/2019/nyt/").status_code, 403)
        foer = self._tal()
        response = self.client.post(
            self.url, _formdata(self.forslag, titel="Ændret", **{"aar2020-driftsbesparelse": "1"})
        )
        self.assertEqual(response.status_code, 403)
        response = self.client.post("/omstilling/2019/nyt/", _formdata(self.forslag, nr="TMU-13"))
        self.assertEqual(response.status_code, 403)
        self.forslag.refresh_from_db()
        self.assertEqual(self.forslag.titel, "Modernisering af gadebelysningen på Ballerup Boulevard")
        self.assertEqual(self._tal(), foer)
        self.assertFalse(Forslag.objects.filter(nr="TMU-13").exists())

    def test_it_shows_a_danish_error_for_a_bad_amount_and_saves_nothing(self):
        self.client.force_login(self.okonomi)
        foer = self._tal()
        data = _formdata(
            self.forslag, titel="Skal ikke gemmes", **{"aar2021-driftsbesparelse": "1.50", "aar2022-driftsudgift": "10"}
        )
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("Der er fejl i formularen. Intet er gemt.", html)
        self.assertIn("»1.50« er ikke et gyldigt beløb", html)
        self.assertIn("Driftsbesparelse 2021 (kr.)", html)
        self.assertIn("<h1>Rediger TMU-07 Modernisering af gadebelysningen", html)
        self.forslag.refresh_from_db()
        self.assertNotEqual(self.forslag.titel, "Skal ikke gemmes")
        self.assertEqual(self._tal(), foer)

    def test_it_requires_the_number_to_match_the_udvalg(self):
        self.client.force_login(self.okonomi)
        response = self.client.post(self.url, _formdata(self.forslag, nr="EBU-07"))
        self.assertContains(response, "Nummeret skal begynde med udvalgets forkortelse, TMU-.")
        self.assertTrue(Forslag.objects.filter(nr="TMU-07").exists())

    def test_it_refuses_a_save_from_a_stale_form(self):
        self.client.force_login(self.okonomi)
        version = self.client.get(self.url).context["form"]["version"].value()
        self.client.post(self.url, _formdata(self.forslag, titel="Først", version=version))
        response = self.client.post(self.url, _formdata(self.forslag, titel="Sidst", version=version))
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "Forslaget er ændret af okonomi den ", status_code=409)
        # The form shows what is saved now, with its new version; the refused input is listed beside it.
        self.assertEqual(response.context["form"]["titel"].value(), "Først")
        self.assertEqual(response.context["form"]["version"].value(), version + 1)
        self.assertIn(("Titel", "Sidst"), response.context["indsendt"])
        self.forslag.refresh_from_db()
        self.assertEqual(self.forslag.titel, "Først")


class FollowUpTests(OmstillingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        aar = Budgetaar.objects.create(aar=2019)
        cls.laast = Opfoelgning.objects.create(
            aar=aar, nummer=1, pr_dato=date(2019, 4, 30), dokumentdato=date(2019, 4, 12), status=Opfoelgning.LAAST
        )
        cls.aaben = Opfoelgning.objects.create(
            aar=aar, nummer=2, pr_dato=date(2019, 8, 31), dokumentdato=date(2019, 8, 16)
        )
        tmu01 = Forslag.objects.get(nr="TMU-01")
        Forslagsopfoelgning.objects.create(
            forslag=tmu01, opfoelgning=cls.laast, indsats="glad", oekonomi="glad", realiseret=Decimal("10000")
        )

    def _post(self, url, **data):
        # As the browser posts it: with the version the form was opened at.
        side = self.client.get(url)
        version = side.context["form"]["version"].value() if side.status_code == 200 else ""
        return self.client.post(
            url, {"indsats": "glad", "oekonomi": "sur", "kommentar": "", "realiseret": "", "version": version, **data}
        )

    def test_it_saves_a_follow_up_in_an_open_round_and_lists_it(self):
        self.client.force_login(self.konsulent)
        url = "/omstilling/opfolgning/2019/2/2019/TMU-01/"
        response = self._post(url, kommentar="Udbuddet er forsinket.", realiseret="20.000")
        self.assertEqual(response.status_code, 302)
        html = self.client.get("/omstilling/opfolgning/2019/2/").content.decode()
        opf = self.tabel(html, "Forslagene i budget 2019 ved anden budgetopfølgning 2019")
        rows = raekker(opf)
        self.assertEqual(len([r for r in rows if re.fullmatch(r"[A-ZÆØÅ]+-\d\d[A-Z]?", r)]), 43)
        # The word is there as text; the face beside it is decoration.
        self.assertEqual(rows["TMU-01"][1:3], ["Glad", "Sur"])
        self.assertEqual(rows["TMU-01"][3:6], ["50", "20", "−30"])
        self.assertIn("Økonomi: Glad → Sur", rows["TMU-01"][7])
        self.assertIn("Realiseret: 10 → 20 (1.000 kr.)", rows["TMU-01"][7])
        udvalg = raekker(self.tabel(html, "Realiseret mod planlagt besparelse pr. udvalg i 2019"))
        # TMU planned 2019: 660.000 kr. net (the overview's -0,66); 20.000 realised, 8 not yet counted.
        self.assertEqual(udvalg["Teknik- og Miljøudvalget"][:3], ["660", "20", "−640"])
        self.assertEqual(udvalg["Teknik- og Miljøudvalget"][-1], "8")

    def test_it_refuses_edits_in_a_locked_round(self):
        self.client.force_login(self.okonomi)
        url = "/omstilling/opfolgning/2019/1/2019/TMU-01/"
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(self._post(url, realiseret="99.999").status_code, 403)
        self.assertEqual(Forslagsopfoelgning.objects.get(opfoelgning=self.laast).realiseret, Decimal("10000"))
        html = self.client.get("/omstilling/opfolgning/2019/1/").content.decode()
        self.assertNotIn("Følg op på", html)
        self.assertIn("Budgetopfølgningen er låst", html)

    def test_it_refuses_udvalgsmedlemmer(self):
        self.client.force_login(self.udvalg)
        self.assertEqual(self.client.get("/omstilling/opfolgning/2019/1/").status_code, 200)
        # An open round is a draft, invisible to readers.
        self.assertEqual(self.client.get("/omstilling/opfolgning/2019/2/").status_code, 404)
        self.assertIn(self._post("/omstilling/opfolgning/2019/2/2019/TMU-01/").status_code, (403, 404))
        self.assertEqual(self._post("/omstilling/opfolgning/2019/1/2019/TMU-01/").status_code, 403)
        self.assertEqual(Forslagsopfoelgning.objects.count(), 1)

    def test_it_shows_a_bad_amount_error_and_saves_nothing(self):
        self.client.force_login(self.okonomi)
        response = self._post("/omstilling/opfolgning/2019/2/2019/TMU-01/", realiseret="12,345")
        self.assertContains(response, "»12,345« er ikke et gyldigt beløb")
        self.assertFalse(Forslagsopfoelgning.objects.filter(opfoelgning=self.aaben).exists())

    def test_it_answers_405_to_get_on_the_post_only_transfer(self):
        self.client.force_login(self.okonomi)
        self.assertEqual(self.client.get("/omstilling/opfolgning/2019/2/overfoer/").status_code, 405)

    def test_it_transfers_statuses_from_the_previous_round(self):
        self.client.force_login(self.okonomi)
        response = self.client.post("/omstilling/opfolgning/2019/2/overfoer/")
        self.assertRedirects(response, "/omstilling/opfolgning/2019/2/")
        ny = Forslagsopfoelgning.objects.get(opfoelgning=self.aaben)
        self.assertEqual((ny.forslag.nr, ny.indsats, ny.oekonomi, ny.realiseret), ("TMU-01", "glad", "glad", None))

    def test_the_proposal_page_lists_its_follow_ups(self):
        self.client.force_login(self.udvalg)
        html = self.client.get("/omstilling/2019/TMU-01/").content.decode()
        rows = raekker(self.tabel(html, "Opfølgning på TMU-01"))
        self.assertEqual(rows["Første budgetopfølgning 2019"][:2], ["Glad", "Glad"])
        self.assertEqual(rows["Første budgetopfølgning 2019"][2:4], ["50", "10"])


class ExportTests(OmstillingTestCase):
    def setUp(self):
        self.client.force_login(self.udvalg)

    def test_the_overview_pdf_holds_the_i_alt_figures(self):
        response = self.client.get("/omstilling/2019/oversigt.pdf")
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        tekst = "".join(side.extract_text() for side in PdfReader(io.BytesIO(response.content)).pages)
        for tal in I_ALT + RESTBELOEB + ["15,90"]:
            self.assertIn(tal, tekst)

    def test_the_proposal_pdf_holds_its_table(self):
        response = self.client.get("/omstilling/2019/TMU-07/forslag.pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        tekst = "".join(side.extract_text() for side in PdfReader(io.BytesIO(response.content)).pages)
        self.assertIn("Modernisering af gadebelysningen", tekst)
        self.assertIn("−1.700", tekst)

    def test_the_workbook_keeps_numbers_as_numbers_and_text_as_text(self):
        Forslag.objects.filter(nr="TMU-01").update(titel='=HYPERLINK("http://x")')
        response = self.client.get("/omstilling/2019/oversigt.xlsx")
        self.assertEqual(response.status_code, 200)
        wb = load_workbook(io.BytesIO(response.content))
        ark = wb["Oversigt"]
        raekker_ = {r[1].value: r for r in ark.iter_rows() if r[1].value}
        i_alt = [c.value for c in raekker_["I alt"][2:6]]
        self.assertTrue(all(isinstance(v, float) for v in i_alt))
        self.assertEqual([round(v, 2) for v in i_alt], [-32.27, -46.01, -51.01, -52.01])
        self.assertEqual(round(raekker_["Restbeløb (+ = mangler)"][2].value, 3), 7.135)
        titel = next(r[1] for r in ark.iter_rows() if r[0].value == "TMU-01")
        self.assertEqual(titel.data_type, "s")
        self.assertTrue(titel.quotePrefix)
        self.assertEqual(titel.value, '=HYPERLINK("http://x")')


class RammeTagTests(OmstillingTestCase):
    def _render(self, ramme):
        return Template("{% load omstilling %}{% forslag_for_ramme ramme %}").render(Context({"ramme": ramme}))

    def test_it_lists_the_proposals_touching_a_ramme_in_a_running_year(self):
        aar = Budgetaar.objects.create(aar=2020)
        tmu = Udvalg.objects.create(aar=aar, navn="Teknik- og Miljøudvalget", kode="TMU")
        ramme = Bevillingsramme.objects.create(aar=aar, udvalg=tmu, nummer="10.22", navn="Trafik og infrastruktur")
        html = self._render(ramme)
        rows = raekker(tabeller(html)[0])
        self.assertEqual(set(rows) - {"Nr."}, {"TMU-02", "TMU-04", "TMU-05", "TMU-06", "TMU-07", "TMU-08", "TMU-09"})
        self.assertEqual(rows["TMU-07"][-1], "270")
        self.assertIn('href="/omstilling/2019/TMU-07/"', html)

    def test_it_says_so_when_no_proposal_touches_the_ramme(self):
        aar = Budgetaar.objects.create(aar=2024)
        tmu = Udvalg.objects.create(aar=aar, navn="Klima- og Miljøudvalget", kode="KMU")
        ramme = Bevillingsramme.objects.create(aar=aar, udvalg=tmu, nummer="10.22", navn="Trafik og infrastruktur")
        self.assertIn("Ingen omstillingsforslag berører 10.22 i 2024.", self._render(ramme))


ALLE = {"udvalg": 200, "konsulent": 200, "okonomi": 200}
REDAKTOER = {"udvalg": 403, "konsulent": 200, "okonomi": 200}
KLADDE = {"udvalg": 404, "konsulent": 200, "okonomi": 200}
# Every route of omstilling/urls.py: (kwargs, expected GET status per logged-in actor). Anonymous users always get
# the login redirect.
MATRIX = {
    "kataloger": [({}, ALLE)],
    "oversigt": [({"aar": 2019}, ALLE)],
    "oversigt_pdf": [({"aar": 2019}, ALLE)],
    "oversigt_xlsx": [({"aar": 2019}, ALLE)],
    "nyt_forslag": [({"aar": 2019}, REDAKTOER)],
    "forslag": [({"aar": 2019, "nr": "ØKU-11"}, ALLE)],
    "forslag_pdf": [({"aar": 2019, "nr": "ØKU-11"}, ALLE)],
    "rediger_forslag": [({"aar": 2019, "nr": "ØKU-11"}, REDAKTOER)],
    "opfoelgning": [
        ({"opfoelgning_aar": 2019, "opfoelgning_nr": 1}, ALLE),
        ({"opfoelgning_aar": 2019, "opfoelgning_nr": 2}, KLADDE),
    ],
    "overfoer": [({"opfoelgning_aar": 2019, "opfoelgning_nr": 2}, dict.fromkeys(ALLE, 405))],
    "rediger_opfoelgning": [
        ({"opfoelgning_aar": 2019, "opfoelgning_nr": 1, "aar": 2019, "nr": "TMU-01"}, dict.fromkeys(ALLE, 403)),
        ({"opfoelgning_aar": 2019, "opfoelgning_nr": 2, "aar": 2019, "nr": "TMU-01"}, KLADDE),
    ],
}


class AccessMatrixTests(OmstillingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        aar = Budgetaar.objects.create(aar=2019)
        Opfoelgning.objects.create(
            aar=aar, nummer=1, pr_dato=date(2019, 4, 30), dokumentdato=date(2019, 4, 12), status=Opfoelgning.LAAST
        )
        Opfoelgning.objects.create(aar=aar, nummer=2, pr_dato=date(2019, 8, 31), dokumentdato=date(2019, 8, 16))

    def _state(self):
        return (
            list(Forslag.objects.order_by("pk").values_list("nr", "titel", "status")),
            list(Forslagsaar.objects.order_by("pk").values_list("driftsbesparelse", "driftsudgift", "anlaegsudgift")),
            list(Forslagsopfoelgning.objects.order_by("pk").values_list("indsats", "oekonomi", "realiseret")),
            Forslag.history.count() + Forslagsaar.history.count() + Forslagsopfoelgning.history.count(),
        )

    def _login(self, actor):
        self.client.logout()
        if actor != "anonym":
            self.client.force_login(getattr(self, actor))

    def test_every_route_has_expectations(self):
        from omstilling.urls import urlpatterns

        self.assertEqual(sorted(p.name for p in urlpatterns), sorted(MATRIX))

    def test_the_matrix(self):
        for name, tilfaelde in MATRIX.items():
            for kwargs, forventet in tilfaelde:
                url = reverse(f"omstilling:{name}", kwargs=kwargs)
                for actor in ("anonym", *forventet):
                    self._login(actor)
                    with self.subTest(url=url, actor=actor):
                        response = self.client.get(url)
                        if actor == "anonym":
                            self.assertEqual(response.status_code, 302)
                            self.assertTrue(response["Location"].startswith("/login/?next="))
                        else:
                            self.assertEqual(response.status_code, forventet[actor])

    def test_refused_posts_change_nothing(self):
        data = {
            "titel": "Ændret",
            "indsats": "sur",
            "oekonomi": "sur",
            "realiseret": "1",
            "aar2019-driftsbesparelse": "1",
        }
        for name, tilfaelde in MATRIX.items():
            for kwargs, forventet in tilfaelde:
                url = reverse(f"omstilling:{name}", kwargs=kwargs)
                for actor in ("anonym", *forventet):
                    # Allowed requests are tested on their own; the transfer is POST-only, so its GET says 405.
                    tilladt = forventet.get(actor) == 200 or (name == "overfoer" and actor in ("konsulent", "okonomi"))
                    if tilladt:
                        continue
                    self._login(actor)
                    foer = self._state()
                    with self.subTest(url=url, actor=actor):
                        response = self.client.post(url, data)
                        self.assertIn(response.status_code, (302, 403, 404, 405))
                        self.assertEqual(self._state(), foer)

    def test_read_only_pages_answer_post_with_405(self):
        self.client.force_login(self.okonomi)
        for url in ("/omstilling/", "/omstilling/2019/", "/omstilling/2019/TMU-01/", "/omstilling/opfolgning/2019/1/"):
            self.assertEqual(self.client.post(url).status_code, 405, url)
