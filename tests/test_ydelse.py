"""Speed guards: the round's cached figures are never stale, and the query counts of the round page and of an
activity save are fixed whatever the number of rammer or activities (benchmarks/ measures the time)."""

from datetime import date
from decimal import Decimal

from django.core.cache import cache

from budgetopfolgning import indtastning, selectors
from budgetopfolgning.indtastning import Aktivitetstal, Indtastning, Raekke, indfoer_aktiviteter
from budgetopfolgning.models import Aktivitetslinje, Opfoelgning, Opfoelgningslinje
from budgetopfolgning.services import aabn_opfoelgning, importer_budget, laas_opfoelgning
from omstilling.models import Forslag, Forslagsaar, Forslagsramme, Katalog, Katalogudvalg, Krav
from rammer.models import Bevillingsramme, Budgetaar, Rammedel, Udvalg
from tests.base import DemoTestCase, raekker, tabeller, uden_sessionsfornyelse
from tests.test_omstilling import OmstillingTestCase, _formdata

AABEN = "/opfolgning/2024/2/"
BSU = "Børne- og Skoleudvalget"


def _tabel_1(response) -> dict[str, list[str]]:
    assert response.status_code == 200, response.status_code
    return raekker(tabeller(response.content.decode())[0])


def _linje(nr: int = 2, ramme: str = "30.36", placering: str = "inden") -> Opfoelgningslinje:
    return Opfoelgningslinje.objects.get(
        opfoelgning__aar__aar=2024, opfoelgning__nummer=nr, rammedel__ramme__nummer=ramme,
        rammedel__placering=placering,
    )


