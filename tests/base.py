"""Shared test helpers: named users per role, the demo data, and reading tables as a screen reader would."""

from html.parser import HTMLParser

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
