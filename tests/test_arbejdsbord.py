"""The konsulent's workbench: Mine rammer, the round's grid with per-row conflicts, amounts as people type them,
the plausibility question, the review steps and who may take them, the lock's confirmation, reminders."""

import io
from datetime import date
from decimal import Decimal

from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from budgetopfolgning import gennemgang, indtastning, mellemlager
from budgetopfolgning.models import Aktivitetslinje, Opfoelgning, Opfoelgningslinje, Paamindelse, Rammestatus
from budgetopfolgning.plausibilitet import tvivl
from kerne.beloeb import UgyldigtBeloeb, parse_indtastet
from rammer.models import Bevillingsramme, Rammeansvar
from tests.base import DemoTestCase, formular, tabeller, uden_sessionsfornyelse

GITTER = "/opfolgning/2024/2/indtastning/"


def _runde() -> Opfoelgning:
    return Opfoelgning.objects.get(aar__aar=2024, nummer=2)


def _linje(ramme: str, placering: str = "inden") -> Opfoelgningslinje:
    return Opfoelgningslinje.objects.get(
        opfoelgning__aar__aar=2024, opfoelgning__nummer=2, rammedel__ramme__nummer=ramme,
        rammedel__placering=placering,
    )


def _klient(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _status(ramme: str) -> str:
    s = Rammestatus.objects.filter(opfoelgning=_runde(), ramme__nummer=ramme, ramme__aar__aar=2024).first()
    return s.status if s else Rammestatus.IKKE_PAABEGYNDT


class AmountInputTests(DemoTestCase):
    def test_the_ways_people_type_amounts(self):
        for tekst, kr in (
            ("+500.000", "500000"), ("-1.234.567,50", "-1234567.50"), ("1 234 567", "1234567"),
            ("\u2212500", "-500"), ("18.000 t.kr.", "18000000"), ("18.000 t. kr.", "18000000"),
            ("1,5 tkr.", "1500"), ("-1.500 T.KR.", "-1500000"), ("0,00001 t.kr.", "0.01"),
        ):
            with self.subTest(tekst=tekst):
                self.assertEqual(parse_indtastet(tekst), Decimal(kr))

    def test_t_kr_keeps_the_strict_rules(self):
        for tekst in ("1,000001 t.kr.", "1.50 t.kr.", "t.kr.", "18.000 kr.", "1e3 t.kr."):
            with self.subTest(tekst=tekst), self.assertRaises(UgyldigtBeloeb):
                parse_indtastet(tekst)

    def test_the_ramme_form_takes_t_kr_and_a_plus(self):
        c = _klient(self.konsulent)
        data = formular(c.get("/opfolgning/2024/2/ramme/30.46/rediger/").content.decode())
        data["inden_forventet_forbrug"] = "175.000 t.kr."
        data["inden_korrektioner"] = "+500.000"
        response = c.post("/opfolgning/2024/2/ramme/30.46/rediger/", data)
        self.assertEqual(response.status_code, 302)
        linje = _linje("30.46")
        self.assertEqual((linje.korrektioner, linje.forventet_forbrug), (Decimal("500000"), Decimal("175000000")))


class PlausibilityTests(DemoTestCase):
    def test_the_rule(self):
        self.assertIn("under en tiendedel", tvivl(Decimal("18000"), Decimal("18000000"), None))
        self.assertIn("over ti gange", tvivl(Decimal("190000000"), Decimal("18000000"), None))
        self.assertIn("50 %", tvivl(Decimal("28000000"), Decimal("20000000"), Decimal("18000000")))
        self.assertIsNone(tvivl(Decimal("27000000"), Decimal("20000000"), Decimal("18000000")))
        self.assertIsNone(tvivl(Decimal("5"), Decimal("0"), None))  # a budget of 0 has no scale

    def test_a_forecast_typed_in_thousands_is_asked_about_and_saved_only_when_confirmed(self):
        c = _klient(self.konsulent)
        url = "/opfolgning/2024/2/ramme/30.46/rediger/"
        data = formular(c.get(url).content.decode())
        data["inden_forventet_forbrug"] = "174.800"  # meant as 1.000 kr.
        response = c.post(url, data)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "under en tiendedel", status_code=400)
        self.assertContains(response, "Ja, beløbet er rigtigt", status_code=400)
        self.assertEqual(_linje("30.46").forventet_forbrug, Decimal("174800000.00"))
        data["inden_bekraeft"] = "on"
        self.assertEqual(c.post(url, data).status_code, 302)
        self.assertEqual(_linje("30.46").forventet_forbrug, Decimal("174800"))

    def test_an_unchanged_forecast_is_not_asked_about(self):
        c = _klient(self.konsulent)
        url = "/opfolgning/2024/2/ramme/30.46/rediger/"
        data = formular(c.get(url).content.decode())
        data["inden_forklaring"] = "Ny tekst."
        self.assertEqual(c.post(url, data).status_code, 302)