class CacheIsNeverStaleTests(DemoTestCase):
    """Each test reads the pages (filling the cache), changes something by one of the ways figures change, and
    reads them again."""

    def setUp(self):
        cache.clear()
        self.client.force_login(self.okonomi)

    def _foer(self) -> list[str]:
        foer = _tabel_1(self.client.get(AABEN))[BSU]
        self.assertEqual(_tabel_1(self.client.get(AABEN))[BSU], foer)  # the second read comes from the cache
        return foer

    def test_a_ramme_form_save_shows_at_once_on_the_round_and_udvalg_pages(self):
        udvalg_url = f"{AABEN}udvalg/BSU/"
        udvalg_foer = raekker(tabeller(self.client.get(udvalg_url).content.decode())[0])
        foer = self._foer()
        linje = _linje(ramme="30.46")
        indtastning.gem_ramme(
            opfoelgning=linje.opfoelgning,
            indtastninger={linje.pk: Indtastning(
                korrektioner=linje.korrektioner, forventet_forbrug=linje.forventet_forbrug + Decimal("2000000"),
                forklaring=linje.forklaring, version=linje.version,
            )},
            bruger=self.konsulent,
        )
        efter = _tabel_1(self.client.get(AABEN))[BSU]
        self.assertEqual(_tal(efter[4]) - _tal(foer[4]), 2000)
        udvalg_efter = raekker(tabeller(self.client.get(udvalg_url).content.decode())[0])
        self.assertNotEqual(udvalg_efter, udvalg_foer)
        self.assertEqual(_tal(udvalg_efter["I alt"][4]) - _tal(udvalg_foer["I alt"][4]), 2000)

    def test_a_grid_save_shows_at_once(self):
        foer = self._foer()
        linje = _linje(ramme="30.46")
        indtastning.gem_raekker(
            opfoelgning=linje.opfoelgning,
            dele={linje.pk: Raekke(korrektioner=linje.korrektioner + Decimal("3000000"),
                                   forventet_forbrug=linje.forventet_forbrug, version=linje.version)},
            aktiviteter={},
            bruger=self.konsulent,
        )
        efter = _tabel_1(self.client.get(AABEN))[BSU]
        self.assertEqual(_tal(efter[2]) - _tal(foer[2]), 3000)  # korrektioner

    def test_a_single_row_save_as_the_admin_does_shows_at_once(self):
        foer = self._foer()
        linje = _linje(ramme="30.46")
        linje.forventet_forbrug += Decimal("5000000")
        linje.save()
        self.assertEqual(_tal(_tabel_1(self.client.get(AABEN))[BSU][4]) - _tal(foer[4]), 5000)

    def test_a_changed_budget_or_udvalg_name_shows_at_once(self):
        foer = self._foer()
        rammedel = Rammedel.objects.get(ramme__aar__aar=2024, ramme__nummer="30.46", placering="inden")
        rammedel.oprindeligt_budget += Decimal("7000000")
        rammedel.save()
        self.assertEqual(_tal(_tabel_1(self.client.get(AABEN))[BSU][0]) - _tal(foer[0]), 7000)
        udvalg = Udvalg.objects.get(aar__aar=2024, kode="BSU")
        udvalg.navn = "Udvalget for Børn og Skole"
        udvalg.save()
        self.assertIn("Udvalget for Børn og Skole", _tabel_1(self.client.get(AABEN)))

    def test_a_changed_serviceramme_shows_at_once(self):
        side = self.client.get(AABEN).content.decode()
        self.assertIn("Servicerammen for Ballerup Kommune udgør", side)
        aar = Budgetaar.objects.get(aar=2024)
        aar.serviceramme = Decimal("2000000000")
        aar.save()
        self.assertIn("udgør 2.000,0 mio. kr.", self.client.get(AABEN).content.decode())

    def test_changed_kommune_settings_show_at_once_on_open_and_locked_rounds(self):
        from kerne.models import Kommune

        for url in (AABEN, "/opfolgning/2024/1/"):
            self.assertIn("Servicerammen for Ballerup Kommune udgør", self.client.get(url).content.decode())
        kommune = Kommune.hent()
        kommune.navn = "Fjordby Kommune"
        kommune.opsummering_afrunding = Kommune.HELE_MIO
        kommune.fortegn_afvigelse_plus = "+ betyder merforbrug i forhold til budgettet"
        kommune.save()
        for url in (AABEN, "/opfolgning/2024/1/"):
            with self.subTest(url=url):
                side = self.client.get(url).content.decode()
                self.assertIn("Servicerammen for Fjordby Kommune udgør", side)
                self.assertIn("et mindreforbrug på ca. 45 mio. kr.", side)
                self.assertIn("<h1>Tabeloversigter for første budgetopfølgning 2024 for Fjordby Kommune</h1>"
                              if url.endswith("/1/") else "for Fjordby Kommune</h1>", side)
                self.assertIn("+ betyder merforbrug i forhold til budgettet", side)

    def test_opening_the_next_round_changes_no_figure_of_the_locked_one(self):
        laast = "/opfolgning/2024/1/"
        foer = _tabel_1(self.client.get(laast))
        self.assertEqual(_tabel_1(self.client.get(laast)), foer)

    # The ramme page's cached fragments (forbrug and activities, the explanations' changes, the history).

    def _ramme(self, nummer: str = "30.46", query: str = "") -> str:
        svar = self.client.get(f"{AABEN}ramme/{nummer}/{query}")
        self.assertEqual(svar.status_code, 200)
        return svar.content.decode()

    def _historik(self, html: str) -> list[list[str]]:
        return [t for t in tabeller(html) if t["caption"].startswith("Ændringer")][0]["rows"][1:]

    def test_a_ramme_form_save_shows_at_once_in_the_history_and_the_explanations_changes(self):
        foer = self._ramme()
        self.assertEqual(self._historik(self._ramme()), self._historik(foer))  # the second read is from the cache
        linje = _linje(ramme="30.46")
        indtastning.gem_ramme(
            opfoelgning=linje.opfoelgning,
            indtastninger={linje.pk: Indtastning(
                korrektioner=linje.korrektioner, forventet_forbrug=linje.forventet_forbrug + Decimal("1000"),
                forklaring="Helt ny forklaring fra konsulenten.", version=linje.version,
            )},
            bruger=self.konsulent,
        )
        efter = self._ramme()
        nyeste = self._historik(efter)[:2]
        self.assertEqual({r[3] for r in nyeste}, {"Forventet forbrug", "Forklaring"})
        self.assertIn('<ins><span class="visuelt-skjult">[tilføjet:] </span>Helt</ins>', efter)
        self.assertNotEqual(self._historik(self._ramme(query="?historik=40")), self._historik(foer))

    def test_a_single_row_save_shows_at_once_in_the_history(self):
        foer = self._historik(self._ramme())
        linje = _linje(ramme="30.46")
        linje.forventet_forbrug += Decimal("1000")
        linje.save()
        efter = self._historik(self._ramme())
        self.assertNotEqual(efter, foer)
        self.assertEqual(efter[0][3], "Forventet forbrug")

    def test_an_activity_saved_alone_shows_at_once_on_the_ramme_page(self):
        def aktiviteter() -> dict[str, list[str]]:
            html = self._ramme("30.36")
            return raekker([t for t in tabeller(html) if t["caption"].startswith("Rammens aktiviteter")][0])

        foer = aktiviteter()
        self.assertEqual(aktiviteter(), foer)
        aktivitet = Aktivitetslinje.objects.get(
            opfoelgning__aar__aar=2024, opfoelgning__nummer=2,
            aktivitetsdel__aktivitet__navn="Støtte i almenskolen",
        )
        aktivitet.forventet_forbrug += Decimal("4000000")
        aktivitet.save()
        efter = aktiviteter()
        self.assertEqual(_tal(efter["Støtte i almenskolen"][5]) - _tal(foer["Støtte i almenskolen"][5]), 4000)


