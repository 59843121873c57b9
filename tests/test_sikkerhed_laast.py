"""A locked round is frozen everywhere: its omstilling follow-up, its figures and its stored Bilag, and
`verificer_runder` notices when any of them is altered in the database."""

import io
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from budgetopfolgning.jobs import dan_bilag
from budgetopfolgning.models import Opfoelgning
from budgetopfolgning.services import laas_opfoelgning
from omstilling.models import Forslag, Forslagsaar, Forslagsopfoelgning, FrossenForslagsstatus
from rammer.models import Budgetaar
from tests.base import raekker
from tests.test_omstilling import OmstillingTestCase


def _stille():
    return io.StringIO()


class LockedRoundOmstillingTests(OmstillingTestCase):
    """Round 1 of 2019 is locked through the lock service; round 2 is open."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        aar = Budgetaar.objects.create(aar=2019)
        cls.runde = Opfoelgning.objects.create(
            aar=aar, nummer=1, pr_dato=date(2019, 4, 30), dokumentdato=date(2019, 4, 12)
        )
        cls.tmu01 = Forslag.objects.get(nr="TMU-01")
        Forslagsopfoelgning.objects.create(
            forslag=cls.tmu01, opfoelgning=cls.runde, indsats="glad", oekonomi="glad", realiseret=Decimal("10000")
        )
        laas_opfoelgning(opfoelgning=cls.runde)
        dan_bilag(cls.runde.pk)  # the job the lock asks for when its transaction commits
        cls.aaben = Opfoelgning.objects.create(
            aar=aar, nummer=2, pr_dato=date(2019, 8, 31), dokumentdato=date(2019, 8, 16)
        )
        cls.admin = User.objects.create_superuser("chef", password="demo")

    def _i_alt(self, runde_nr: int) -> list[str]:
        html = self.client.get(f"/omstilling/opfolgning/2019/{runde_nr}/").content.decode()
        return raekker(self.tabel(html, "Realiseret mod planlagt besparelse pr. udvalg i 2019"))["I alt"]

    def _tmu01(self, runde_nr: int) -> list[str]:
        html = self.client.get(f"/omstilling/opfolgning/2019/{runde_nr}/").content.decode()
        return raekker(self.tabel(html, f"Forslagene i budget 2019 ved {'første' if runde_nr == 1 else 'anden'}"))[
            "TMU-01"
        ]

    def test_editing_a_proposal_after_the_lock_leaves_the_locked_round_as_it_was(self):
        self.client.force_login(self.udvalg)
        foer_i_alt, foer_tmu01 = self._i_alt(1), self._tmu01(1)
        # The planned saving of 2019 in the seed's overview: 32,27 mio. kr.
        self.assertEqual(foer_i_alt[0], "32.265")
        # A konsulent raises TMU-01's saving in 2019 and retitles it, in the browser, after the lock.
        self.client.force_login(self.konsulent)
        url = "/omstilling/2019/TMU-01/rediger/"
        side = self.client.get(url)
        data = {k: v for k, v in side.context["form"].initial.items() if v is not None}
        data.update(
            {
                "titel": "Ny titel efter låsningen",
                "udvalg": self.tmu01.udvalg_id,
                "version": side.context["form"]["version"].value(),
                "ramme-TOTAL_FORMS": "0",
                "ramme-INITIAL_FORMS": "0",
            }
        )
        for aarsform in side.context["aarsformer"]:
            for navn in aarsform.fields:
                data[aarsform.add_prefix(navn)] = aarsform.initial.get(navn, "")
        data["aar2019-driftsbesparelse"] = "10.000.000"
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertEqual(Forslagsaar.objects.get(forslag=self.tmu01, aar=2019).driftsbesparelse, Decimal("10000000"))
        # …and someone takes another proposal out of the budget.
        Forslag.objects.filter(nr="TMU-02").update(status=Forslag.IKKE_MEDTAGET)

        self.client.force_login(self.udvalg)
        self.assertEqual(self._i_alt(1), foer_i_alt)
        self.assertEqual(self._tmu01(1), foer_tmu01)
        self.assertNotIn("Ny titel efter låsningen", self.client.get("/omstilling/opfolgning/2019/1/").content.decode())
        # The open round shows today's figures.
        self.client.force_login(self.okonomi)
        self.assertNotEqual(self._i_alt(2)[0], foer_i_alt[0])
        call_command("verificer_runder", stdout=_stille(), stderr=_stille())

    def test_center_for_oekonomi_gets_no_proposal_admin(self):
        self.okonomi.is_staff = True
        self.okonomi.save()
        self.client.force_login(self.okonomi)
        self.assertEqual(self.client.get("/admin/omstilling/forslag/").status_code, 403)
        url = f"/admin/omstilling/forslag/{self.tmu01.pk}/change/"
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(self.client.post(url, {"status": Forslag.IKKE_MEDTAGET}).status_code, 403)
        self.assertEqual(Forslag.objects.get(pk=self.tmu01.pk).status, Forslag.MEDTAGET)
        # The app's own edit permission is unchanged.
        self.assertEqual(self.client.get("/omstilling/2019/TMU-01/rediger/").status_code, 200)

    def test_the_admin_adds_no_follow_up_to_a_locked_round(self):
        self.client.force_login(self.admin)
        tmu02 = Forslag.objects.get(nr="TMU-02")
        response = self.client.post(
            "/admin/omstilling/forslagsopfoelgning/add/",
            {"forslag": tmu02.pk, "opfoelgning": self.runde.pk, "indsats": "sur", "oekonomi": "sur", "kommentar": ""},
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Forslagsopfoelgning.objects.filter(forslag=tmu02, opfoelgning=self.runde).exists())
        # In the open round it can.
        response = self.client.post(
            "/admin/omstilling/forslagsopfoelgning/add/",
            {"forslag": tmu02.pk, "opfoelgning": self.aaben.pk, "indsats": "sur", "oekonomi": "sur", "kommentar": ""},
        )
        self.assertEqual(response.status_code, 302)

    def test_verificer_runder_notices_an_altered_frozen_follow_up(self):
        call_command("verificer_runder", stdout=_stille(), stderr=_stille())
        frysning = FrossenForslagsstatus.objects.get(opfoelgning=self.runde)
        FrossenForslagsstatus.objects.filter(pk=frysning.pk).update(data=frysning.data.replace('"glad"', '"sur"', 1))
        err = io.StringIO()
        with self.assertRaises(CommandError):
            call_command("verificer_runder", stdout=_stille(), stderr=err)
        self.assertIn("omstillingsforslag", err.getvalue())

    def test_verificer_runder_notices_a_missing_frozen_follow_up(self):
        FrossenForslagsstatus.objects.filter(opfoelgning=self.runde).delete()
        with self.assertRaises(CommandError):
            call_command("verificer_runder", stdout=_stille(), stderr=_stille())


class StoredBilagTests(OmstillingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        aar = Budgetaar.objects.create(aar=2019)
        cls.runde = Opfoelgning.objects.create(
            aar=aar, nummer=1, pr_dato=date(2019, 4, 30), dokumentdato=date(2019, 4, 12)
        )
        laas_opfoelgning(opfoelgning=cls.runde)
        dan_bilag(cls.runde.pk)  # the job the lock asks for when its transaction commits

    def test_verificer_runder_notices_altered_bilag_bytes(self):
        call_command("verificer_runder", stdout=_stille(), stderr=_stille())
        data = bytearray(Opfoelgning.objects.get(pk=self.runde.pk).bilag_pdf)
        data[-20] ^= 0xFF
        Opfoelgning.objects.filter(pk=self.runde.pk).update(bilag_pdf=bytes(data))
        err = io.StringIO()
        with self.assertRaises(CommandError):
            call_command("verificer_runder", stdout=_stille(), stderr=err)
        self.assertIn("bilaget", err.getvalue())

