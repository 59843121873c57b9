"""Issue #13's wording and small faults a new user meets: internationalised e-mail addresses, the new round's
contact prefilled from the last one, Danish dates, the Danish 404 page also in development."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase, override_settings

from budgetopfolgning.models import Opfoelgning
from kerne.datoer import dato_og_tid, kort_dato
from kerne.email import valider_email
from tests.base import DemoTestCase, FormularParser


def ny_runde_felter(klient) -> dict[str, str]:
    """What a browser would submit from the new-round form as it opens."""
    parser = FormularParser()
    parser.feed(klient.get("/opfolgning/ny/").content.decode())
    return next(f["felter"] for f in parser.formularer if f["action"] != "/logout/")


class EmailTests(SimpleTestCase):
    def test_it_accepts_internationalised_addresses(self):
        for adresse in ("økonomi@balk.dk", "anne.ærø@kommune.dk", "okonomi@example.dk", "bø@bøger.dk",
                        "først+bilag@sub.balk.dk"):
            with self.subTest(adresse=adresse):
                valider_email(adresse)

    def test_it_refuses_garbage(self):
        for adresse in ("økonomi", "@balk.dk", "økonomi@", "a@@balk.dk", "øko nomi@balk.dk", "økonomi@balk",
                        "ø..k@balk.dk", ".øk@balk.dk", "øk\u200b@balk.dk", "øk\n@balk.dk", "a@b@balk.dk",
                        "ø" * 65 + "@balk.dk", "økonomi@-balk.dk"):
            with self.subTest(adresse=adresse), self.assertRaises(ValidationError):
                valider_email(adresse)


class DatoTests(SimpleTestCase):
    def test_short_danish_dates(self):
        self.assertEqual(kort_dato(date(2026, 12, 2)), "2. dec. 2026")
        self.assertEqual(kort_dato(date(2026, 5, 14)), "14. maj 2026")
        self.assertEqual(dato_og_tid(datetime(2026, 3, 1, 9, 5)), "1. mar. 2026 kl. 09.05")


class NyRundeTests(DemoTestCase):
    def setUp(self):
        self.client.force_login(self.okonomi)

    def test_the_form_starts_from_the_last_rounds_contact(self):
        felter = ny_runde_felter(self.client)
        seneste = Opfoelgning.objects.order_by("-aar__aar", "-nummer").first()
        self.assertEqual(felter["kontakt_email"], "økonomi@balk.dk")
        self.assertEqual(felter["kontakt_navn"], seneste.kontakt_navn)
        self.assertEqual(felter["kontakt_center"], seneste.kontakt_center)

    def test_it_opens_a_round_with_an_internationalised_address(self):
        # Round 2 of 2024 is open in the demo; a new round needs it locked first.
        Opfoelgning.objects.filter(aar__aar=2024, nummer=2).update(status=Opfoelgning.LAAST)
        felter = ny_runde_felter(self.client)
        felter.update({"pr_dato": "2024-10-31", "dokumentdato": "2024-11-10", "sagsnr": "00.30.14-G01-4-24"})
        response = self.client.post("/opfolgning/ny/", felter)
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        ny = Opfoelgning.objects.get(aar__aar=2024, nummer=3)
        self.assertEqual(ny.kontakt_email, "økonomi@balk.dk")

    def test_a_new_round_can_be_named_by_its_date_and_get_its_own_bilag_number(self):
        Opfoelgning.objects.filter(aar__aar=2024, nummer=2).update(status=Opfoelgning.LAAST)
        felter = ny_runde_felter(self.client)
        felter.update({"pr_dato": "2024-10-31", "dokumentdato": "2024-11-10",
                       "navn": "Budgetopfølgning pr. 31. oktober", "bilagsbetegnelse": "Bilag 3"})
        self.assertEqual(self.client.post("/opfolgning/ny/", felter).status_code, 302)
        side = self.client.get("/opfolgning/2024/3/").content.decode()
        self.assertIn("Tabeloversigter for budgetopfølgning pr. 31. oktober for Ballerup Kommune", side)
        ny = Opfoelgning.objects.get(aar__aar=2024, nummer=3)
        self.assertEqual(ny.bilagsbetegnelse, "Bilag 3")

    def test_it_refuses_a_broken_address_with_a_danish_message(self):
        felter = ny_runde_felter(self.client)
        felter.update({"pr_dato": "2024-10-31", "dokumentdato": "2024-11-10", "kontakt_email": "økonomi@@balk"})
        response = self.client.post("/opfolgning/ny/", felter)
        self.assertContains(response, "Skriv en gyldig e-mailadresse", status_code=400)
        self.assertFalse(Opfoelgning.objects.filter(aar__aar=2024, nummer=3).exists())


class Side404Tests(DemoTestCase):
    @override_settings(DEBUG=True, DEBUG_404_SIDE=False)
    def test_development_serves_the_danish_404(self):
        self.client.force_login(self.udvalg)
        for sti in ("/opfolgning/2024/2/", "/findes/ikke/"):
            with self.subTest(sti=sti):
                response = self.client.get(sti)
                self.assertContains(response, "Siden findes ikke", status_code=404)
                self.assertNotContains(response, "Using the URLconf", status_code=404)

    @override_settings(DEBUG=True, DEBUG_404_SIDE=True)
    def test_a_developer_can_ask_for_the_technical_page(self):
        self.client.force_login(self.udvalg)
        response = self.client.get("/findes/ikke/")
        self.assertEqual(response.status_code, 404)
        self.assertNotContains(response, "Siden findes ikke", status_code=404)