def _tal(celle: str) -> int:
    return int(celle.replace(".", "").replace("−", "-") or 0)


def _csv(n_rammer: int) -> bytes:
    lines = ["udvalg;ramme;ramme_navn;serviceramme;oprindeligt_budget;korrektioner;forventet_forbrug"]
    for i in range(n_rammer):
        nummer = f"{10 + i // 100:02d}.{i % 100:02d}"
        lines.append(f"Udvalg {i % 7};{nummer};Ramme {i};inden;{1000 + i}000,50;-12,25;{1100 + i}000")
        lines.append(f"Udvalg {i % 7};{nummer};Ramme {i};uden;{i},75;0;{i}")
    return ("\n".join(lines) + "\n").encode()


def _aar(aar: int, n_rammer: int) -> tuple[Opfoelgning, Opfoelgning]:
    """A year of `n_rammer` rammer: round 1 locked, round 2 open."""
    foerste = importer_budget(
        data=_csv(n_rammer), filnavn="x.csv", aar=aar, nummer=1, pr_dato=date(aar, 4, 30)
    ).opfoelgning
    laas_opfoelgning(opfoelgning=foerste)
    anden = aabn_opfoelgning(aar=foerste.aar, pr_dato=date(aar, 8, 31), dokumentdato=date(aar, 8, 16))
    return Opfoelgning.objects.get(pk=foerste.pk), anden


class QueryCountTests(DemoTestCase):
    """Fixed counts, equal for 2 and for 300 rammer; the second request of an unchanged round reads its tables from
    the cache. (The counts include reading the session, the user with its roles and the kommune's settings, not the
    session's renewal, which is a write at most once a minute.)"""

    LAAST_KOLD, LAAST_VARM = 9, 4
    AABEN_KOLD, AABEN_VARM = 13, 6
    # A cold ramme page reads the year's forbrug version once (27), and its forbrug sums from the cache after that.
    RAMME_KOLD, RAMME_VARM = 27, 8
    OMSTILLING_KOLD, OMSTILLING_VARM = 12, 5

    def setUp(self):
        self.enterContext(uden_sessionsfornyelse())
        self.client.force_login(self.okonomi)
        self.client.get("/")

    def test_round_page_query_counts_are_fixed(self):
        smaa, store = _aar(2030, 2), _aar(2031, 300)
        self.assertEqual(store[1].linjer.count(), 600)
        for aar in (smaa[0].aar.aar, store[0].aar.aar):
            cache.clear()
            with self.assertNumQueries(self.LAAST_KOLD):
                self.client.get(f"/opfolgning/{aar}/1/")
            with self.assertNumQueries(self.LAAST_VARM):
                self.client.get(f"/opfolgning/{aar}/1/")
            with self.assertNumQueries(self.AABEN_KOLD):
                self.client.get(f"/opfolgning/{aar}/2/")
            with self.assertNumQueries(self.AABEN_VARM):
                svar = self.client.get(f"/opfolgning/{aar}/2/")
        self.assertEqual(len(tabeller(svar.content.decode())[0]["rows"]), 2 + 1 + 1 + 7)

    def test_ramme_and_omstilling_page_query_counts_are_fixed(self):
        """The ramme page's forbrug, chart, activities, history and explanations' changes, and the catalogue
        overview's tables, come from the cache while their round or catalogue is unchanged."""
        cache.clear()
        for url, kold, varm in (("/opfolgning/2024/2/ramme/30.36/", self.RAMME_KOLD, self.RAMME_VARM),
                                ("/omstilling/2019/", self.OMSTILLING_KOLD, self.OMSTILLING_VARM)):
            with self.subTest(url=url):
                with self.assertNumQueries(kold):
                    self.client.get(url)
                with self.assertNumQueries(varm):
                    self.client.get(url)


