"""Any kommune, not only Ballerup: its own ramme numbers in natural order, its settings in the admin, its logo."""

import io
from datetime import date

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from budgetopfolgning import services
from budgetopfolgning.indlaesning import ImportFejl
from budgetopfolgning.models import Opfoelgning
from kerne.logo import tjek_logo
from kerne.models import Kommune
from kerne.nummerering import naturlig_noegle
from rammer.models import Bevillingsramme, Budgetaar, Udvalg
from tests.base import BaseTestCase, DemoTestCase, tabeller

HEADER = "udvalg;udvalg_kode;ramme;ramme_navn;serviceramme;oprindeligt_budget;korrektioner;forventet_forbrug\n"
# Deliberately out of order: the pages must put them in natural order.
FIL = HEADER + (
    "Socialudvalget;S.1;2.10;Ældre;inden;1.000;0;1.000\n"
    "Socialudvalget;S.1;2.9;Handicap;inden;1.000;0;1.000\n"
    "Socialudvalget;S.1;2.1;Psykiatri;inden;1.000;0;1.000\n"
    "Teknikudvalget;TU;61;Veje;inden;1.000;0;1.000\n"
    "Teknikudvalget;TU;60;Park;inden;1.000;0;1.000\n"
    "Teknikudvalget;TU;BUV-10;Bygninger;inden;1.000;0;1.000\n"
    "Teknikudvalget;TU;BUV-3;Byggeri;inden;1.000;0;1.000\n"
    "Teknikudvalget;TU;Æ-1;Æbleplantage;uden;1.000;0;1.000\n"
)
NATURLIG = ["2.1", "2.9", "2.10", "60", "61", "BUV-3", "BUV-10", "Æ-1"]


def _frie_numre():
    """The kommune takes any code (no NN.NN form)."""
    kommune = Kommune.hent()
    kommune.rammenummer_form = ""
    kommune.save()


def _importer(tekst: str, aar: int = 2040, nr: int = 1) -> Opfoelgning:
    return services.importer_budget(
        data=tekst.encode(), filnavn="budget.csv", aar=aar, nummer=nr, pr_dato=date(aar, 3, 31),
        dokumentdato=date(aar, 4, 10),
    ).opfoelgning


class NaturalOrderTests(BaseTestCase):
    def test_it_sorts_codes_naturally_by_their_key(self):
        koder = ["2.10", "61", "2.9", "BUV-10", "60", "2", "buv-4", "BUV-3", "5.1", "501", "10.22", "2.1"]
        self.assertEqual(
            sorted(koder, key=naturlig_noegle),
            ["2", "2.1", "2.9", "2.10", "5.1", "10.22", "60", "61", "501", "BUV-3", "buv-4", "BUV-10"],
        )

    def test_the_key_holds_only_digits_and_hex_letters_so_no_collation_reorders_it(self):
        for kode in ["30.46", "BUV-3", "Æ-1", "9" * 20]:
            self.assertRegex(naturlig_noegle(kode), r"^[0-9A-F]+$")

    def test_the_database_orders_rammer_naturally(self):
        _frie_numre()
        _importer(FIL)
        self.assertEqual(list(Bevillingsramme.objects.filter(aar__aar=2040).values_list("nummer", flat=True)), NATURLIG)

    def test_the_udvalg_page_lists_its_rammer_naturally(self):
        _frie_numre()
        _importer(FIL)
        self.client.force_login(self.okonomi)
        side = self.client.get(reverse("udvalg", args=[2040, 1, "TU"]))
        self.assertEqual(side.status_code, 200)
        tabel1 = tabeller(side.content.decode())[0]
        numre = [r[0].split()[0] for r in tabel1["rows"] if r and r[0][:1].isdigit() or r and r[0].startswith("BUV")]
        self.assertEqual(numre, ["60", "61", "BUV-3", "BUV-10"])

    def test_every_code_has_working_pages(self):
        _frie_numre()
        _importer(FIL)
        self.client.force_login(self.okonomi)
        for nummer in NATURLIG:
            for navn in ("ramme", "rediger_ramme"):
                url = reverse(navn, args=[2040, 1, nummer])
                self.assertEqual(self.client.get(url).status_code, 200, url)
        # æøå travel percent-encoded and come back as the code itself.
        self.assertEqual(reverse("ramme", args=[2040, 1, "Æ-1"]), "/opfolgning/2040/1/ramme/%C3%86-1/")
        self.assertEqual(self.client.get(reverse("udvalg", args=[2040, 1, "S.1"])).status_code, 200)

    def test_a_code_a_path_cannot_hold_is_refused(self):
        for kode in ["3/1", ".", "..", "-1", "30 46", "a" * 21, "", "3?1", "3#1"]:
            ramme = Bevillingsramme(aar=Budgetaar(aar=2040), udvalg=Udvalg(), nummer=kode, navn="x")
            with self.assertRaises(ValidationError, msg=kode) as ctx:
                ramme.full_clean(exclude=["aar", "udvalg"])
            self.assertIn("nummer", ctx.exception.message_dict)
        for kode in ["30.46", "60", "5.1", "BUV-3", "Æ-1", "a" * 20]:
            Bevillingsramme(nummer=kode, navn="x").full_clean(exclude=["aar", "udvalg"])

    def test_the_import_refuses_a_slash_and_names_the_line(self):
        _frie_numre()
        with self.assertRaises(ImportFejl) as ctx:
            _importer(HEADER + "Socialudvalget;S.1;2/10;Ældre;inden;1.000;0;1.000\n")
        self.assertIn("Linje 2, kolonne »ramme«", ctx.exception.fejl[0])
        self.assertIn("punktum og bindestreg", ctx.exception.fejl[0])
        self.assertFalse(Budgetaar.objects.filter(aar=2040).exists())

    def test_by_default_the_import_holds_numbers_to_ballerups_form(self):
        with self.assertRaises(ImportFejl) as ctx:
            _importer(FIL)
        self.assertIn("af formen NN.NN, fx 30.46", ctx.exception.fejl[0])