class GridTests(DemoTestCase):
    def test_konsulent_sees_own_rows_labelled_by_ramme_part_and_field(self):
        response = _klient(self.konsulent).get(GITTER)
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        labels = {str(f.label) for f in form if not f.is_hidden}
        self.assertIn(
            "Forventet forbrug, 30.46 Forebyggelse/anbringelse af børn og unge uden for hjemmet, inden for "
            "servicerammen",
            labels,
        )
        self.assertIn(
            "Korrektioner, 30.36 Tilbud til børn og unge med særlige behov, Støtte i almenskolen, "
            "inden for servicerammen",
            labels,
        )
        rammer = {r.ramme.nummer for r in form.raekker}
        self.assertEqual(rammer, {"30.36", "30.46"})
        # 30.36's part inside the serviceramme is the sum of its activities: shown, not an input.
        self.assertFalse(any(r.ramme.nummer == "30.36" and r.placering == "inden" and not r.er_aktivitet
                             for r in form.raekker))

    def test_udvalg_and_an_unassigned_konsulent_get_no_grid(self):
        self.assertEqual(_klient(self.udvalg).get(GITTER).status_code, 404)
        Rammeansvar.objects.filter(bruger=self.konsulent, ramme__aar__aar=2024).delete()
        self.assertEqual(_klient(self.konsulent).get(GITTER).status_code, 403)

    def test_saving_the_grid_saves_changed_rows_and_the_part_takes_its_activities_sum(self):
        c = _klient(self.konsulent)
        data = formular(c.get(GITTER).content.decode())
        akt = Aktivitetslinje.objects.get(opfoelgning=_runde(), aktivitetsdel__aktivitet__navn="Støtte i almenskolen")
        del_ = _linje("30.46")
        data[f"a{akt.pk}_forventet_forbrug"] = str(int(akt.forventet_forbrug) + 1000000)
        data[f"d{del_.pk}_korrektioner"] = "-2.000 t.kr."
        response = c.post(GITTER, data, follow=True)
        self.assertContains(response, "2 rammer gemt.")
        akt.refresh_from_db()
        sum_ = Aktivitetslinje.objects.filter(
            opfoelgning=_runde(), aktivitetsdel__aktivitet__ramme__nummer="30.36"
        ).values_list("forventet_forbrug", flat=True)
        self.assertEqual(_linje("30.36").forventet_forbrug, sum(sum_))
        self.assertEqual(_linje("30.46").korrektioner, Decimal("-2000000"))
        self.assertEqual((_status("30.36"), _status("30.46")), (Rammestatus.I_GANG, Rammestatus.I_GANG))
        # Tabel 1 follows: 30.46's korrektioner are in Børne- og Skoleudvalget's row.
        self.assertEqual(_linje("30.46").history.first().history_user, self.konsulent)

    def test_a_row_changed_by_someone_else_is_not_overwritten_and_the_others_are_saved(self):
        c = _klient(self.konsulent)
        data = formular(c.get(GITTER).content.decode())
        del_ = _linje("30.46")
        akt = Aktivitetslinje.objects.get(opfoelgning=_runde(), aktivitetsdel__aktivitet__navn="Støtte i almenskolen")
        # Center for Økonomi saves 30.46 in the meantime.
        andet = _klient(self.okonomi)
        andre = formular(andet.get(GITTER).content.decode())
        andre[f"d{del_.pk}_forventet_forbrug"] = "175.000.000"
        self.assertEqual(andet.post(GITTER, andre).status_code, 302)
        data[f"d{del_.pk}_forventet_forbrug"] = "176.000.000"
        data[f"a{akt.pk}_forventet_forbrug"] = "17.500.000"
        response = c.post(GITTER, data)
        self.assertEqual(response.status_code, 409)
        besked = [str(m) for m in response.context["messages"]][0]
        self.assertTrue(
            besked.startswith("1 ramme gemt, 1 ikke gemt: 30.46 er ændret af Olivia Østergaard den "), besked
        )
        self.assertEqual(_linje("30.46").forventet_forbrug, Decimal("175000000"))
        akt.refresh_from_db()
        self.assertEqual(akt.forventet_forbrug, Decimal("17500000"))
        # The page shows what is saved now in the field, and what the user typed beside it.
        html = response.content.decode()
        self.assertIn('value="175.000.000"', html)
        self.assertIn("Du skrev: 176.000.000", html)

    def test_a_bad_amount_saves_nothing_and_names_the_field(self):
        c = _klient(self.konsulent)
        data = formular(c.get(GITTER).content.decode())
        del_ = _linje("30.46")
        akt = Aktivitetslinje.objects.get(opfoelgning=_runde(), aktivitetsdel__aktivitet__navn="Støtte i almenskolen")
        data[f"d{del_.pk}_forventet_forbrug"] = "1.50"
        data[f"a{akt.pk}_forventet_forbrug"] = "17.500.000"
        response = c.post(GITTER, data)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Forventet forbrug, 30.46 Forebyggelse/anbringelse af børn", status_code=400)
        akt.refresh_from_db()
        self.assertEqual(akt.forventet_forbrug, Decimal("17000000"))

    def test_a_posted_row_of_another_ramme_or_round_is_not_written(self):
        runde1_linje = Opfoelgningslinje.objects.get(
            opfoelgning__nummer=1, rammedel__ramme__nummer="30.46", rammedel__placering="inden"
        )
        andet = _linje("10.30")  # not the konsulent's
        c = _klient(self.konsulent)
        data = formular(c.get(GITTER).content.decode())
        for linje in (runde1_linje, andet):
            data.update({f"d{linje.pk}_korrektioner": "0", f"d{linje.pk}_forventet_forbrug": "1",
                         f"d{linje.pk}_version": str(linje.version), f"d{linje.pk}_aabnet": "0|0",
                         f"d{linje.pk}_bekraeft": "on"})
        self.assertEqual(c.post(GITTER, data).status_code, 302)
        for linje in (runde1_linje, andet):
            foer = (linje.version, linje.forventet_forbrug)
            linje.refresh_from_db()
            self.assertEqual((linje.version, linje.forventet_forbrug), foer)
        # The service itself keeps to the round it is given.
        res = indtastning.gem_raekker(
            opfoelgning=_runde(), dele={runde1_linje.pk: indtastning.Raekke(Decimal(0), Decimal(1), 1)},
            aktiviteter={}, bruger=self.okonomi,
        )
        self.assertEqual((res.gemte_rammer, res.konflikter), ([], []))

    def test_a_row_someone_else_changed_but_i_left_alone_is_no_conflict(self):
        c = _klient(self.konsulent)
        data = formular(c.get(GITTER).content.decode())
        del_ = _linje("30.46")
        andet = _klient(self.okonomi)
        andre = formular(andet.get(GITTER).content.decode())
        andre[f"d{del_.pk}_forventet_forbrug"] = "1"  # far off: Center for Økonomi confirms it
        andre[f"d{del_.pk}_bekraeft"] = "on"
        self.assertEqual(andet.post(GITTER, andre).status_code, 302)
        akt = Aktivitetslinje.objects.get(opfoelgning=_runde(), aktivitetsdel__aktivitet__navn="Støtte i almenskolen")
        data[f"a{akt.pk}_forventet_forbrug"] = "17.500.000"
        response = c.post(GITTER, data, follow=True)
        self.assertContains(response, "1 ramme gemt.")
        self.assertEqual(_linje("30.46").forventet_forbrug, Decimal("1"))

    def test_a_locked_round_has_no_grid_and_the_service_refuses(self):
        c = _klient(self.okonomi)
        self.assertEqual(c.get("/opfolgning/2024/1/indtastning/").status_code, 403)
        linje = Opfoelgningslinje.objects.get(
            opfoelgning__nummer=1, rammedel__ramme__nummer="30.46", rammedel__placering="inden"
        )
        with self.assertRaises(indtastning.OpfoelgningsFejl):
            indtastning.gem_raekker(
                opfoelgning=linje.opfoelgning, dele={linje.pk: indtastning.Raekke(Decimal(0), Decimal(1), 1)},
                aktiviteter={}, bruger=self.okonomi,
            )

    def test_with_forbrug_the_grid_shows_the_prognose_beside_the_forecast(self):
        from budgetopfolgning import forbrugstal, selectors
        from kerne.beloeb import tusind_kr

        html = _klient(self.konsulent).get(GITTER).content.decode()
        gitter = [t for t in tabeller(html) if t["caption"].startswith("Rammedele og aktiviteter")][0]
        kolonne = gitter["rows"][0].index("Prognose efter forbrugsprofil")
        linje = [
            linje for linje in selectors.linjer(_runde(), ramme=Bevillingsramme.objects.get(aar__aar=2024,
                                                                                          nummer="30.46"))
            if linje.rammedel.placering == "inden"
        ]
        (del_,) = forbrugstal.forbrugsdele(_runde(), linje)
        self.assertIsNotNone(del_.tal.prognose)
        raekke = [r for r in gitter["rows"] if r[0].startswith("30.46") and "inden for" in r[0]][0]
        self.assertEqual(raekke[kolonne], tusind_kr(del_.tal.prognose))
        # A ramme part no konto reaches has no prognose (its forbrug is unknown, not 0).
        from forbrug.selectors import kortlagte_dele

        alle = _klient(self.okonomi).get(GITTER).context["raekker"]
        kortlagte = kortlagte_dele(_runde().aar)
        uden_konto = [row for row in alle if row["r"].kilde and row["r"].kilde.rammedel.pk not in kortlagte]
        med_konto = [row for row in alle if row["r"].kilde and row["r"].kilde.rammedel.pk in kortlagte]
        self.assertTrue(uden_konto and med_konto)
        self.assertTrue(all(row["prognose"] is None for row in uden_konto))
        self.assertTrue(any(row["prognose"] is not None for row in med_konto))

    def test_only_changed_since_last_round(self):
        c = _klient(self.okonomi)
        alle = len(c.get(GITTER).context["form"].raekker)
        aendrede = c.get(GITTER + "?kun_aendrede=1").context["form"].raekker
        self.assertLess(len(aendrede), alle)
        self.assertTrue(all(r.aendret_siden_sidst for r in aendrede))

    def test_query_count_does_not_grow_with_the_rows(self):
        self.enterContext(uden_sessionsfornyelse())
        c = _klient(self.konsulent)

        def maal(post: bool, beloeb: str = "") -> tuple[int, int]:
            mellemlager.toem()  # each measured the same way: the year's forbrug sums not yet in the cache
            with CaptureQueriesContext(connection) as q:
                response = c.get(GITTER)
            if not post:
                return len(q), len(response.context["form"].raekker)
            data = formular(response.content.decode())
            for r in response.context["form"].raekker:
                data[f"{r.noegle}_korrektioner"] = beloeb  # every row changes
            with CaptureQueriesContext(connection) as q:
                self.assertEqual(c.post(GITTER, data).status_code, 302)
            return len(q), len(response.context["form"].raekker)

        lidt_get, lidt_raekker = maal(False)
        lidt_post, _ = maal(True, "1")
        for ramme in Bevillingsramme.objects.filter(aar__aar=2024)[:20]:
            Rammeansvar.objects.get_or_create(bruger=self.konsulent, ramme=ramme)
        meget_get, meget_raekker = maal(False)
        meget_post, _ = maal(True, "2")
        self.assertGreater(meget_raekker, lidt_raekker * 3)
        self.assertEqual(meget_get, lidt_get)
        self.assertEqual(meget_post, lidt_post)