class ActivitySaveQueryCountTests(DemoTestCase):
    """A ramme's form with its activities saves in a fixed number of queries, however many activities change."""

    GEM = 14

    def _ramme_med_aktiviteter(self, aar: int, antal: int) -> tuple[Opfoelgning, Opfoelgningslinje]:
        _, anden = _aar(aar, 1)
        rammedel = Rammedel.objects.get(ramme__aar__aar=aar, placering="inden")
        linje = Opfoelgningslinje.objects.get(opfoelgning=anden, rammedel=rammedel)

        def del_op(beloeb: Decimal) -> list[Decimal]:
            stykke = (beloeb / antal).quantize(Decimal("1"))
            return [stykke] * (antal - 1) + [beloeb - stykke * (antal - 1)]

        budget, korr, forv = (del_op(b) for b in (rammedel.oprindeligt_budget, linje.korrektioner,
                                                  linje.forventet_forbrug))
        indfoer_aktiviteter(opfoelgning=anden, rammedel=rammedel, aktiviteter=[
            Aktivitetstal(f"Aktivitet {i + 1}", budget[i], korr[i], forv[i]) for i in range(antal)
        ])
        return anden, Opfoelgningslinje.objects.get(pk=linje.pk)

    def _gem(self, opfoelgning: Opfoelgning, linje: Opfoelgningslinje) -> None:
        linjer = Opfoelgningslinje.objects.filter(opfoelgning=opfoelgning, rammedel__ramme_id=linje.rammedel.ramme_id)
        aktiviteter = Aktivitetslinje.objects.filter(opfoelgning=opfoelgning)
        indtastninger = {
            lin.pk: Indtastning(korrektioner=lin.korrektioner, forventet_forbrug=lin.forventet_forbrug,
                                forklaring="Ny forklaring", version=lin.version)
            for lin in linjer
        }
        akt_indtastninger = {
            a.pk: Indtastning(korrektioner=a.korrektioner + 1000, forventet_forbrug=a.forventet_forbrug + 200000,
                              forklaring="", version=a.version)
            for a in aktiviteter
        }
        with self.assertNumQueries(self.GEM):
            indtastning.gem_ramme(opfoelgning=opfoelgning, indtastninger=indtastninger,
                                  aktiviteter=akt_indtastninger, bruger=self.konsulent)
        linje.refresh_from_db()
        aktiviteter = aktiviteter.all()  # read again: the query above holds the rows as they were
        antal = aktiviteter.count()
        self.assertEqual(linje.korrektioner, sum(a.korrektioner for a in aktiviteter))
        self.assertEqual(linje.forklaring, "Ny forklaring")
        self.assertEqual({a.version for a in aktiviteter}, {2})
        self.assertEqual(Aktivitetslinje.history.filter(opfoelgning=opfoelgning, history_type="~").count(), antal)

    def test_two_and_thirty_activities_save_in_the_same_number_of_queries(self):
        self._gem(*self._ramme_med_aktiviteter(2030, 2))
        self._gem(*self._ramme_med_aktiviteter(2031, 30))

    def test_the_saved_figures_show_on_the_round_page_at_once(self):
        opfoelgning, linje = self._ramme_med_aktiviteter(2030, 3)
        self.client.force_login(self.okonomi)
        foer = _tabel_1(self.client.get("/opfolgning/2030/2/"))["I alt"]
        self._gem(opfoelgning, linje)
        efter = _tabel_1(self.client.get("/opfolgning/2030/2/"))["I alt"]
        self.assertNotEqual(efter, foer)


class HistoryPagingTests(DemoTestCase):
    """The ramme page lists the newest 20 changes; "Vis ældre ændringer" is a plain link to more."""

    URL = "/opfolgning/2024/2/ramme/30.46/"

    def setUp(self):
        self.client.force_login(self.okonomi)
        linje = _linje(ramme="30.46")
        for _ in range(25):
            linje.forventet_forbrug += Decimal("1000")
            linje.save()

    def _historik(self, html: str) -> list[list[str]]:
        return [t for t in tabeller(html) if t["caption"].startswith("Ændringer")][0]["rows"][1:]

    def test_the_newest_twenty_then_a_link_to_older_ones(self):
        i_alt = len(selectors.historik(Opfoelgning.objects.get(aar__aar=2024, nummer=2),
                                       Bevillingsramme.objects.get(aar__aar=2024, nummer="30.46")))
        self.assertGreater(i_alt, 25)  # the demo's own changes and the 25 above
        html = self.client.get(self.URL).content.decode()
        rows = self._historik(html)
        self.assertEqual(len(rows), 20)
        self.assertEqual(rows[0][4:], ["174.824.000,00", "174.825.000,00"])  # newest first
        self.assertEqual(rows[19][4:], ["174.805.000,00", "174.806.000,00"])
        self.assertIn(f"Viser de 20 nyeste af {i_alt} ændringer.", html)
        self.assertIn('<a href="?historik=40#historik">Vis ældre ændringer</a>', html)
        html = self.client.get(self.URL + "?historik=40").content.decode()
        rows = self._historik(html)
        self.assertEqual(len(rows), i_alt)
        self.assertIn(["Inden for servicerammen", "Forventet forbrug", "174.800.000,00", "174.801.000,00"],
                      [r[2:] for r in rows])
        self.assertNotIn("Vis ældre ændringer", html)

    def test_a_bad_count_shows_the_first_page(self):
        for vaerdi in ("abc", "-5", "3"):
            svar = self.client.get(self.URL + f"?historik={vaerdi}")
            self.assertEqual(svar.status_code, 200)
            self.assertEqual(len(self._historik(svar.content.decode())), 20)