class BallerupOrderTests(DemoTestCase):
    def test_ballerups_nn_nn_numbers_keep_their_order(self):
        for aar in Budgetaar.objects.all():
            numre = list(Bevillingsramme.objects.filter(aar=aar).values_list("nummer", flat=True))
            self.assertEqual(numre, sorted(numre))
        self.assertGreater(Bevillingsramme.objects.count(), 20)


class KommuneSettingsTests(DemoTestCase):
    def _bilagstekst(self, nr: int = 2) -> str:
        from pypdf import PdfReader

        self.client.force_login(self.okonomi)
        svar = self.client.get(f"/opfolgning/2024/{nr}/bilag.pdf")
        return "\n".join(side.extract_text() for side in PdfReader(io.BytesIO(b"".join(svar.streaming_content
                                                                                       if svar.streaming else
                                                                                       [svar.content]))).pages)

    def test_the_defaults_are_ballerups(self):
        kommune = Kommune.hent()
        self.assertEqual(kommune.visningsnavn, "Ballerup Kommune")
        self.assertEqual(kommune.bilagsbetegnelse, "Bilag 1")
        opf = Opfoelgning.objects.get(aar__aar=2024, nummer=1)
        from budgetopfolgning.sider import bilag_titel

        self.assertEqual(bilag_titel(opf), "Tabeloversigter for første budgetopfølgning 2024 for Ballerup Kommune")

    def test_the_round_page_uses_the_kommunes_name_title_and_sign_legends(self):
        Kommune.objects.update_or_create(
            pk=1,
            defaults={
                "navn": "Eksempel Kommune",
                "bilagstitel": "Budgetopfølgning: {runde} ({kommune})",
                "fortegn_afvigelse_plus": "+ = udgiften bliver større end budgettet",
            },
        )
        Opfoelgning.objects.filter(aar__aar=2024, nummer=2).update(navn="Budgetopfølgning pr. 31. juli 2024")
        self.client.force_login(self.okonomi)
        html = self.client.get("/opfolgning/2024/2/").content.decode()
        self.assertIn("<h1>Budgetopfølgning: budgetopfølgning pr. 31. juli 2024 (Eksempel Kommune)</h1>", html)
        self.assertIn("+ = udgiften bliver større end budgettet", html)
        self.assertIn("– Eksempel Kommune</title>", html)
        self.assertIn("Budgetopfølgning pr. 31. juli 2024 viser", html)

    def test_the_bilag_number_is_the_kommunes_unless_the_round_has_its_own(self):
        self.assertIn("Bilag 1", self._bilagstekst())
        Opfoelgning.objects.filter(aar__aar=2024, nummer=2).update(bilagsbetegnelse="Bilag 4")
        tekst = self._bilagstekst()
        self.assertIn("Bilag 4", tekst)
        self.assertNotIn("Bilag 1", tekst)

    def test_the_summary_rounds_to_whole_millions_when_the_kommune_says_so(self):
        self.client.force_login(self.okonomi)
        html = self.client.get("/opfolgning/2024/1/").content.decode()
        self.assertIn("et mindreforbrug på 45,2 mio. kr. i forhold til servicerammen", html)
        Kommune.objects.update_or_create(pk=1, defaults={"opsummering_afrunding": Kommune.HELE_MIO})
        html = self.client.get("/opfolgning/2024/1/").content.decode()
        # Forventet 3.247,6 − serviceramme 3.292,8 = −45,2 mio. kr.; in whole millions ca. 45, ca. 3.248, ca. 3.293.
        self.assertIn("et mindreforbrug på ca. 45 mio. kr. i forhold til servicerammen, som i 2024 udgør ca. 3.293 "
                      "mio. kr.", html)
        self.assertIn("Samlet set viser det forventede forbrug på ca. 3.248 mio. kr. med udgangen af 2024", html)

    def test_a_bad_title_pattern_or_number_form_is_refused_in_danish(self):
        kommune = Kommune(bilagstitel="Tabeller for {runden}", rammenummer_form="[0-9")
        with self.assertRaises(ValidationError) as ctx:
            kommune.full_clean()
        self.assertIn("bilagstitel", ctx.exception.message_dict)
        self.assertIn("rammenummer_form", ctx.exception.message_dict)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>'


