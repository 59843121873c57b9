"""The access matrix of docs/adgang.md, checked for every route in urlpatterns and every kind of user."""

from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from budgetopfolgning.models import Opfoelgning, Opfoelgningslinje
from rammer.models import Bevillingsramme
from tests.base import DemoTestCase

# Public by nature (login, SSO, health); the admin has its own staff check.
SKIP = {"login", "logout", "tilgaengelighed", "sundhed", "oidc_start", "oidc_tilbage"}

ACTORS = ("anonym", "udvalg", "konsulent_egen", "konsulent_anden", "okonomi")
LAAST, AABEN = 1, 2

ALLE_200 = dict.fromkeys(ACTORS[1:], 200)
KLADDE = {"udvalg": 404, "konsulent_egen": 200, "konsulent_anden": 200, "okonomi": 200}
REDIGERER = {"udvalg": 403, "konsulent_egen": 200, "konsulent_anden": 200, "okonomi": 200}

# route name → list of (kwargs builder(ramme_nr), expected GET status per actor except anonym)
EXPECTED = {
    "forside": [({}, ALLE_200)],
    "opfoelgning": [({"nr": LAAST}, ALLE_200), ({"nr": AABEN}, KLADDE)],
    "udvalg": [({"nr": LAAST, "kode": "BSU"}, ALLE_200), ({"nr": AABEN, "kode": "BSU"}, KLADDE)],
    "ramme": [({"nr": LAAST, "ramme_nr": None}, ALLE_200), ({"nr": AABEN, "ramme_nr": None}, KLADDE)],
    "rediger_ramme": [
        ({"nr": LAAST, "ramme_nr": None}, dict.fromkeys(ACTORS[1:], 403)),
        ({"nr": AABEN, "ramme_nr": None},
         {"udvalg": 404, "konsulent_egen": 200, "konsulent_anden": 403, "okonomi": 200}),
    ],
    "laas": [
        ({"nr": LAAST}, dict.fromkeys(ACTORS[1:], 403)),
        ({"nr": AABEN}, {"udvalg": 404, "konsulent_egen": 403, "konsulent_anden": 403, "okonomi": 200}),
    ],
    # The round's grid: every row the user may edit; a locked round has none.
    "indtastning": [
        ({"nr": LAAST}, dict.fromkeys(ACTORS[1:], 403)),
        ({"nr": AABEN}, KLADDE),
    ],
    # The rammer's review status: the staff roles only (a konsulent sees their own).
    "rammestatus": [
        ({"nr": LAAST}, {"udvalg": 403, "konsulent_egen": 200, "konsulent_anden": 200, "okonomi": 200}),
        ({"nr": AABEN}, KLADDE),
    ],
    # POST only: the review steps (tests/test_arbejdsbord.py covers who may take which).
    "gennemgang": [
        ({"nr": LAAST, "ramme_nr": None}, dict.fromkeys(ACTORS[1:], 405)),
        ({"nr": AABEN, "ramme_nr": None}, dict.fromkeys(ACTORS[1:], 405)),
    ],
    # POST only: Center for Økonomi asks again for a locked round's Bilag.
    "dan_bilag": [({"nr": LAAST}, dict.fromkeys(ACTORS[1:], 405)), ({"nr": AABEN}, dict.fromkeys(ACTORS[1:], 405))],
    "ny_opfoelgning": [({}, {"udvalg": 403, "konsulent_egen": 403, "konsulent_anden": 403, "okonomi": 200})],
    "bilag_pdf": [({"nr": LAAST}, ALLE_200), ({"nr": AABEN}, KLADDE)],
    "udvalg_bilag_pdf": [({"nr": LAAST, "kode": "BSU"}, ALLE_200), ({"nr": AABEN, "kode": "BSU"}, KLADDE)],
    "tabeller_xlsx": [({"nr": LAAST}, ALLE_200), ({"nr": AABEN}, KLADDE)],
    "tabel_csv": [({"nr": LAAST, "tabel": 1}, ALLE_200), ({"nr": AABEN, "tabel": 2}, KLADDE)],
    # Forbrug from the ERP: only Center for Økonomi uploads it.
    "forbrug:indlaes": [("/forbrug/indlaes/", {"udvalg": 403, "konsulent_egen": 403, "konsulent_anden": 403,
                                              "okonomi": 200})],
    # A budget file uploaded in the browser, and an import job's progress page: Center for Økonomi only (no job
    # has the number 999999: the role is checked before the job is looked up; tests/test_importjob.py shows one).
    "indlaes_budget": [("/opfolgning/indlaes/", {"udvalg": 403, "konsulent_egen": 403, "konsulent_anden": 403,
                                                 "okonomi": 200})],
    "importjob": [("/import/999999/", {"udvalg": 403, "konsulent_egen": 403, "konsulent_anden": 403,
                                       "okonomi": 404})],
    # Forecast precision: everyone reads; udvalgsmedlemmer see the locked rounds only.
    "praecision": [("/opfolgning/2024/praecision/", ALLE_200)],
    # Savings proposals: everyone reads; Center for Økonomi and konsulenter create and edit.
    "omstilling:kataloger": [("/omstilling/", ALLE_200)],
    "omstilling:oversigt": [("/omstilling/2019/", ALLE_200)],
    "omstilling:oversigt_pdf": [("/omstilling/2019/oversigt.pdf", ALLE_200)],
    "omstilling:oversigt_xlsx": [("/omstilling/2019/oversigt.xlsx", ALLE_200)],
    "omstilling:nyt_forslag": [("/omstilling/2019/nyt/", REDIGERER)],
    "omstilling:forslag": [("/omstilling/2019/TMU-07/", ALLE_200)],
    "omstilling:forslag_pdf": [("/omstilling/2019/TMU-07/forslag.pdf", ALLE_200)],
    "omstilling:rediger_forslag": [("/omstilling/2019/TMU-07/rediger/", REDIGERER)],
    "omstilling:opfoelgning": [
        ("/omstilling/opfolgning/2024/1/", ALLE_200),
        ("/omstilling/opfolgning/2024/2/", KLADDE),
    ],
    # POST only.
    "omstilling:overfoer": [("/omstilling/opfolgning/2024/2/overfoer/", dict.fromkeys(ACTORS[1:], 405))],
    # The ramme in depth: everyone reads; Center for Økonomi and the assigned konsulent edit.
    "rammer:oversigt": [("/rammer/", ALLE_200)],
    "rammer:ramme": [("/rammer/2024/30.46/", ALLE_200)],
    "rammer:regnskab": [("/rammer/2018/30.46/regnskab/", ALLE_200)],
    "rammer:rediger_regnskab": [
        (("/rammer/2018/30.46/regnskab/rediger/", "/rammer/2018/20.02/regnskab/rediger/"),
         {"udvalg": 403, "konsulent_egen": 200, "konsulent_anden": 403, "okonomi": 200}),
    ],
    "rammer:ledelsesinformation": [("/rammer/2023/30.46/ledelsesinformation/", ALLE_200)],
    "rammer:ledelsesinformation_pdf": [("/rammer/2023/30.46/ledelsesinformation/ledelsesinformation.pdf", ALLE_200)],
    "rammer:graf": [("/rammer/2023/30.46/ledelsesinformation/underretninger.svg", ALLE_200)],
    "rammer:rediger_skoen": [("/rammer/2023/30.46/ledelsesinformation/skoen/", REDIGERER)],
    "rammer:rediger_estimat": [("/rammer/2023/30.46/ledelsesinformation/estimat/", REDIGERER)],
    "rammer:rediger_maanedsstatus": [("/rammer/2023/30.46/ledelsesinformation/maanedsstatus/", REDIGERER)],
    "rammer:rediger_underretninger": [("/rammer/2023/30.46/ledelsesinformation/underretninger/", REDIGERER)],
    # The what-if recalculates without saving; saving is POST only.
    "rammer:budgetmodel": [("/rammer/2018/20.02/budgetmodel/", ALLE_200)],
    "rammer:gem_budgetmodel": [("/rammer/2018/20.02/budgetmodel/gem/", dict.fromkeys(ACTORS[1:], 405))],
    # The demo's catalogue (2019–2022) does not run in 2024, so there is no follow-up to edit there.
    "omstilling:rediger_opfoelgning": [
        ("/omstilling/opfolgning/2024/2/2019/TMU-07/", dict.fromkeys(ACTORS[1:], 404)),
    ],
}