class DraftBilagCacheTests(DemoTestCase):
    """A draft Bilag is kept keyed on the exact page it is drawn from: unchanged, the same bytes come back (from the
    cache); any changed text or figure is in the next download."""

    URL = "/opfolgning/2024/2/bilag.pdf"

    def test_a_changed_explanation_is_in_the_next_draft(self):
        import io

        from pypdf import PdfReader

        def tekst(data: bytes) -> str:
            return " ".join(" ".join(side.extract_text() for side in PdfReader(io.BytesIO(data)).pages).split())

        cache.clear()
        self.client.force_login(self.okonomi)
        foerste = self.client.get(self.URL).content
        self.assertEqual(self.client.get(self.URL).content, foerste)
        linje = _linje(ramme="30.46")
        linje.forklaring = "Helt ny forklaring om anbringelser, skrevet efter første kladde."
        linje.save()
        anden = self.client.get(self.URL).content
        self.assertNotEqual(anden, foerste)
        self.assertNotIn("Helt ny forklaring om anbringelser", tekst(foerste))
        self.assertIn("Helt ny forklaring om anbringelser", tekst(anden))


class OverviewCacheIsNeverStaleTests(OmstillingTestCase):
    """The catalogue overview's tables are cached under `Katalog.tal_version`: each way its figures change shows on
    the next load."""

    URL = "/omstilling/2019/"

    def setUp(self):
        cache.clear()
        self.client.force_login(self.okonomi)

    def _fagudvalg(self) -> dict[str, list[str]]:
        svar = self.client.get(self.URL)
        self.assertEqual(svar.status_code, 200)
        return raekker(self.tabel(svar.content.decode(), "Besparelserne fordelt på fagudvalg"))

    def _foer(self) -> dict[str, list[str]]:
        foer = self._fagudvalg()
        self.assertEqual(self._fagudvalg(), foer)  # the second read comes from the cache
        return foer

    def test_a_proposal_saved_through_its_form_shows_at_once(self):
        self.assertEqual(self._foer()["Teknik- og Miljøudvalget"][1], "−0,40")
        forslag = Forslag.objects.get(nr="TMU-07")
        url = "/omstilling/2019/TMU-07/rediger/"
        version = self.client.get(url).context["form"]["version"].value()
        svar = self.client.post(url, _formdata(forslag, version=version, **{"aar2020-driftsbesparelse": "300.000"}))
        self.assertRedirects(svar, "/omstilling/2019/TMU-07/")
        self.assertEqual(self._fagudvalg()["Teknik- og Miljøudvalget"][1], "−0,43")

    def test_single_rows_saved_as_the_admin_does_show_at_once(self):
        foer = self._foer()
        aar = Forslagsaar.objects.get(forslag__nr="TMU-07", aar=2020)
        aar.driftsbesparelse += Decimal("30000")
        aar.save()
        self.assertEqual(self._fagudvalg()["Teknik- og Miljøudvalget"][1], "−0,43")
        udvalg = Katalogudvalg.objects.get(katalog=self.katalog, navn="Teknik- og Miljøudvalget")
        udvalg.navn = "Klima- og Miljøudvalget"
        udvalg.save()
        self.assertEqual(self._fagudvalg()["Klima- og Miljøudvalget"], ["−0,66", "−0,43", "−0,40", "−0,40"])
        krav = Krav.objects.get(katalog=self.katalog, aar=2019)
        krav.beloeb += Decimal("1000000")
        krav.save()
        svar = self.client.get(self.URL).content.decode()
        self.assertEqual(raekker(self.tabel(svar, "Den samlede besparelse"))["Budget 2019 krav – minimum"][0], "40,40")
        self.assertNotEqual(self._fagudvalg(), foer)

    def test_a_proposal_dropped_or_deleted_shows_at_once(self):
        self._foer()
        forslag = Forslag.objects.get(nr="TMU-07")
        forslag.status = Forslag.IKKE_MEDTAGET
        forslag.save()
        html = self.client.get(self.URL).content.decode()
        self.assertIn("Forslag, der ikke er medtaget", html)
        self.assertIn("TMU-07", html.split("Forslag, der ikke er medtaget")[1])
        forslag.delete()
        self.assertNotIn("TMU-07", self.client.get(self.URL).content.decode())


