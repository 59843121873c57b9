"""Guards that tests can catch: every lock, permission and conflict check has a test here that fails when the
check is deleted.

Each refusal is paired with input that would otherwise be accepted (a valid file, valid form data, the right
versions), so the only thing that can refuse it is the guard under test. Where a service is guarded twice (by its
view's permission check and by its own lock check), the service is called directly, so the view cannot stop the
request first.
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from budgetopfolgning.indtastning import Aktivitetstal, Indtastning, gem_ramme, indfoer_aktiviteter
from budgetopfolgning.models import Aktivitetslinje, Opfoelgning, Opfoelgningslinje
from budgetopfolgning.services import ImportFejl, OpfoelgningsFejl, importer_budget
from kerne.versioner import Konflikt, version_af
from omstilling import services as omstilling_services
from omstilling.models import Forslag, Forslagsaar, Forslagsopfoelgning, Forslagsramme
from rammer.models import (
    Aarsregnskab,
    Aktivitet,
    Aktivitetsdel,
    Aktivitetskategori,
    Bevillingsramme,
    Budgetaar,
    Estimatdel,
    Estimatlinje,
    Ledelsesinformation,
    Maanedsstatus,
    Rammeansvar,
    Rammedel,
    Regnskabslinje,
    Udvalg,
    Underretningstal,
    Ydelse,
)
from tests.base import DemoTestCase
from tests.test_omstilling import OmstillingTestCase, _formdata

BUDGET_2024_1 = Path(settings.BASE_DIR) / "fixtures" / "budget_2024_1.csv"

RUNDER = (Budgetaar, Udvalg, Bevillingsramme, Rammedel, Aktivitet, Aktivitetsdel, Opfoelgning, Opfoelgningslinje,
          Aktivitetslinje)
OMSTILLING = (Forslag, Forslagsaar, Forslagsramme, Forslagsopfoelgning)
RAMMEDATA = (Aarsregnskab, Regnskabslinje, Ledelsesinformation, Aktivitetskategori, Estimatlinje, Estimatdel,
             Maanedsstatus, Underretningstal, Ydelse)


def _tilstand(*modeller) -> dict:
    """Every row of the models, and the number of history entries of those that keep history: equal before and
    after means nothing was written."""
    tilstand = {}
    for model in modeller:
        tilstand[model.__name__] = list(model.objects.order_by("pk").values())
        if hasattr(model, "history"):
            tilstand[f"{model.__name__} (historik)"] = model.history.count()
    return tilstand


def _form_data(response) -> dict:
    """The values a browser would submit from the form as rendered (checkboxes only when ticked)."""
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


def _klient(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- 1. The budget import refuses a locked round -------------------------------------------------------------------


class ImportLockTests(DemoTestCase):
    def _gyldig_fil(self) -> bytes:
        """The demo's own file for round 1, same figures, without 30.36 inside the serviceramme: that part is split
        into activities, and the import refuses figures for it whatever the round."""
        linjer = BUDGET_2024_1.read_text(encoding="utf-8").splitlines(keepends=True)
        return "".join(linje for linje in linjer if ";30.36;" not in linje or ";inden;" not in linje).encode()

    def test_a_valid_file_for_a_locked_round_is_refused_and_changes_nothing(self):
        foer = _tilstand(*RUNDER)
        with self.assertRaises(ImportFejl) as ctx:
            importer_budget(data=self._gyldig_fil(), filnavn="budget_2024_1.csv", aar=2024, nummer=1,
                            metadata={"sagsnr": "ændret"})
        self.assertEqual(ctx.exception.fejl, ["1. budgetopfølgning 2024 er låst og kan ikke ændres; ret i næste "
                                              "budgetopfølgning."])
        self.assertEqual(_tilstand(*RUNDER), foer)

    def test_the_same_file_is_accepted_for_the_open_round(self):
        # The file is valid: only the lock refuses it above.
        resultat = importer_budget(data=self._gyldig_fil(), filnavn="budget_2024_1.csv", aar=2024, nummer=2)
        self.assertEqual((resultat.oprettet, resultat.opdateret), (0, 24))


# --- 2. The round services refuse a locked round, called directly (the views stop the request before) -------------


class RoundServiceLockTests(DemoTestCase):
    def _indtastninger(self, runde_nr: int) -> dict[int, Indtastning]:
        """Valid input for every part of 30.46 in the round, with the versions as they are now."""
        return {
            linje.pk: Indtastning(
                korrektioner=linje.korrektioner + Decimal("1000"),
                forventet_forbrug=linje.forventet_forbrug + Decimal("2000"),
                forklaring="Ændret efter låsningen.",
                version=linje.version,
            )
            for linje in Opfoelgningslinje.objects.filter(
                opfoelgning__aar__aar=2024, opfoelgning__nummer=runde_nr, rammedel__ramme__nummer="30.46"
            )
        }

    def _aktiviteter(self, runde_nr: int) -> dict[int, Indtastning]:
        return {
            linje.pk: Indtastning(
                korrektioner=linje.korrektioner,
                forventet_forbrug=linje.forventet_forbrug + Decimal("500"),
                forklaring="",
                version=linje.version,
            )
            for linje in Aktivitetslinje.objects.filter(opfoelgning__aar__aar=2024, opfoelgning__nummer=runde_nr)
        }

    def test_gem_ramme_refuses_a_locked_round(self):
        runde = Opfoelgning.objects.get(aar__aar=2024, nummer=1)
        foer = _tilstand(*RUNDER)
        with self.assertRaises(OpfoelgningsFejl):
            gem_ramme(opfoelgning=runde, indtastninger=self._indtastninger(1), aktiviteter=self._aktiviteter(1),
                      bruger=self.okonomi)
        self.assertEqual(_tilstand(*RUNDER), foer)

    def test_gem_ramme_accepts_the_same_input_in_the_open_round(self):
        runde = Opfoelgning.objects.get(aar__aar=2024, nummer=2)
        gem_ramme(opfoelgning=runde, indtastninger=self._indtastninger(2), aktiviteter=self._aktiviteter(2),
                  bruger=self.okonomi)
        self.assertEqual(
            set(Opfoelgningslinje.objects.filter(opfoelgning=runde, rammedel__ramme__nummer="30.46")
                .values_list("version", flat=True)),
            {2},
        )

    def test_gem_ramme_in_the_open_round_cannot_reach_the_locked_rounds_lines(self):
        # The keys of round 1's lines, sent with round 2: they are not round 2's, so the save is refused.
        runde = Opfoelgning.objects.get(aar__aar=2024, nummer=2)
        foer = _tilstand(*RUNDER)
        # Lines that are not the round's count as changed since the form was opened.
        with self.assertRaises(Konflikt):
            gem_ramme(opfoelgning=runde, indtastninger=self._indtastninger(1), bruger=self.okonomi)
        with self.assertRaises(Konflikt):
            gem_ramme(opfoelgning=runde, indtastninger={}, aktiviteter=self._aktiviteter(1), bruger=self.okonomi)
        self.assertEqual(_tilstand(*RUNDER), foer)

    def _aktivitetstal(self, runde: Opfoelgning, rammedel: Rammedel) -> list[Aktivitetstal]:
        """Two activities that add up exactly to the part's budget and figures in the round."""
        linje = Opfoelgningslinje.objects.get(opfoelgning=runde, rammedel=rammedel)
        return [
            Aktivitetstal("Forebyggende indsatser", Decimal("1000000"), Decimal("0"), Decimal("1000000")),
            Aktivitetstal(
                "Anbringelser",
                rammedel.oprindeligt_budget - Decimal("1000000"),
                linje.korrektioner,
                linje.forventet_forbrug - Decimal("1000000"),
            ),
        ]

    def test_indfoer_aktiviteter_refuses_a_locked_round(self):
        runde = Opfoelgning.objects.get(aar__aar=2024, nummer=1)
        rammedel = Rammedel.objects.get(ramme__aar__aar=2024, ramme__nummer="30.46", placering=Rammedel.INDEN)
        foer = _tilstand(*RUNDER)
        with self.assertRaises(OpfoelgningsFejl) as ctx:
            indfoer_aktiviteter(opfoelgning=runde, rammedel=rammedel, aktiviteter=self._aktivitetstal(runde, rammedel))
        self.assertIn("er låst", str(ctx.exception))
        self.assertEqual(_tilstand(*RUNDER), foer)

    def test_indfoer_aktiviteter_accepts_the_same_split_in_the_open_round(self):
        runde = Opfoelgning.objects.get(aar__aar=2024, nummer=2)
        rammedel = Rammedel.objects.get(ramme__aar__aar=2024, ramme__nummer="30.46", placering=Rammedel.INDEN)
        self.assertEqual(
            len(indfoer_aktiviteter(opfoelgning=runde, rammedel=rammedel,
                                    aktiviteter=self._aktivitetstal(runde, rammedel))),
            2,
        )


