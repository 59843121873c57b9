"""Activities in a round: a ramme part split into activities takes its figures as their sum."""

from decimal import Decimal

from budgetopfolgning.indtastning import Aktivitetstal, indfoer_aktiviteter
from budgetopfolgning.models import Aktivitetslinje, Opfoelgning, Opfoelgningslinje
from budgetopfolgning.services import ImportFejl, OpfoelgningsFejl, importer_budget
from kerne.beloeb import parse_dansk, redigerbart
from rammer.models import Rammedel
from tests.base import DemoTestCase, raekker, tabeller

REDIGER = "/opfolgning/2024/2/ramme/30.36/rediger/"


def _form_data(response) -> dict:
    form = response.context["form"]
    return {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}


class ActivityTests(DemoTestCase):
    def setUp(self):
        self.client.force_login(self.konsulent)

    def _linje(self, nr=2):
        return Opfoelgningslinje.objects.get(
            opfoelgning__nummer=nr, rammedel__ramme__nummer="30.36", rammedel__placering="inden"
        )

    def test_the_next_round_starts_from_the_activities_forecasts(self):
        linjer = Aktivitetslinje.objects.filter(opfoelgning__nummer=2).order_by("aktivitetsdel__aktivitet__sortering")
        self.assertEqual([str(a.forventet_forbrug) for a in linjer], ["64000000.00", "26600000.00", "17000000.00"])
        self.assertEqual({a.korrektioner for a in linjer}, {Decimal("0")})

    def test_ramme_page_lists_activities_with_the_ramme_columns(self):
        html = self.client.get("/opfolgning/2024/2/ramme/30.36/").content.decode()
        aktiviteter = [t for t in tabeller(html) if t["caption"].startswith("Rammens aktiviteter")][0]
        rows = raekker(aktiviteter)
        # oprindeligt, tidligere korrektioner, korrektioner, forslag, forventet, afvigelse (1.000 kr.)
        self.assertEqual(
            rows["Specialskoler og specialklasser"],
            ["Inden for servicerammen", "70.000", "−1.500", "0", "68.500", "64.000", "−4.500"],
        )

    def test_forecast_per_activity_sums_to_the_ramme_and_tabel_1(self):
        response = self.client.get(REDIGER)
        self.assertNotIn("inden_forventet_forbrug", response.context["form"].fields)
        self.assertContains(response, "Forventet forbrug for Støtte i almenskolen, inden for servicerammen (kr.)")
        data = _form_data(response)
        felt = [k for k in data if k.endswith("_forventet_forbrug") and k.startswith("akt")]
        self.assertEqual(len(felt), 3)
        stoette = Aktivitetslinje.objects.get(
            opfoelgning__nummer=2, aktivitetsdel__aktivitet__navn="Støtte i almenskolen"
        )
        data[f"akt{stoette.pk}_forventet_forbrug"] = "18.000.000"  # +1.000.000 kr.
        self.assertEqual(self.client.post(REDIGER, data).status_code, 302)
        self.assertEqual(self._linje().forventet_forbrug, Decimal("108600000"))
        t1 = raekker(tabeller(self.client.get("/opfolgning/2024/2/").content.decode())[0])
        self.assertEqual(t1["Børne- og Skoleudvalget"][4:6], ["1.212.060", "−9.362"])

    def test_a_stale_activity_form_changes_nothing(self):
        stale = _form_data(self.client.get(REDIGER))
        key = [k for k in stale if k.startswith("akt") and k.endswith("_forventet_forbrug")][0]
        gemt = parse_dansk(stale[key])
        first = dict(stale, **{key: redigerbart(gemt + 1)})
        self.assertEqual(self.client.post(REDIGER, first).status_code, 302)
        stale[key] = redigerbart(gemt + 2)
        self.assertEqual(self.client.post(REDIGER, stale).status_code, 409)
        self.assertEqual(Aktivitetslinje.objects.get(pk=int(key[3:].split("_")[0])).forventet_forbrug, gemt + 1)

    def test_the_import_refuses_figures_for_a_part_split_into_activities(self):
        data = (
            "udvalg;ramme;ramme_navn;serviceramme;oprindeligt_budget;korrektioner;forventet_forbrug\n"
            "Børne- og Skoleudvalget;30.36;Tilbud til børn og unge med særlige behov;inden;118.900.000;0;1\n"
        ).encode()
        with self.assertRaises(ImportFejl) as ctx:
            importer_budget(data=data, filnavn="x.csv", aar=2024, nummer=2)
        self.assertIn("Linje 2, kolonne »ramme«", str(ctx.exception))
        self.assertIn("aktiviteter", str(ctx.exception))

    def test_activities_must_add_up_to_the_ramme_part(self):
        rammedel = Rammedel.objects.get(ramme__aar__aar=2024, ramme__nummer="30.46", placering="inden")
        runde = Opfoelgning.objects.get(aar__aar=2024, nummer=2)
        with self.assertRaises(OpfoelgningsFejl):
            indfoer_aktiviteter(
                opfoelgning=runde,
                rammedel=rammedel,
                aktiviteter=[Aktivitetstal("Forebyggende indsatser", Decimal("1"), Decimal("0"), Decimal("0"))],
            )
        self.assertFalse(Aktivitetslinje.objects.filter(aktivitetsdel__aktivitet__ramme=rammedel.ramme).exists())