class LockReadsBeforeItWritesTests(DemoTestCase):
    """The lock reads and hashes the figures before its short write transaction; a save landing in between is
    seen (the round's tal_version moved), and the figures are read again, so the hash is always of what is locked."""

    def test_a_save_while_the_lock_reads_is_in_the_locked_hash(self):
        from unittest import mock

        runde = Opfoelgning.objects.get(aar__aar=2024, nummer=2)
        linje = _linje(ramme="30.46")
        aegte = selectors.tal_sha256
        kald = []

        def imens(opfoelgning, alle=None):
            kald.append(1)
            if len(kald) == 1:  # another user saves right after the lock read the figures
                linje.forventet_forbrug += Decimal("1000")
                linje.save()
            return aegte(opfoelgning, alle)

        with mock.patch.object(selectors, "tal_sha256", imens):
            laast = laas_opfoelgning(opfoelgning=runde)
        self.assertEqual(len(kald), 2)
        self.assertEqual(laast.tal_sha256, selectors.tal_sha256(Opfoelgning.objects.get(pk=runde.pk)))
        self.assertEqual(Opfoelgning.objects.get(pk=runde.pk).status, Opfoelgning.LAAST)

    def test_figures_that_keep_changing_refuse_the_lock(self):
        from unittest import mock

        from budgetopfolgning.services import OpfoelgningsFejl

        runde = Opfoelgning.objects.get(aar__aar=2024, nummer=2)
        linje = _linje(ramme="30.46")
        aegte = selectors.tal_sha256

        def altid(opfoelgning, alle=None):
            linje.forventet_forbrug += Decimal("1000")
            linje.save()
            return aegte(opfoelgning, alle)

        with mock.patch.object(selectors, "tal_sha256", altid), self.assertRaisesMessage(
            OpfoelgningsFejl, "blev ændret, mens den blev låst. Prøv igen."
        ):
            laas_opfoelgning(opfoelgning=runde)
        self.assertEqual(Opfoelgning.objects.get(pk=runde.pk).status, Opfoelgning.AABEN)


class RammeTagCacheIsNeverStaleTests(OmstillingTestCase):
    """A ramme page's list of the proposals touching it is cached under the versions of the catalogues running in
    the year: a proposal's rammer, years or status changed, or a catalogue added, show on the next load."""

    def setUp(self):
        aar = Budgetaar.objects.create(aar=2020)
        tmu = Udvalg.objects.create(aar=aar, navn="Teknik- og Miljøudvalget", kode="TMU")
        self.ramme = Bevillingsramme.objects.create(aar=aar, udvalg=tmu, nummer="10.22", navn="Trafik")

    def _raekker(self) -> dict[str, list[str]]:
        from django.template import Context, Template

        html = Template("{% load omstilling %}{% forslag_for_ramme ramme %}").render(Context({"ramme": self.ramme}))
        return raekker(tabeller(html)[0]) if "<table" in html else {}

    def test_changes_to_the_proposals_show_at_once(self):
        foer = self._raekker()
        self.assertEqual(self._raekker(), foer)
        self.assertEqual(foer["TMU-07"][-1], "270")
        aar = Forslagsaar.objects.get(forslag__nr="TMU-07", aar=2020)
        aar.driftsbesparelse += Decimal("30000")
        aar.save()
        self.assertEqual(self._raekker()["TMU-07"][-1], "300")
        Forslagsramme.objects.filter(forslag__nr="TMU-07", nummer="10.22").delete()
        self.assertNotIn("TMU-07", self._raekker())
        katalog = Katalog.objects.get(aar=2019)
        katalog.aar_til = 2019
        katalog.save()
        self.assertEqual(self._raekker(), {})