class ReviewTests(DemoTestCase):
    def _handling(self, user, ramme: str, handling: str, **data):
        return _klient(user).post(
            f"/opfolgning/2024/2/ramme/{ramme}/gennemgang/", {"handling": handling, **data}, follow=True
        )

    def test_the_review_from_first_save_to_approval_and_back(self):
        self.assertEqual(_status("30.46"), Rammestatus.IKKE_PAABEGYNDT)
        self.assertContains(self._handling(self.konsulent, "30.46", "klar"), "meldt klar til godkendelse")
        self.assertEqual(_status("30.46"), Rammestatus.KLAR)
        # The konsulent cannot approve; Center for Økonomi can.
        self.assertEqual(
            _klient(self.konsulent).post("/opfolgning/2024/2/ramme/30.46/gennemgang/", {"handling": "godkend"})
            .status_code, 403,
        )
        self._handling(self.okonomi, "30.46", "godkend")
        self.assertEqual(_status("30.46"), Rammestatus.GODKENDT)
        # Any save afterwards sets it back to I gang.
        c = _klient(self.konsulent)
        data = formular(c.get("/opfolgning/2024/2/ramme/30.46/rediger/").content.decode())
        data["inden_forventet_forbrug"] = "175.000.000"
        c.post("/opfolgning/2024/2/ramme/30.46/rediger/", data)
        self.assertEqual(_status("30.46"), Rammestatus.I_GANG)
        # Who and when of each step are in the history.
        historik = list(Rammestatus.history.filter(ramme__nummer="30.46").order_by("history_id")
                        .values_list("status", "history_user__username"))
        self.assertEqual(historik, [("klar", "konsulent"), ("godkendt", "okonomi"), ("i_gang", "konsulent")])
        self.assertEqual(Rammestatus.history.filter(ramme__nummer="30.46").count(), 3)

    def test_a_grid_save_resets_an_approved_ramme_and_a_save_without_changes_does_not(self):
        self._handling(self.konsulent, "30.46", "klar")
        self._handling(self.okonomi, "30.46", "godkend")
        godkendt = Rammestatus.objects.get(opfoelgning=_runde(), ramme__nummer="30.46", ramme__aar__aar=2024)
        c = _klient(self.konsulent)
        # Unchanged: the ramme form (its explanations come back with CRLF from a browser) and the grid.
        data = formular(c.get("/opfolgning/2024/2/ramme/30.46/rediger/").content.decode())
        data = {k: v.replace("\n", "\r\n") if k.endswith("_forklaring") else v for k, v in data.items()}
        self.assertEqual(c.post("/opfolgning/2024/2/ramme/30.46/rediger/", data).status_code, 302)
        self.assertEqual(c.post(GITTER, formular(c.get(GITTER).content.decode())).status_code, 302)
        self.assertEqual(_status("30.46"), Rammestatus.GODKENDT)
        data = formular(c.get(GITTER).content.decode())
        data[f"d{_linje('30.46').pk}_korrektioner"] = "100.000"
        c.post(GITTER, data)
        status = Rammestatus.objects.get(pk=godkendt.pk)
        self.assertEqual(status.status, Rammestatus.I_GANG)
        self.assertGreater(status.aendret, godkendt.aendret)
        self.assertEqual(status.aendret_af, self.konsulent)

    def test_an_import_that_replaces_figures_starts_the_review_again(self):
        self._handling(self.konsulent, "30.46", "klar")
        self._handling(self.okonomi, "30.46", "godkend")
        from budgetopfolgning.services import importer_budget

        linje = _linje("30.46")
        csv = (
            "udvalg;ramme;ramme_navn;serviceramme;oprindeligt_budget;korrektioner;forventet_forbrug\n"
            f"Børne- og Skoleudvalget;30.46;{linje.rammedel.ramme.navn};inden;"
            f"{int(linje.rammedel.oprindeligt_budget)};0;180000000\n"
        ).encode()
        importer_budget(data=csv, filnavn="b.csv", aar=2024, nummer=2)
        self.assertEqual(_status("30.46"), Rammestatus.I_GANG)

    def test_sending_back_needs_a_comment_which_the_thread_keeps_and_the_bilag_does_not(self):
        self._handling(self.konsulent, "30.46", "klar")
        response = self._handling(self.okonomi, "30.46", "tilbage", tekst="   ")
        self.assertContains(response, "Kommentaren er ikke gemt")
        self.assertEqual(_status("30.46"), Rammestatus.KLAR)
        self._handling(self.okonomi, "30.46", "tilbage", tekst="Hvorfor stiger anbringelserne i august?")
        self.assertEqual(_status("30.46"), Rammestatus.I_GANG)
        self._handling(self.konsulent, "30.46", "kommentar", tekst="To nye anbringelser fra juli.")
        side = _klient(self.okonomi).get("/opfolgning/2024/2/ramme/30.46/").content.decode()
        self.assertIn("Hvorfor stiger anbringelserne i august?", side)
        self.assertIn("To nye anbringelser fra juli.", side)
        self.assertIn("sendt tilbage", side)
        from pypdf import PdfReader

        from budgetopfolgning.bilag import render_bilag
        tekst = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_bilag(_runde(), kladde=True))).pages)
        self.assertNotIn("anbringelserne i august", tekst)

    def test_after_the_lock_the_thread_is_read_only_for_okonomi_and_the_rammes_konsulent(self):
        self._handling(self.konsulent, "30.46", "kommentar", tekst="Udgiften til plejefamilier er steget.")
        ikke_min = Bevillingsramme.objects.get(aar__aar=2024, nummer="30.50")
        self._handling(self.okonomi, ikke_min.nummer, "kommentar", tekst="Hvad med dagplejen?")
        from budgetopfolgning.services import laas_opfoelgning

        with self.captureOnCommitCallbacks(execute=True):
            laas_opfoelgning(opfoelgning=_runde(), laas_alligevel=True)
        side = "/opfolgning/2024/2/ramme/30.46/"
        for user, ser in ((self.okonomi, True), (self.konsulent, True), (self.udvalg, False)):
            with self.subTest(user=user.username):
                response = _klient(user).get(side)
                self.assertEqual(response.status_code, 200)
                (self.assertContains if ser else self.assertNotContains)(
                    response, "Udgiften til plejefamilier er steget."
                )
                self.assertNotContains(response, 'value="kommentar"')
        # Someone else's ramme: the konsulent does not read its thread.
        self.assertNotContains(_klient(self.konsulent).get("/opfolgning/2024/2/ramme/30.50/"), "Hvad med dagplejen?")
        self.assertContains(_klient(self.okonomi).get("/opfolgning/2024/2/ramme/30.50/"), "Hvad med dagplejen?")

    def test_ready_needs_the_explanation_the_threshold_requires(self):
        linje = _linje("30.46")
        linje.forventet_forbrug += Decimal("5000000")
        linje.forklaring = ""
        linje.save()
        response = self._handling(self.konsulent, "30.46", "klar")
        self.assertContains(response, "mangler en forklaring")
        self.assertEqual(_status("30.46"), Rammestatus.IKKE_PAABEGYNDT)

    def test_who_may_take_each_step(self):
        ikke_min = Bevillingsramme.objects.filter(aar__aar=2024).exclude(nummer__in=["30.36", "30.46"]).first()
        for user, ramme, handling, forventet in (
            (self.konsulent, ikke_min.nummer, "klar", 403),
            (self.konsulent, ikke_min.nummer, "kommentar", 403),
            (self.konsulent, "30.46", "tilbage", 403),
            (self.udvalg, "30.46", "klar", 404),
            (self.okonomi, ikke_min.nummer, "klar", 302),
        ):
            with self.subTest(user=user.username, ramme=ramme, handling=handling):
                status = _klient(user).post(
                    f"/opfolgning/2024/2/ramme/{ramme}/gennemgang/", {"handling": handling, "tekst": "x"}
                ).status_code
                self.assertEqual(status, forventet)

    def test_a_locked_round_takes_no_step(self):
        runde1 = Opfoelgning.objects.get(aar__aar=2024, nummer=1)
        ramme = Bevillingsramme.objects.get(aar__aar=2024, nummer="30.46")
        for fn, kwargs in ((gennemgang.marker_klar, {}), (gennemgang.godkend, {}),
                           (gennemgang.send_tilbage, {"kommentar": "x"}), (gennemgang.skriv_kommentar, {"tekst": "x"})):
            with self.subTest(fn=fn.__name__), self.assertRaises(gennemgang.GennemgangsFejl):
                fn(opfoelgning=runde1, ramme=ramme, bruger=self.okonomi, **kwargs)
        self.assertEqual(
            _klient(self.okonomi).post("/opfolgning/2024/1/ramme/30.46/gennemgang/", {"handling": "klar"}).status_code,
            403,
        )