class LogoTests(BaseTestCase):
    def test_it_takes_a_png_and_a_plain_svg(self):
        self.assertEqual(tjek_logo(PNG, "logo.png"), "image/png")
        self.assertEqual(tjek_logo(SVG, "logo.SVG"), "image/svg+xml")

    def test_it_refuses_script_handlers_links_and_other_files(self):
        farlige = {
            "script": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "onload": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "href": b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
            b'<image x:href="https://example.org/a.png"/></svg>',
            "foreignObject": b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
            "entity": b'<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
            "html": b"<html><body>x</body></html>",
        }
        for navn, data in farlige.items():
            with self.assertRaises(ValidationError, msg=navn):
                tjek_logo(data, "logo.svg")
        for data, filnavn in [(SVG, "logo.png"), (PNG, "logo.gif"), (PNG + b"\x00" * 210_000, "logo.png")]:
            with self.assertRaises(ValidationError, msg=filnavn):
                tjek_logo(data, filnavn)

    def test_center_for_oekonomi_uploads_it_in_the_admin_and_pages_show_it_as_an_img_with_alt_text(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        call_command("opsaet_roller", stdout=io.StringIO())
        self.okonomi.is_staff = True
        self.okonomi.save()
        self.client.force_login(self.okonomi)
        side = self.client.get("/admin/kerne/kommune/")
        self.assertRedirects(side, "/admin/kerne/kommune/1/change/")
        data = {
            "navn": "Eksempel Kommune", "logo_alt": "Eksempel Kommunes logo", "brevhoved_adresse": "Torvet 1",
            "bilagsbetegnelse": "Bilag 2", "bilagstitel": "Tabeloversigter for {runde} for {kommune}",
            "fortegn_korrektioner_plus": "+", "fortegn_korrektioner_minus": "-", "fortegn_afvigelse_plus": "+",
            "fortegn_afvigelse_minus": "-", "forklaringsgraense": "500000", "rammenummer_form": "",
            "rammenummer_eksempel": "", "opsummering_afrunding": "eksakt",
        }
        ond = SimpleUploadedFile("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>')
        svar = self.client.post("/admin/kerne/kommune/1/change/", {**data, "logo_fil": ond})
        self.assertEqual(svar.status_code, 200)
        self.assertContains(svar, "script")
        self.assertFalse(Kommune.hent().logo)
        fil = SimpleUploadedFile("l.svg", SVG)
        svar = self.client.post("/admin/kerne/kommune/1/change/", {**data, "logo_fil": fil})
        self.assertEqual(svar.status_code, 302)
        kommune = Kommune.hent()
        self.assertEqual(
            (kommune.navn, kommune.logo_type, bytes(kommune.logo)), ("Eksempel Kommune", "image/svg+xml", SVG)
        )
        html = self.client.get("/").content.decode()
        self.assertIn('<img class="kommune-logo" src="data:image/svg+xml;base64,', html)
        self.assertIn('alt="Eksempel Kommunes logo"', html)
        self.assertEqual(Kommune.objects.count(), 1)
        self.assertEqual(self.client.get("/admin/kerne/kommune/add/").status_code, 403)

    def test_a_logo_needs_alt_text(self):
        with self.assertRaises(ValidationError) as ctx:
            Kommune(logo=PNG, logo_type="image/png").full_clean()
        self.assertIn("logo_alt", ctx.exception.message_dict)