# POST-only actions answer GET with 405; these actors may POST to them (their own tests cover what a POST does).
POST_TILLADT = {
    "rammer:gem_budgetmodel": {"okonomi"},
    "dan_bilag": {"okonomi"},
    "omstilling:overfoer": {"okonomi", "konsulent_egen", "konsulent_anden"},
}


def _routes(patterns=None, namespace=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            if "admin" in str(p.pattern):
                continue
            yield from _routes(p.url_patterns, f"{p.namespace}:" if p.namespace else namespace)
        elif isinstance(p, URLPattern) and p.name and p.name not in SKIP:
            yield namespace + p.name


def _state():
    return (
        list(Opfoelgning.objects.order_by("pk").values_list("status", "nummer")),
        list(Opfoelgningslinje.objects.order_by("pk").values_list("korrektioner", "forventet_forbrug", "version")),
    )


class AccessMatrixTests(DemoTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.eget, cls.andet = "30.46", "10.30"
        assert Bevillingsramme.objects.filter(aar__aar=2024, nummer=cls.andet).exists()

    def _client(self, actor):
        client = Client()
        user = {"udvalg": "udvalg", "konsulent_egen": "konsulent", "konsulent_anden": "konsulent",
                "okonomi": "okonomi"}.get(actor)
        if user:
            client.force_login(User.objects.get(username=user))
        return client

    def _url(self, name, kwargs, actor):
        from django.urls import reverse

        if isinstance(kwargs, str):
            return kwargs
        if isinstance(kwargs, tuple):  # (path for the konsulent's own ramme, path for another ramme)
            return kwargs[1] if actor == "konsulent_anden" else kwargs[0]
        kwargs = dict(kwargs)
        if "ramme_nr" in kwargs:
            kwargs["ramme_nr"] = self.andet if actor == "konsulent_anden" else self.eget
        if name not in ("forside", "ny_opfoelgning") and "nr" in kwargs:
            kwargs["aar"] = 2024
        return reverse(name, kwargs=kwargs)

    def test_every_route_has_expectations(self):
        self.assertEqual(sorted(set(_routes())), sorted(EXPECTED))

    def test_the_matrix(self):
        for name in sorted(set(_routes())):
            for kwargs, expected in EXPECTED[name]:
                for actor in ACTORS:
                    url = self._url(name, kwargs, actor)
                    client = self._client(actor)
                    with self.subTest(route=name, url=url, actor=actor):
                        response = client.get(url)
                        if actor == "anonym":
                            self.assertEqual(response.status_code, 302)
                            self.assertTrue(response["Location"].startswith("/login/?next="))
                        else:
                            self.assertEqual(response.status_code, expected[actor])

    def test_refused_posts_change_nothing(self):
        for name in sorted(set(_routes())):
            for kwargs, expected in EXPECTED[name]:
                for actor in ACTORS:
                    url = self._url(name, kwargs, actor)
                    if actor != "anonym" and expected[actor] == 200 or actor in POST_TILLADT.get(name, ()):
                        continue
                    before = _state()
                    with self.subTest(route=name, url=url, actor=actor):
                        response = self._client(actor).post(url, {"inden_forventet_forbrug": "1"})
                        self.assertIn(response.status_code, (302, 403, 404, 405))
                        self.assertEqual(_state(), before)

    def test_read_only_pages_answer_post_with_405(self):
        client = self._client("okonomi")
        for url in ("/", "/opfolgning/2024/1/", "/opfolgning/2024/1/udvalg/BSU/", "/opfolgning/2024/1/ramme/30.46/"):
            self.assertEqual(client.post(url).status_code, 405, url)