class LockConfirmationTests(DemoTestCase):
    def test_the_lock_page_names_rammer_not_approved_and_asks_before_locking(self):
        c = _klient(self.okonomi)
        side = c.get("/opfolgning/2024/2/laas/")
        self.assertContains(side, "ikke godkendt")
        self.assertContains(side, "30.46 Forebyggelse/anbringelse af børn og unge uden for hjemmet")
        self.assertEqual(c.post("/opfolgning/2024/2/laas/").status_code, 400)
        self.assertFalse(_runde().er_laast)
        self.assertEqual(c.post("/opfolgning/2024/2/laas/", {"laas_alligevel": "1"}).status_code, 302)
        self.assertTrue(_runde().er_laast)

    def test_the_lock_itself_counts_the_rammer_not_approved(self):
        # The page was shown with every ramme approved; a save then set one back to I gang before the lock ran.
        from budgetopfolgning.services import OpfoelgningsFejl, laas_opfoelgning

        runde = _runde()
        for ramme in Bevillingsramme.objects.filter(aar__aar=2024):
            Rammestatus.objects.create(opfoelgning=runde, ramme=ramme, status=Rammestatus.GODKENDT)
        Rammestatus.objects.filter(opfoelgning=runde, ramme__nummer="30.46").update(status=Rammestatus.I_GANG)
        with self.assertRaisesMessage(OpfoelgningsFejl, "1 ramme er ikke godkendt"):
            laas_opfoelgning(opfoelgning=runde, bruger=self.okonomi, laas_alligevel=False)
        self.assertFalse(_runde().er_laast)
        Rammestatus.objects.filter(opfoelgning=runde, ramme__nummer="30.46").update(status=Rammestatus.GODKENDT)
        laas_opfoelgning(opfoelgning=runde, bruger=self.okonomi, laas_alligevel=False)
        self.assertTrue(_runde().er_laast)


