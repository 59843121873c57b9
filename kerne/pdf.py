"""The one way a page becomes a PDF: WeasyPrint, tagged (PDF/UA-1), in Danish, static files read from disk.

Used by the Bilag, the omstilling PDFs and the ledelsesinformation PDF.
"""

import functools
import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import weasyprint
import weasyprint.text.ffi
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation
from django_weasyprint.utils import DjangoURLFetcher

# `{% static %}` gives relative URLs; against this base they become file: URLs the fetcher maps to static files,
# so nothing is fetched over HTTP from our own server.
BASE_URL = "file:///"
PDF_OPTIONS = {
    "pdf_variant": "pdf/ua-1",  # tagged, with title and language: readable by screen readers
    "pdf_identifier": True,  # a hash of the content, not a random ID: the same document gives the same bytes
}

_RENDER_LAAS = threading.Lock()
# WeasyPrint subsets the embedded fonts with HarfBuzz-Subset when the system has it (Debian: libharfbuzz-subset0),
# else with fontTools, which stamps the current second into every font subset.
_FONTTOOLS_SUBSET = getattr(weasyprint.text.ffi, "harfbuzz_subset", None) is None


@contextmanager
def _fast_fonttidspunkt(dato: date | None) -> Iterator[None]:
    """Pin the timestamp fontTools writes into each font subset, so two renders give equal bytes.

    fontTools honours SOURCE_DATE_EPOCH. The variable is process-wide, so renders take a lock while it is set;
    with HarfBuzz-Subset there is no timestamp, and neither variable nor lock.
    """
    if not _FONTTOOLS_SUBSET or dato is None:
        yield
        return
    epoch = str(int(datetime.combine(dato, time(0, 0), tzinfo=UTC).timestamp()))
    with _RENDER_LAAS:
        tidligere = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = epoch
        try:
            yield
        finally:
            if tidligere is None:
                del os.environ["SOURCE_DATE_EPOCH"]
            else:
                os.environ["SOURCE_DATE_EPOCH"] = tidligere


def _scope_paa_overskrifter(_document: weasyprint.Document, pdf: Any) -> None:
    """PDF/UA wants every table header cell to say what it heads (/Scope); WeasyPrint writes only /O /Table.

    A header in the table head heads its column; one in the body (the udvalg or ramme name) heads its row.
    """
    objekter = {o.number: o for o in pdf.objects if hasattr(o, "number") and o.number is not None}

    def foraelder(element: Any) -> Any:
        ref = element.get("P") if isinstance(element, dict) else None
        if not isinstance(ref, bytes):
            return None
        return objekter.get(int(ref.split()[0]))

    for objekt in list(objekter.values()):
        if isinstance(objekt, dict) and objekt.get("S") == "/TH" and isinstance(objekt.get("A"), dict):
            raekke = foraelder(objekt)
            del_ = foraelder(raekke) if raekke is not None else None
            objekt["A"]["Scope"] = "/Column" if del_ is not None and del_.get("S") == "/THead" else "/Row"


def render_pdf(
    skabelon: str, kontekst: dict, *, dato: date | None = None, mellemlager_sekunder: int | None = None
) -> bytes:
    """Render a template to a tagged PDF. No request is involved, so a view and a service give equal bytes;
    with `dato`, the document's own date pins every timestamp, so re-rendering gives identical bytes.

    With `mellemlager_sekunder`, the PDF is kept in Django's cache keyed on the SHA-256 of the exact page it is drawn
    from (and its date): the same page gives the same PDF, so a second request for an unchanged document is served
    without WeasyPrint, and any change to a figure or a text makes a new page, hence a new key.
    """
    with translation.override("da"):
        html = render_to_string(skabelon, kontekst)
    if mellemlager_sekunder is None:
        return _html_til_pdf(html, dato)
    noegle = "pdf:" + hashlib.sha256(f"{dato}|{_stilarter()}|{html}".encode()).hexdigest()
    data = cache.get(noegle)
    if data is None:
        data = _html_til_pdf(html, dato)
        cache.set(noegle, data, mellemlager_sekunder)
    return data


@functools.cache
def _stilarter() -> str:
    """What the page does not say but the PDF depends on: the stylesheets and fonts it links to and WeasyPrint's
    version. Part of the cache key, so a release that changes them never serves a PDF drawn by the old ones (from a
    shared cache that outlives the processes). Read once per process: static files change only with a release."""
    h = hashlib.sha256(weasyprint.__version__.encode())
    for sti in sorted(Path(settings.BASE_DIR, "static").rglob("*")):
        if sti.is_file() and sti.suffix in {".css", ".ttf", ".otf", ".woff", ".woff2", ".svg", ".png"}:
            h.update(str(sti.relative_to(settings.BASE_DIR)).encode())
            h.update(sti.read_bytes())
    return h.hexdigest()


def _html_til_pdf(html: str, dato: date | None) -> bytes:
    fetcher = DjangoURLFetcher(allowed_protocols=("file", "data"), fail_on_errors=True)
    dokument = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    with _fast_fonttidspunkt(dato):
        return dokument.write_pdf(finisher=_scope_paa_overskrifter, **PDF_OPTIONS)