# --- 3. The omstilling follow-up services refuse a locked round, called directly ------------------------------------


class OmstillingRunderTestCase(OmstillingTestCase):
    """2019: round 1 locked with a follow-up on TMU-01, round 2 locked without follow-ups, round 3 open."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        aar = Budgetaar.objects.create(aar=2019)
        cls.runde1 = Opfoelgning.objects.create(
            aar=aar, nummer=1, pr_dato=date(2019, 4, 30), dokumentdato=date(2019, 4, 12), status=Opfoelgning.LAAST
        )
        cls.runde2 = Opfoelgning.objects.create(
            aar=aar, nummer=2, pr_dato=date(2019, 8, 31), dokumentdato=date(2019, 8, 16), status=Opfoelgning.LAAST
        )
        cls.runde3 = Opfoelgning.objects.create(
            aar=aar, nummer=3, pr_dato=date(2019, 10, 31), dokumentdato=date(2019, 10, 16)
        )
        cls.tmu01 = Forslag.objects.get(nr="TMU-01")
        cls.tmu02 = Forslag.objects.get(nr="TMU-02")
        cls.opf = Forslagsopfoelgning.objects.create(
            forslag=cls.tmu01, opfoelgning=cls.runde1, indsats="glad", oekonomi="glad", realiseret=Decimal("10000")
        )
        cls.admin = User.objects.create_superuser("chef", password="demo")

    @staticmethod
    def _version(forslag: Forslag, runde: Opfoelgning) -> int:
        return version_af(Forslagsopfoelgning.objects.filter(forslag=forslag, opfoelgning=runde).first())


class OmstillingServiceLockTests(OmstillingRunderTestCase):
    def test_gem_opfoelgning_refuses_a_change_in_a_locked_round(self):
        opf = Forslagsopfoelgning.objects.get(pk=self.opf.pk)
        opf.oekonomi, opf.realiseret = "sur", Decimal("99999")
        foer = _tilstand(*OMSTILLING)
        with self.assertRaises(omstilling_services.OpfoelgningLaast):
            omstilling_services.gem_forslagsopfoelgning(
                forslagsopfoelgning=opf, bruger=self.okonomi, version=self._version(self.tmu01, self.runde1)
            )
        self.assertEqual(_tilstand(*OMSTILLING), foer)

    def test_gem_opfoelgning_refuses_a_new_follow_up_in_a_locked_round(self):
        foer = _tilstand(*OMSTILLING)
        with self.assertRaises(omstilling_services.OpfoelgningLaast):
            omstilling_services.gem_forslagsopfoelgning(
                forslagsopfoelgning=Forslagsopfoelgning(forslag=self.tmu02, opfoelgning=self.runde2, indsats="sur"),
                bruger=self.okonomi,
                version=0,
            )
        self.assertEqual(_tilstand(*OMSTILLING), foer)

    def test_gem_opfoelgning_accepts_a_new_follow_up_in_the_open_round(self):
        omstilling_services.gem_forslagsopfoelgning(
            forslagsopfoelgning=Forslagsopfoelgning(forslag=self.tmu02, opfoelgning=self.runde3, indsats="sur"),
            bruger=self.okonomi,
            version=0,
        )
        self.assertTrue(Forslagsopfoelgning.objects.filter(forslag=self.tmu02, opfoelgning=self.runde3).exists())

    def test_overfoer_fra_forrige_refuses_a_locked_round(self):
        foer = _tilstand(*OMSTILLING)
        with self.assertRaises(omstilling_services.OpfoelgningLaast):
            omstilling_services.overfoer_fra_forrige(
                opfoelgning=self.runde2, forrige=self.runde1, forslag=[self.tmu01, self.tmu02], bruger=self.okonomi
            )
        self.assertEqual(_tilstand(*OMSTILLING), foer)

    def test_overfoer_fra_forrige_transfers_into_the_open_round(self):
        antal = omstilling_services.overfoer_fra_forrige(
            opfoelgning=self.runde3, forrige=self.runde1, forslag=[self.tmu01, self.tmu02], bruger=self.okonomi
        )
        self.assertEqual(antal, 1)


# --- 4. The admin keeps a locked round, its year's master data and its follow-ups read-only ------------------------


class AdminLockTests(DemoTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.admin = User.objects.create_superuser("chef", password="demo")
        cls.aar2024 = Budgetaar.objects.get(aar=2024)
        cls.aar2023 = Budgetaar.objects.get(aar=2023)
        assert not Opfoelgning.objects.filter(aar=cls.aar2023).exists()

    def setUp(self):
        self.client.force_login(self.admin)

    def _runde_post(self, runde: Opfoelgning, **aendringer) -> dict:
        # The demo's e-mail address (økonomi@balk.dk) is not one Django's EmailField accepts, so a valid one is sent.
        return {"pr_dato": runde.pr_dato.isoformat(), "dokumentdato": runde.dokumentdato.isoformat(),
                "sagsnr": runde.sagsnr, "kontakt_center": runde.kontakt_center, "kontakt_navn": runde.kontakt_navn,
                "kontakt_telefon": runde.kontakt_telefon, "kontakt_email": "okonomi@example.dk", **aendringer}

    def test_a_locked_round_is_read_only_in_the_admin(self):
        runde = Opfoelgning.objects.get(aar__aar=2024, nummer=1)
        url = f"/admin/budgetopfolgning/opfoelgning/{runde.pk}/change/"
        side = self.client.get(url)
        self.assertEqual(side.status_code, 200)
        self.assertNotContains(side, 'name="_save"')
        foer = _tilstand(*RUNDER)
        self.assertEqual(self.client.post(url, self._runde_post(runde, sagsnr="ændret")).status_code, 403)
        self.assertEqual(_tilstand(*RUNDER), foer)

    def test_an_open_round_takes_the_same_post(self):
        runde = Opfoelgning.objects.get(aar__aar=2024, nummer=2)
        url = f"/admin/budgetopfolgning/opfoelgning/{runde.pk}/change/"
        self.assertContains(self.client.get(url), 'name="_save"')
        self.assertEqual(self.client.post(url, self._runde_post(runde, sagsnr="ændret")).status_code, 302)
        self.assertEqual(Opfoelgning.objects.get(pk=runde.pk).sagsnr, "ændret")

    def _stamdata(self, aar: Budgetaar):
        """One object per master-data admin in the year, with a valid change POST for it."""
        udvalg = Udvalg.objects.get(aar=aar, kode="BSU")
        ramme = Bevillingsramme.objects.get(aar=aar, nummer="30.46")
        aktivitet = Aktivitet.objects.filter(ramme__aar=aar).first()
        dele = {"dele-TOTAL_FORMS": "0", "dele-INITIAL_FORMS": "0", "dele-MIN_NUM_FORMS": "0",
                "dele-MAX_NUM_FORMS": "1000"}
        return [
            ("budgetaar", aar, {"aar": aar.aar, "serviceramme": "", "forklaringsgraense": "1"}),
            ("udvalg", udvalg, {"aar": aar.pk, "navn": "Omdøbt udvalg", "kode": udvalg.kode, "raekkefoelge": "99"}),
            ("bevillingsramme", ramme,
             {"aar": aar.pk, "udvalg": udvalg.pk, "nummer": ramme.nummer, "navn": "Omdøbt ramme", **dele}),
            ("aktivitet", aktivitet,
             {"ramme": aktivitet.ramme_id, "navn": "Omdøbt aktivitet", "andet_navn": "", "sortering": "99",
              "beskrivelse": ""}),
        ]

    def test_a_frozen_years_master_data_is_read_only_in_the_admin(self):
        for model, obj, data in self._stamdata(self.aar2024):
            url = f"/admin/{obj._meta.app_label}/{model}/{obj.pk}/change/"
            with self.subTest(url=url):
                side = self.client.get(url)
                self.assertEqual(side.status_code, 200)
                self.assertNotContains(side, 'name="_save"')
                foer = _tilstand(*RUNDER)
                self.assertEqual(self.client.post(url, data).status_code, 403)
                self.assertEqual(_tilstand(*RUNDER), foer)

    def test_a_year_without_a_locked_round_takes_the_same_posts(self):
        # 2023 has only the ramme data; give it an activity so every admin has an object there.
        Aktivitet.objects.create(ramme=Bevillingsramme.objects.get(aar=self.aar2023, nummer="30.46"), navn="Test")
        for model, obj, data in self._stamdata(self.aar2023):
            url = f"/admin/{obj._meta.app_label}/{model}/{obj.pk}/change/"
            with self.subTest(url=url):
                self.assertEqual(self.client.post(url, data).status_code, 302)

    def _tomme_objekter(self, aar: Budgetaar) -> list:
        """Master data of the year that nothing else points to, so only the guard stands between them and the
        delete button (the year itself is protected by its rounds as well)."""
        ramme = Bevillingsramme.objects.get(aar=aar, nummer="30.46")
        return [
            ("udvalg", Udvalg.objects.create(aar=aar, navn="Tomt udvalg", kode="TOM")),
            ("bevillingsramme", Bevillingsramme.objects.create(
                aar=aar, udvalg=ramme.udvalg, nummer="99.99", navn="Tom ramme")),
            ("aktivitet", Aktivitet.objects.create(ramme=ramme, navn="Tom aktivitet")),
        ]

    def test_a_frozen_years_master_data_cannot_be_deleted_in_the_admin(self):
        for model, obj in [("budgetaar", self.aar2024), *self._tomme_objekter(self.aar2024)]:
            url = f"/admin/rammer/{model}/{obj.pk}/delete/"
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 403)
                self.assertEqual(self.client.post(url, {"post": "yes"}).status_code, 403)
                self.assertTrue(type(obj).objects.filter(pk=obj.pk).exists())

    def test_a_frozen_years_master_data_cannot_be_deleted_with_the_list_action(self):
        for model, obj in self._tomme_objekter(self.aar2024):
            url = f"/admin/rammer/{model}/"
            with self.subTest(url=url):
                response = self.client.post(url, {"action": "delete_selected", "_selected_action": [obj.pk],
                                                  "post": "yes"})
                self.assertEqual(response.status_code, 403)
                self.assertTrue(type(obj).objects.filter(pk=obj.pk).exists())
        # The same objects in a year without a locked round are deleted.
        for model, obj in self._tomme_objekter(self.aar2023):
            with self.subTest(model=model, aar=2023):
                response = self.client.post(f"/admin/rammer/{model}/", {
                    "action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
                self.assertEqual(response.status_code, 302)
                self.assertFalse(type(obj).objects.filter(pk=obj.pk).exists())

    def test_nothing_new_is_placed_in_a_frozen_year_from_the_admin(self):
        bsu2024 = Udvalg.objects.get(aar=self.aar2024, kode="BSU")
        bsu2023 = Udvalg.objects.get(aar=self.aar2023, kode="BSU")
        dele = {"dele-TOTAL_FORMS": "0", "dele-INITIAL_FORMS": "0", "dele-MIN_NUM_FORMS": "0",
                "dele-MAX_NUM_FORMS": "1000"}
        tilfaelde = [
            # (model, a POST into the frozen year, the same POST into 2023)
            ("udvalg", {"aar": self.aar2024.pk, "navn": "Nyt udvalg", "kode": "NYT", "raekkefoelge": "9"},
             {"aar": self.aar2023.pk}),
            # The year is open (2023), but the udvalg belongs to 2024: only the udvalg's own check refuses it.
            ("bevillingsramme", {"aar": self.aar2023.pk, "udvalg": bsu2024.pk, "nummer": "99.98", "navn": "Ny",
                                 **dele},
             {"udvalg": bsu2023.pk}),
            ("aktivitet", {"ramme": Bevillingsramme.objects.get(aar=self.aar2024, nummer="30.46").pk,
                           "navn": "Ny aktivitet", "sortering": "1"},
             {"ramme": Bevillingsramme.objects.get(aar=self.aar2023, nummer="30.46").pk}),
        ]
        for model, frossen, aaben in tilfaelde:
            url = f"/admin/rammer/{model}/add/"
            with self.subTest(url=url):
                foer = _tilstand(*RUNDER)
                response = self.client.post(url, frossen)
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["adminform"].form.errors)
                self.assertEqual(_tilstand(*RUNDER), foer)
                self.assertEqual(self.client.post(url, {**frossen, **aaben}).status_code, 302)


class FollowUpAdminLockTests(OmstillingRunderTestCase):
    def setUp(self):
        self.client.force_login(self.admin)

    def _post(self, opf: Forslagsopfoelgning, **aendringer) -> dict:
        return {"forslag": opf.forslag_id, "opfoelgning": opf.opfoelgning_id, "indsats": opf.indsats,
                "oekonomi": opf.oekonomi, "kommentar": opf.kommentar, "realiseret": "", "aendret_af": "",
                **aendringer}

    def test_a_locked_rounds_follow_up_is_read_only_in_the_admin(self):
        url = f"/admin/omstilling/forslagsopfoelgning/{self.opf.pk}/change/"
        side = self.client.get(url)
        self.assertEqual(side.status_code, 200)
        self.assertNotContains(side, 'name="_save"')
        foer = _tilstand(*OMSTILLING)
        self.assertEqual(self.client.post(url, self._post(self.opf, oekonomi="sur")).status_code, 403)
        self.assertEqual(_tilstand(*OMSTILLING), foer)

    def test_a_locked_rounds_follow_up_cannot_be_deleted_in_the_admin(self):
        url = f"/admin/omstilling/forslagsopfoelgning/{self.opf.pk}/delete/"
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(self.client.post(url, {"post": "yes"}).status_code, 403)
        response = self.client.post("/admin/omstilling/forslagsopfoelgning/", {
            "action": "delete_selected", "_selected_action": [self.opf.pk], "post": "yes"})
        self.assertEqual(response.status_code, 403)
        self.assertTrue(Forslagsopfoelgning.objects.filter(pk=self.opf.pk).exists())

    def test_an_open_rounds_follow_up_can_be_changed_and_deleted(self):
        opf = Forslagsopfoelgning.objects.create(forslag=self.tmu02, opfoelgning=self.runde3, indsats="glad")
        url = f"/admin/omstilling/forslagsopfoelgning/{opf.pk}/"
        self.assertEqual(self.client.post(url + "change/", self._post(opf, oekonomi="sur")).status_code, 302)
        self.assertEqual(Forslagsopfoelgning.objects.get(pk=opf.pk).oekonomi, "sur")
        self.assertEqual(self.client.post(url + "delete/", {"post": "yes"}).status_code, 302)
        self.assertFalse(Forslagsopfoelgning.objects.filter(pk=opf.pk).exists())

    def test_no_new_follow_up_is_added_to_a_locked_round_from_the_admin(self):
        url = "/admin/omstilling/forslagsopfoelgning/add/"
        ny = Forslagsopfoelgning(forslag=self.tmu02, opfoelgning=self.runde2, indsats="sur")
        foer = _tilstand(*OMSTILLING)
        response = self.client.post(url, self._post(ny))
        self.assertEqual(response.status_code, 200)
        self.assertIn("opfoelgning", response.context["adminform"].form.errors)
        self.assertEqual(_tilstand(*OMSTILLING), foer)
        ny.opfoelgning = self.runde3
        self.assertEqual(self.client.post(url, self._post(ny)).status_code, 302)

    def test_the_history_page_cannot_rewrite_a_locked_rounds_follow_up(self):
        version = Forslagsopfoelgning.history.filter(id=self.opf.pk).earliest("history_date")
        url = f"/admin/omstilling/forslagsopfoelgning/{self.opf.pk}/history/{version.history_id}/"
        foer = _tilstand(*OMSTILLING)
        response = self.client.post(url, self._post(self.opf, opfoelgning=self.runde3.pk, oekonomi="sur"))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(_tilstand(*OMSTILLING), foer)
        self.assertEqual(Forslagsopfoelgning.objects.get(pk=self.opf.pk).opfoelgning, self.runde1)



# --- 6. Every edit view refuses a user without permission, with valid data -----------------------------------------


class RoundViewPermissionTests(DemoTestCase):
    def test_rediger_ramme_refuses_a_konsulent_for_another_rammes_valid_post(self):
        url = "/opfolgning/2024/2/ramme/10.30/rediger/"
        data = _form_data(_klient(self.okonomi).get(url))
        data["inden_forventet_forbrug"] = "1"
        data["inden_bekraeft"] = "on"  # far from the budget: the form asks, and this confirms
        foer = _tilstand(*RUNDER)
        self.assertEqual(_klient(self.konsulent).post(url, data).status_code, 403)
        self.assertEqual(_klient(self.udvalg).post(url, data).status_code, 404)
        self.assertEqual(_tilstand(*RUNDER), foer)
        # The same POST from Center for Økonomi is saved.
        self.assertEqual(_klient(self.okonomi).post(url, data).status_code, 302)

    def test_laas_refuses_a_konsulent(self):
        foer = _tilstand(Opfoelgning)
        self.assertEqual(_klient(self.konsulent).post("/opfolgning/2024/2/laas/").status_code, 403)
        self.assertEqual(_klient(self.udvalg).post("/opfolgning/2024/2/laas/").status_code, 404)
        self.assertEqual(_tilstand(Opfoelgning), foer)

    def test_ny_opfoelgning_refuses_a_konsulent(self):
        # With round 2 locked a new round may be opened, so only the permission check refuses it.
        Opfoelgning.objects.filter(aar__aar=2024, nummer=2).update(status=Opfoelgning.LAAST)
        data = {"aar": Budgetaar.objects.get(aar=2024).pk, "pr_dato": "2024-10-31", "dokumentdato": "2024-11-08"}
        foer = _tilstand(*RUNDER)
        for user in (self.konsulent, self.udvalg):
            with self.subTest(user=user.username):
                self.assertEqual(_klient(user).post("/opfolgning/ny/", data).status_code, 403)
        self.assertEqual(_tilstand(*RUNDER), foer)
        self.assertEqual(_klient(self.okonomi).post("/opfolgning/ny/", data).status_code, 302)


    def test_a_locked_rounds_edit_pages_refuse_even_center_for_oekonomi(self):
        okonomi = _klient(self.okonomi)
        url = "/opfolgning/2024/1/ramme/30.46/rediger/"
        data = {f"{linje.rammedel.placering}_{felt}": value
                for linje in Opfoelgningslinje.objects.filter(opfoelgning__nummer=1, rammedel__ramme__nummer="30.46")
                for felt, value in (("korrektioner", "0"), ("forventet_forbrug", "1"), ("forklaring", "Ændret"),
                                    ("version", linje.version))}
        foer = _tilstand(*RUNDER)
        self.assertEqual(okonomi.get(url).status_code, 403)
        self.assertEqual(okonomi.post(url, data).status_code, 403)
        self.assertEqual(okonomi.get("/opfolgning/2024/1/laas/").status_code, 403)
        self.assertEqual(okonomi.post("/opfolgning/2024/1/laas/").status_code, 403)
        self.assertEqual(_tilstand(*RUNDER), foer)


class RammedataViewPermissionTests(DemoTestCase):
    """The konsulent is responsible for 30.46 in 2018 and 2023 in the demo; the tests take that away, so the same
    user is "a konsulent for someone else's ramme"."""

    def _uden_ansvar(self, aar: int, nummer: str) -> None:
        Rammeansvar.objects.filter(bruger=self.konsulent, ramme__aar__aar=aar, ramme__nummer=nummer).delete()

    def _refuses(self, url: str, data: dict) -> None:
        foer = _tilstand(*RAMMEDATA)
        for user in (self.konsulent, self.udvalg):
            with self.subTest(url=url, user=user.username):
                self.assertEqual(_klient(user).post(url, data).status_code, 403)
                self.assertEqual(_tilstand(*RAMMEDATA), foer)

    def test_rediger_regnskab_refuses_a_valid_post(self):
        self._uden_ansvar(2018, "30.46")
        url = "/rammer/2018/30.46/regnskab/rediger/"
        data = _form_data(_klient(self.okonomi).get(url))
        data[next(k for k in data if k.endswith("_regnskab"))] = "1"
        self._refuses(url, data)
        self.assertEqual(_klient(self.okonomi).post(url, data).status_code, 302)

    def test_the_ledelsesinformation_edits_refuse_a_valid_post(self):
        self._uden_ansvar(2023, "30.46")
        li = "/rammer/2023/30.46/ledelsesinformation/"
        okonomi = _klient(self.okonomi)
        kategori = Aktivitetskategori.objects.filter(ledelsesinformation__ramme__aar__aar=2023).first()
        aendringer = {
            "skoen/": {f"k{kategori.pk}_enhedspris": "420.000", f"k{kategori.pk}_helaarsbrugere": "30"},
            "estimat/": {"_forventet_forbrug": "1"},
            "maanedsstatus/": {"maaned": "3", "forventet_forbrug": "159.000.000", "budget": "158.206.000"},
            "underretninger/": {"aar": "2023", "maaned": "3", "antal": "121", "til_og_med": ""},
        }
        for side, aendring in aendringer.items():
            # The four pages share the ledelsesinformation's version: each form is read just before its post.
            data = _form_data(okonomi.get(li + side))
            for felt, vaerdi in aendring.items():
                data[next(k for k in data if k.endswith(felt)) if felt.startswith("_") else felt] = vaerdi
            self._refuses(li + side, data)
            with self.subTest(url=li + side, user="okonomi"):
                self.assertEqual(okonomi.post(li + side, data).status_code, 302)

    def test_gem_budgetmodel_refuses_a_valid_post(self):
        url = "/rammer/2018/20.02/budgetmodel/"
        data = _form_data(_klient(self.okonomi).get(url))
        ydelse = Ydelse.objects.get(navn="A-dagpenge")
        data[f"y{ydelse.pk}_helaarspersoner"] = "650"
        self._refuses(url + "gem/", data)
        # The what-if on the page itself never saves, so every reader may post it.
        foer = _tilstand(*RAMMEDATA)
        self.assertEqual(_klient(self.udvalg).post(url, data).status_code, 200)
        self.assertEqual(_tilstand(*RAMMEDATA), foer)
        self.assertEqual(_klient(self.okonomi).post(url + "gem/", data).status_code, 302)


class OmstillingViewPermissionTests(OmstillingRunderTestCase):
    def test_rediger_forslag_refuses_an_udvalgsmedlems_valid_post(self):
        url = "/omstilling/2019/TMU-07/rediger/"
        forslag = Forslag.objects.get(nr="TMU-07")
        data = _formdata(forslag, titel="Ændret", version=version_af(forslag),
                         **{"aar2020-driftsbesparelse": "300.000"})
        foer = _tilstand(*OMSTILLING)
        self.assertEqual(_klient(self.udvalg).post(url, data).status_code, 403)
        self.assertEqual(_tilstand(*OMSTILLING), foer)
        self.assertEqual(_klient(self.okonomi).post(url, data).status_code, 302)

    def test_nyt_forslag_refuses_an_udvalgsmedlems_valid_post(self):
        ny = Forslag(nr="TMU-12", titel="Ny test", udvalg=self.tmu01.udvalg, effektivisering=True)
        data = _formdata(ny, **{f"aar{a}-driftsbesparelse": "1.000" for a in (2019, 2020, 2021, 2022)})
        foer = _tilstand(*OMSTILLING)
        self.assertEqual(_klient(self.udvalg).post("/omstilling/2019/nyt/", data).status_code, 403)
        self.assertEqual(_tilstand(*OMSTILLING), foer)
        self.assertEqual(_klient(self.konsulent).post("/omstilling/2019/nyt/", data).status_code, 302)

    def test_rediger_opfoelgning_refuses_an_udvalgsmedlem(self):
        # An udvalgsmedlem sees only locked rounds, where the service refuses a save too: the form itself is refused.
        udvalg = _klient(self.udvalg)
        url = reverse("omstilling:rediger_opfoelgning", args=[2019, 2, 2019, "TMU-01"])
        self.assertEqual(udvalg.get(url).status_code, 403)
        data = {"indsats": "sur", "oekonomi": "sur", "kommentar": "", "realiseret": "",
                "version": self._version(self.tmu01, self.runde2)}
        foer = _tilstand(*OMSTILLING)
        self.assertEqual(udvalg.post(url, data).status_code, 403)
        aaben = reverse("omstilling:rediger_opfoelgning", args=[2019, 3, 2019, "TMU-01"])
        self.assertEqual(udvalg.post(aaben, data).status_code, 404)
        self.assertEqual(_tilstand(*OMSTILLING), foer)

    def test_a_locked_rounds_follow_up_form_refuses_even_center_for_oekonomi(self):
        okonomi = _klient(self.okonomi)
        url = reverse("omstilling:rediger_opfoelgning", args=[2019, 1, 2019, "TMU-01"])
        self.assertEqual(okonomi.get(url).status_code, 403)
        data = {"indsats": "sur", "oekonomi": "sur", "kommentar": "", "realiseret": "",
                "version": self._version(self.tmu01, self.runde1)}
        foer = _tilstand(*OMSTILLING)
        self.assertEqual(okonomi.post(url, data).status_code, 403)
        self.assertEqual(_tilstand(*OMSTILLING), foer)

    def test_overfoer_refuses_an_udvalgsmedlem(self):
        udvalg = _klient(self.udvalg)
        foer = _tilstand(*OMSTILLING)
        for nr, status in ((1, 403), (2, 403), (3, 404)):
            with self.subTest(runde=nr):
                self.assertEqual(udvalg.post(f"/omstilling/opfolgning/2019/{nr}/overfoer/").status_code, status)
        self.assertEqual(_tilstand(*OMSTILLING), foer)


# --- 7. Every edit path refuses a stale version and writes nothing -------------------------------------------------