class MineRammerTests(DemoTestCase):
    def test_the_front_page_and_the_round_start_with_my_rammer(self):
        navne = ["30.36 Tilbud til børn og unge med særlige behov",
                 "30.46 Forebyggelse/anbringelse af børn og unge uden for hjemmet"]
        html = _klient(self.konsulent).get("/").content.decode()
        liste = [t for t in tabeller(html) if t["caption"].startswith("Mine rammer")][0]
        self.assertEqual([row[0] for row in liste["rows"][1:]], navne)
        self.assertEqual(liste["rows"][1][1:5], ["Ikke påbegyndt", "−9.378", "I orden", "6. september 2024"])
        # The round page lists them before its tables, so Tabel 1 stays the page's first table.
        response = _klient(self.konsulent).get("/opfolgning/2024/2/")
        html = response.content.decode()
        self.assertLess(html.index("Mine rammer"), html.index("Tabel 1."))
        self.assertEqual([r.ramme.nummer for r in response.context["arbejdsliste"]], ["30.36", "30.46"])
        self.assertTrue(tabeller(html)[0]["caption"].startswith("Tabel 1."))
        # Only changed since last round: 30.46 moves after a new forecast, 30.36 does not.
        aendret = _klient(self.konsulent).get("/opfolgning/2024/2/?kun_aendrede=1").context["arbejdsliste"]
        foer = {r.ramme.nummer for r in aendret}
        linje = _linje("30.46")
        linje.korrektioner = Decimal("250000")
        linje.save()
        aendret = _klient(self.konsulent).get("/opfolgning/2024/2/?kun_aendrede=1").context["arbejdsliste"]
        self.assertEqual({r.ramme.nummer for r in aendret} - foer, {"30.46"} - foer)
        self.assertIn("30.46", {r.ramme.nummer for r in aendret})

    def test_center_for_oekonomi_filters_all_rammer_and_counts_per_status(self):
        c = _klient(self.okonomi)
        gennemgang.marker_klar(opfoelgning=_runde(), ramme=Bevillingsramme.objects.get(aar__aar=2024, nummer="30.46"),
                               bruger=self.konsulent)
        alle = Bevillingsramme.objects.filter(aar__aar=2024).count()
        for url in ("/opfolgning/2024/2/", "/opfolgning/2024/2/rammer/", "/"):
            with self.subTest(url=url):
                response = c.get(url)
                optaelling = response.context["optaelling"] if url != "/" else response.context["arbejde"][0][
                    "optaelling"]
                antal = {navn: n for _k, navn, n in optaelling}
                self.assertEqual(antal["Klar til godkendelse"], 1)
                self.assertEqual(antal["Ikke påbegyndt"], alle - 1)
        side = "/opfolgning/2024/2/rammer/"
        self.assertEqual(len(c.get(side).context["arbejdsliste"]), alle)
        self.assertEqual([r.ramme.nummer for r in c.get(side + "?status=klar").context["arbejdsliste"]], ["30.46"])
        filtreret = c.get(f"{side}?konsulent={self.konsulent.pk}").context["arbejdsliste"]
        self.assertEqual([r.ramme.nummer for r in filtreret], ["30.36", "30.46"])
        self.assertEqual(len(_klient(self.konsulent).get(side).context["arbejdsliste"]), 2)
        self.assertEqual(_klient(self.udvalg).get("/opfolgning/2024/1/rammer/").status_code, 403)
        bsu = c.get(side + "?udvalg=BSU").context["arbejdsliste"]
        self.assertTrue(bsu and all(r.ramme.udvalg.kode == "BSU" for r in bsu))

    def test_the_explanation_change_since_last_round_is_shown_as_a_diff(self):
        linje = _linje("30.46")
        linje.forklaring = linje.forklaring + " Nye anbringelser i juli."
        linje.save()
        response = _klient(self.konsulent).get("/opfolgning/2024/2/ramme/30.46/")
        self.assertContains(
            response, '<ins><span class="visuelt-skjult">[tilføjet:] </span> Nye anbringelser i juli.</ins>'
        )


