"""Shared test helpers: named users per role, the demo data, reading tables as a screen reader would and forms as a
browser submits them."""

from contextlib import contextmanager
from html.parser import HTMLParser
from unittest import mock

from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import TestCase

from kerne import roller


class TabelParser(HTMLParser):
    """Collects every <table>: its caption and rows, each row a list of cell texts (th and td alike)."""

    def __init__(self):
        super().__init__()
        self.tabeller = []
        self._celle = None
        self._raekke = None
        self._caption = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tabeller.append({"caption": "", "rows": [], "header_scopes": []})
        elif tag == "caption":
            self._caption = []
        elif tag == "tr" and self.tabeller:
            self._raekke = []
        elif tag in ("td", "th") and self._raekke is not None:
            self._celle = []
            if tag == "th":
                self.tabeller[-1]["header_scopes"].append(dict(attrs).get("scope"))

    def handle_endtag(self, tag):
        if tag == "caption" and self._caption is not None:
            self.tabeller[-1]["caption"] = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("td", "th") and self._celle is not None:
            self._raekke.append(" ".join("".join(self._celle).split()))
            self._celle = None
        elif tag == "tr" and self._raekke is not None:
            self.tabeller[-1]["rows"].append(self._raekke)
            self._raekke = None

    def handle_data(self, data):
        if self._celle is not None:
            self._celle.append(data)
        elif self._caption is not None:
            self._caption.append(data)


def tabeller(html: str) -> list[dict]:
    parser = TabelParser()
    parser.feed(html)
    return parser.tabeller


def raekker(tabel: dict) -> dict[str, list[str]]:
    """Rows keyed by their first cell."""
    return {row[0]: row[1:] for row in tabel["rows"] if row}


class FormularParser(HTMLParser):
    """Collects every <form>: its action and the fields a browser would submit from it (text and hidden inputs,
    ticked boxes and radios, textareas, the selected option)."""

    def __init__(self):
        super().__init__()
        self.formularer = []
        self._tekstfelt = None
        self._valg = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.formularer.append({"action": a.get("action") or "", "felter": {}})
        elif not self.formularer or "name" not in a and tag != "option":
            return
        elif tag == "input":
            type_ = a.get("type", "text")
            if type_ in ("submit", "button", "reset", "file") or type_ in ("checkbox", "radio") and "checked" not in a:
                return
            self.formularer[-1]["felter"][a["name"]] = a.get("value") or ("on" if type_ == "checkbox" else "")
        elif tag == "textarea":
            self._tekstfelt = (a["name"], [])
        elif tag == "select":
            self._valg = {"name": a["name"], "valgt": None, "foerste": None}
        elif tag == "option" and self._valg is not None:
            if self._valg["foerste"] is None:
                self._valg["foerste"] = a.get("value", "")
            if "selected" in a:
                self._valg["valgt"] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea" and self._tekstfelt is not None:
            navn, dele = self._tekstfelt
            # A browser drops the newline right after <textarea>.
            self.formularer[-1]["felter"][navn] = "".join(dele).removeprefix("\n")
            self._tekstfelt = None
        elif tag == "select" and self._valg is not None:
            v = self._valg
            self.formularer[-1]["felter"][v["name"]] = v["valgt"] if v["valgt"] is not None else v["foerste"] or ""
            self._valg = None

    def handle_data(self, data):
        if self._tekstfelt is not None:
            self._tekstfelt[1].append(data)


def formular(html: str) -> dict[str, str]:
    """What a browser would submit from the page's edit form (the form with a version field)."""
    parser = FormularParser()
    parser.feed(html)
    fundne = [f["felter"] for f in parser.formularer if any(n.endswith("version") for n in f["felter"])]
    assert len(fundne) == 1, [f["action"] for f in parser.formularer]
    return fundne[0]


@contextmanager
def uden_sessionsfornyelse():
    """No request renews the session while inside. The renewal is a write of its own at most once a minute, so it
    falls on whichever request comes first after a minute; a test that counts a page's queries counts the page's own
    (SessionTests test the renewal)."""
    with mock.patch("kerne.middleware.FORNY_SESSION_SEKUNDER", 10**12):
        yield


class BaseTestCase(TestCase):
    """Users per role: okonomi (Center for Økonomi), konsulent (Økonomikonsulent), udvalg (Udvalgsmedlem)."""

    @classmethod
    def setUpTestData(cls):
        cls.okonomi = cls._bruger("okonomi", roller.OKONOMI)
        cls.konsulent = cls._bruger("konsulent", roller.KONSULENT)
        cls.udvalg = cls._bruger("udvalg", roller.UDVALGSMEDLEM)

    @staticmethod
    def _bruger(username, rolle):
        user = User.objects.create_user(username, password="demo")
        user.groups.add(Group.objects.get(name=rolle))
        return user


class DemoTestCase(BaseTestCase):
    """The demo data as `manage.py demo` loads it (its users are the ones `demo` creates)."""

    @classmethod
    def setUpTestData(cls):
        call_command("demo", stdout=open("/dev/null", "w"))
        cls.okonomi = User.objects.get(username="okonomi")
        cls.konsulent = User.objects.get(username="konsulent")
        cls.udvalg = User.objects.get(username="udvalg")
