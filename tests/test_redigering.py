"""Forecast entry: editing, strict input, optimistic locking, history, locking a round."""

import io

from django.core.management import CommandError, call_command
from django.test import Client

from budgetopfolgning.models import Opfoelgning, Opfoelgningslinje
from tests.base import DemoTestCase, raekker, tabeller

REDIGER = "/opfolgning/2024/2/ramme/30.46/rediger/"


def _form_data(response) -> dict:
    """The values a browser would submit from the edit form as rendered."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    return data


class EditTests(DemoTestCase):
    def setUp(self):
        self.client.force_login(self.konsulent)

    def test_konsulent_saves_a_forecast_and_tabel_1_follows(self):
        response = self.client.get(REDIGER)
        self.assertContains(response, "Forventet forbrug inden for servicerammen (kr.)")
        data = _form_data(response)
        self.assertEqual(data["inden_forventet_forbrug"], "174.800.000")
        data["inden_forventet_forbrug"] = "175.800.000"  # +1.000.000 kr.
        response = self.client.post(REDIGER, data, follow=True)
        self.assertRedirects(response, "/opfolgning/2024/2/ramme/30.46/")
        self.assertContains(response, "er gemt")
        rows = raekker(tabeller(response.content.decode())[0])
        self.assertEqual(rows["Inden for servicerammen"][4], "175.800")
        t1 = raekker(tabeller(self.client.get("/opfolgning/2024/2/").content.decode())[0])
        bsu = t1["Børne- og Skoleudvalget"]
        self.assertEqual(bsu[4], "1.212.060")  # forventet forbrug
        self.assertEqual(bsu[5], "−9.362")  # afvigelse
        self.assertEqual(bsu[6], "1.000")  # udvikling siden sidst
        # The history names the konsulent, with before and after.
        html = self.client.get("/opfolgning/2024/2/ramme/30.46/").content.decode()
        historik = [t for t in tabeller(html) if t["caption"].startswith("Ændringer")][0]
        self.assertIn(["Karim Jensen", "Inden for servicerammen", "Forventet forbrug", "174.800.000,00",
                       "175.800.000,00"], [row[1:] for row in historik["rows"]])

    def test_a_stale_form_changes_nothing(self):
        stale = _form_data(self.client.get(REDIGER))
        fresh = dict(stale, inden_forventet_forbrug="175.800.000")
        self.client.post(REDIGER, fresh)
        stale["inden_forventet_forbrug"] = "1"
        stale["inden_bekraeft"] = "on"  # far from the budget: the form asks, and this confirms
        response = self.client.post(REDIGER, stale)
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "Rammen er ændret af Karim Jensen den ", status_code=409)
        self.assertContains(response, "efter du åbnede den", status_code=409)
        self.assertEqual(_form_data(response)["inden_forventet_forbrug"], "175.800.000")
        linje = Opfoelgningslinje.objects.get(
            opfoelgning__nummer=2, rammedel__ramme__nummer="30.46", rammedel__placering="inden"
        )
        self.assertEqual(str(linje.forventet_forbrug), "175800000.00")

    def test_two_clients_one_wins(self):
        other = Client()
        other.force_login(self.okonomi)
        mine = _form_data(self.client.get(REDIGER))
        theirs = _form_data(other.get(REDIGER))
        theirs["uden_forventet_forbrug"] = "19.000.000"
        self.assertEqual(other.post(REDIGER, theirs).status_code, 302)
        mine["uden_forventet_forbrug"] = "17.000.000"
        response = self.client.post(REDIGER, mine)
        self.assertContains(response, "Rammen er ændret af Olivia Østergaard", status_code=409)
        linje = Opfoelgningslinje.objects.get(
            opfoelgning__nummer=2, rammedel__ramme__nummer="30.46", rammedel__placering="uden"
        )
        self.assertEqual(str(linje.forventet_forbrug), "19000000.00")

    def test_ambiguous_amounts_are_refused_with_a_danish_message(self):
        data = _form_data(self.client.get(REDIGER))
        for bad in ("1.50", "12.34.567", "abc"):
            data["inden_forventet_forbrug"] = bad
            response = self.client.post(REDIGER, data)
            self.assertEqual(response.status_code, 400)
            self.assertContains(response, "er ikke et gyldigt beløb", status_code=400)
            self.assertContains(response, "Intet er gemt", status_code=400)
        linje = Opfoelgningslinje.objects.get(
            opfoelgning__nummer=2, rammedel__ramme__nummer="30.46", rammedel__placering="inden"
        )
        self.assertEqual(linje.version, 1)

    def test_accepted_notations(self):
        data = _form_data(self.client.get(REDIGER))
        data["inden_korrektioner"] = "-1.000"
        data["inden_forventet_forbrug"] = "174800000,55"
        self.assertEqual(self.client.post(REDIGER, data).status_code, 302)
        linje = Opfoelgningslinje.objects.get(
            opfoelgning__nummer=2, rammedel__ramme__nummer="30.46", rammedel__placering="inden"
        )
        self.assertEqual((str(linje.korrektioner), str(linje.forventet_forbrug)), ("-1000.00", "174800000.55"))


class LockTests(DemoTestCase):
    def test_okonomi_locks_round_two_and_an_open_form_then_changes_nothing(self):
        self.client.force_login(self.konsulent)
        open_form = _form_data(self.client.get(REDIGER))
        okonomi = Client()
        okonomi.force_login(self.okonomi)
        page = okonomi.get("/opfolgning/2024/2/")
        self.assertContains(page, 'href="/opfolgning/2024/2/laas/"')
        self.assertContains(okonomi.get("/opfolgning/2024/2/laas/"), "kan ikke fortrydes")
        # The Bilag is a job that starts when the lock's transaction commits (at once without a broker).
        with self.captureOnCommitCallbacks(execute=True):
            response = okonomi.post("/opfolgning/2024/2/laas/", {"laas_alligevel": "1"})
        self.assertRedirects(response, "/opfolgning/2024/2/")
        runde = Opfoelgning.objects.get(aar__aar=2024, nummer=2)
        self.assertTrue(runde.er_laast)
        self.assertEqual(len(runde.tal_sha256), 64)
        before = list(Opfoelgningslinje.objects.order_by("pk").values_list("forventet_forbrug", "version"))
        open_form["inden_forventet_forbrug"] = "1"
        self.assertEqual(self.client.post(REDIGER, open_form).status_code, 403)
        self.assertEqual(list(Opfoelgningslinje.objects.order_by("pk").values_list("forventet_forbrug", "version")),
                         before)
        out = io.StringIO()
        call_command("verificer_runder", stdout=out)
        self.assertIn("2 låste budgetopfølgninger er uændrede", out.getvalue())

    def test_lock_is_refused_while_an_explanation_is_missing(self):
        linje = Opfoelgningslinje.objects.get(
            opfoelgning__nummer=2, rammedel__ramme__nummer="30.36", rammedel__placering="inden"
        )
        linje.forklaring = ""
        linje.save()
        self.client.force_login(self.okonomi)
        self.assertContains(self.client.get("/opfolgning/2024/2/"), "mangler en forklaring")
        response = self.client.post("/opfolgning/2024/2/laas/", follow=True)
        self.assertContains(response, "kan ikke låses")
        self.assertFalse(Opfoelgning.objects.get(aar__aar=2024, nummer=2).er_laast)

    def test_verificer_runder_reports_a_changed_locked_round(self):
        Opfoelgningslinje.objects.filter(opfoelgning__nummer=1).update(forventet_forbrug=0)
        err = io.StringIO()
        with self.assertRaises(CommandError):
            call_command("verificer_runder", stdout=io.StringIO(), stderr=err)
        self.assertIn("AFVIGER 1. budgetopfølgning 2024", err.getvalue())


class OpenRoundTests(DemoTestCase):
    def test_okonomi_opens_round_three_from_round_two(self):
        self.client.force_login(self.okonomi)
        self.client.post("/opfolgning/2024/2/laas/", {"laas_alligevel": "1"})
        response = self.client.post(
            "/opfolgning/ny/",
            {"aar": Opfoelgning.objects.get(aar__aar=2024, nummer=1).aar_id, "pr_dato": "2024-10-31",
             "dokumentdato": "2024-11-08", "sagsnr": "00.30.14-G01-4-24", "kontakt_center": "Center for Økonomi",
             "kontakt_navn": "Mikkel Elkjær", "kontakt_telefon": "2069 1302", "kontakt_email": "okonomi@example.dk"},
        )
        self.assertRedirects(response, "/opfolgning/2024/3/")
        t1 = raekker(tabeller(self.client.get("/opfolgning/2024/3/").content.decode())[0])
        self.assertEqual(t1["Børne- og Skoleudvalget"][:5], ["1.249.782", "−28.360", "0", "1.221.421", "1.211.060"])

    def test_a_new_round_is_refused_while_the_last_is_open(self):
        self.client.force_login(self.okonomi)
        response = self.client.post(
            "/opfolgning/ny/",
            {"aar": Opfoelgning.objects.get(aar__aar=2024, nummer=1).aar_id, "pr_dato": "2024-10-31",
             "dokumentdato": "2024-11-08"},
        )
        self.assertContains(response, "er stadig åben", status_code=400)
        self.assertEqual(Opfoelgning.objects.count(), 2)


class AdminTests(DemoTestCase):
    def test_admin_cannot_change_a_locked_round_or_its_year(self):
        self.okonomi.is_staff = True
        self.okonomi.is_superuser = True
        self.okonomi.save()
        self.client.force_login(self.okonomi)
        runde = Opfoelgning.objects.get(aar__aar=2024, nummer=1)
        response = self.client.post(f"/admin/budgetopfolgning/opfoelgning/{runde.pk}/change/",
                                    {"sagsnr": "ændret", "pr_dato": "2024-04-29", "dokumentdato": "2024-04-12"})
        self.assertIn(response.status_code, (302, 403))
        runde.refresh_from_db()
        self.assertEqual(runde.sagsnr, "00.30.14-G01-2-24")
        from rammer.models import Bevillingsramme

        ramme = Bevillingsramme.objects.get(aar__aar=2024, nummer="30.46")
        page = self.client.get(f"/admin/rammer/bevillingsramme/{ramme.pk}/change/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'name="_save"')

    def test_okonomi_manages_assignments_in_the_admin_and_konsulent_cannot(self):
        self.client.force_login(self.okonomi)
        response = self.client.get("/admin/rammer/rammeansvar/add/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Tilføj ansvar for ramme")
        self.client.force_login(self.konsulent)
        self.assertEqual(self.client.get("/admin/rammer/rammeansvar/add/").status_code, 302)