class ReminderTests(DemoTestCase):
    def test_reminders_once_a_day_with_links(self):
        out = io.StringIO()
        call_command("send_paamindelser", stdout=out)
        til = {m.to[0]: m for m in mail.outbox}
        self.assertEqual(set(til), {"konsulent@example.org", "okonomi@example.org"})
        tekst = til["konsulent@example.org"].body
        self.assertIn("Fristen for anden budgetopfølgning 2024 er 6. september 2024.", tekst)
        self.assertIn("- 30.46 Forebyggelse/anbringelse af børn og unge uden for hjemmet (ikke påbegyndt)", tekst)
        self.assertIn("http://127.0.0.1:8000/opfolgning/2024/2/ramme/30.46/rediger/", tekst)
        self.assertIn("Ikke påbegyndt:", til["okonomi@example.org"].body)
        call_command("send_paamindelser", stdout=out)
        self.assertEqual(len(mail.outbox), 2)
        self.assertIn("0 påmindelser sendt", out.getvalue())
        self.assertEqual(Paamindelse.objects.count(), 2)

    def test_the_reminders_run_as_a_job_too(self):
        from budgetopfolgning.jobs import send_paamindelser

        self.assertEqual(send_paamindelser.delay().get(), 2)
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["konsulent@example.org", "okonomi@example.org"])
        self.assertEqual(send_paamindelser.delay().get(), 0)

    def test_a_konsulent_whose_rammer_are_ready_gets_none(self):
        runde = _runde()
        for nummer in ("30.36", "30.46"):
            ramme = Bevillingsramme.objects.get(aar__aar=2024, nummer=nummer)
            Rammestatus.objects.create(opfoelgning=runde, ramme=ramme, status=Rammestatus.KLAR)
        call_command("send_paamindelser", stdout=io.StringIO())
        self.assertEqual([m.to[0] for m in mail.outbox], ["okonomi@example.org"])

    def test_someone_both_okonomi_and_konsulent_gets_both_e_mails_and_the_next_day_again(self):
        from django.contrib.auth.models import Group

        from budgetopfolgning.paamindelser import send_paamindelser
        from kerne import roller

        self.okonomi.groups.add(Group.objects.get(name=roller.KONSULENT))
        Rammeansvar.objects.create(bruger=self.okonomi, ramme=Bevillingsramme.objects.get(aar__aar=2024,
                                                                                          nummer="10.30"))
        idag = date(2024, 9, 2)
        self.assertEqual(len(send_paamindelser(idag=idag)), 3)
        emner = sorted(m.subject for m in mail.outbox if m.to == ["okonomi@example.org"])
        self.assertEqual(emner, ["Påmindelse: 1 ramme mangler i anden budgetopfølgning 2024",
                                 "Status: anden budgetopfølgning 2024"])
        self.assertEqual(send_paamindelser(idag=idag), [])
        self.assertEqual(len(send_paamindelser(idag=date(2024, 9, 3))), 3)

    def test_no_deadline_no_reminder(self):
        Opfoelgning.objects.filter(pk=_runde().pk).update(frist=None)
        call_command("send_paamindelser", stdout=io.StringIO())
        self.assertEqual(mail.outbox, [])
