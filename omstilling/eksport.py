"""PDF (WeasyPrint) and Excel (openpyxl) versions of the overview and of a proposal.

Both are rendered from the page's own context function, so screen, paper and sheet show the same figures. The PDF
reads its stylesheet from disk through django-weasyprint's fetcher; nothing is fetched over HTTP from our own server.
"""

import io
from datetime import datetime, time
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from kerne import pdf
from kerne.beloeb import MIO
from kerne.models import Kommune
from kerne.tekst import rens, tekstcelle, udskriftsopsaetning


def render_pdf(skabelon: str, kontekst: dict, *, titel: str) -> bytes:
    """Render a template to a tagged PDF, in Danish, without touching the network."""
    return pdf.render_pdf(skabelon, {**kontekst, "titel": titel, "KOMMUNE_NAVN": Kommune.hent().visningsnavn})


# --- The workbook -----------------------------------------------------------------------------------------------------
# Amounts go out in mio. kr. as the overview prints them, but unrounded (exact kroner / 1.000.000) with a two-decimal
# number format: the sheet shows the page's figures, and sums made in the sheet are sums of the exact amounts.

TAL_FORMAT = "#,##0.00"
FED = Font(bold=True)
FYLD = PatternFill("solid", fgColor="E6F0F5")


def _tal(ark, raekke: int, kolonne: int, value: Decimal | None):
    """A number cell in mio. kr.; the float conversion happens here, at the boundary. None stays an empty cell."""
    celle = ark.cell(row=raekke, column=kolonne)
    if value is not None:
        celle.value = float(Decimal(value) / MIO)
        celle.number_format = TAL_FORMAT
    return celle


def oversigt_workbook(kontekst: dict) -> bytes:
    """The overview as one sheet laid out like the page: per udvalg its proposals, subtotals, I alt, krav,
    Restbeløb and anlæg; then the summary per udvalg. A second sheet lists every proposal's figures per year."""
    katalog, o = kontekst["katalog"], kontekst["oversigt"]
    wb = Workbook()
    ark = wb.active
    ark.title = "Oversigt"
    n = len(o.aarene)
    tekstcelle(ark, 1, 1, f"{katalog.titel} (mio. kr.)").font = Font(bold=True, size=12)
    overskrifter = ["Nr.", "Indsats", *[str(a) for a in o.aarene], "Anlægsinvestering"]
    for i, tekst in enumerate(overskrifter, start=1):
        celle = tekstcelle(ark, 3, i, tekst)
        celle.font, celle.fill = FED, FYLD
    r = 4
    for afsnit in o.afsnit:
        tekstcelle(ark, r, 1, afsnit.udvalg.navn).font = FED
        r += 1
        for raekke in afsnit.raekker:
            tekstcelle(ark, r, 1, raekke.forslag.nr)
            tekstcelle(ark, r, 2, raekke.forslag.titel).alignment = Alignment(wrap_text=True)
            for j, value in enumerate(raekke.netto, start=3):
                _tal(ark, r, j, value)
            _tal(ark, r, n + 3, raekke.anlaeg)
            r += 1
        tekstcelle(ark, r, 2, f"{afsnit.udvalg.navn} i alt").font = FED
        for j, value in enumerate(afsnit.i_alt, start=3):
            _tal(ark, r, j, value).font = FED
        _tal(ark, r, n + 3, afsnit.anlaeg).font = FED
        r += 2
    for navn, tal in (
        ("I alt", o.i_alt),
        (f"Budget {katalog.aar} krav – minimum", o.krav),
        ("Restbeløb (+ = mangler)", o.restbeloeb),
        ("Anlægsudgift", o.anlaeg),
    ):
        tekstcelle(ark, r, 2, navn).font = FED
        for j, value in enumerate(tal, start=3):
            _tal(ark, r, j, value)
        r += 1
    tekstcelle(ark, r, 2, "Anlæg i alt").font = FED
    _tal(ark, r, n + 3, o.anlaeg_i_alt)
    r += 2
    for note in o.fortegn:
        tekstcelle(ark, r, 1, note)
        r += 1

    r += 1
    tekstcelle(ark, r, 1, "Besparelserne fordelt på fagudvalg (mio. kr.)").font = FED
    r += 1
    for i, tekst in enumerate(["Udvalg", "", *[str(a) for a in o.aarene]], start=1):
        celle = tekstcelle(ark, r, i, tekst)
        celle.font, celle.fill = FED, FYLD
    r += 1
    for afsnit in o.afsnit:
        tekstcelle(ark, r, 1, afsnit.udvalg.navn)
        for j, value in enumerate(afsnit.i_alt, start=3):
            _tal(ark, r, j, value)
        r += 1
    tekstcelle(ark, r, 1, "I alt").font = FED
    for j, value in enumerate(o.i_alt, start=3):
        _tal(ark, r, j, value).font = FED

    ark.column_dimensions["A"].width = 12
    ark.column_dimensions["B"].width = 70
    for kolonne in "CDEFGH":
        ark.column_dimensions[kolonne].width = 14
    ark.freeze_panes = "C4"
    udskriftsopsaetning(ark, gentag_raekker="3:3")

    _forslagsark(wb.create_sheet("Forslag"), katalog)
    # Fixed document dates, so the same catalogue gives the same workbook.
    if katalog.dato:
        wb.properties.created = wb.properties.modified = datetime.combine(katalog.dato, time(0, 0))
    wb.properties.title = rens(katalog.titel)
    wb.properties.creator = Kommune.hent().visningsnavn
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _forslagsark(ark, katalog) -> None:
    """One row per proposal and year, in kroner, savings positive as on the forms: for filtering and pivoting."""
    overskrifter = [
        "Nr.", "Titel", "Udvalg", "Status", "År",
        "Driftsbesparelse (kr.)", "Driftsudgift (investering) (kr.)", "Nettodriftsbesparelse (kr.)",
        "Anlægsudgift (kr.)", "Samlet nettobesparelse (kr.)", "Heraf inden for servicerammen (kr.)",
    ]  # fmt: skip
    for i, tekst in enumerate(overskrifter, start=1):
        celle = tekstcelle(ark, 1, i, tekst)
        celle.font, celle.fill = FED, FYLD
        celle.alignment = Alignment(wrap_text=True, vertical="bottom")
    r = 2
    for forslag in katalog.forslag.select_related("udvalg").prefetch_related("aarstal"):
        for tal in forslag.aarstal.all():
            tekstcelle(ark, r, 1, forslag.nr)
            tekstcelle(ark, r, 2, forslag.titel)
            tekstcelle(ark, r, 3, forslag.udvalg.navn)
            tekstcelle(ark, r, 4, forslag.get_status_display())
            ark.cell(row=r, column=5, value=tal.aar)
            for j, value in enumerate(
                (
                    tal.driftsbesparelse,
                    tal.driftsudgift,
                    tal.nettodriftsbesparelse,
                    tal.anlaegsudgift,
                    tal.samlet_nettobesparelse,
                    tal.inden_for_serviceramme,
                ),
                start=6,
            ):
                celle = ark.cell(row=r, column=j, value=float(value))
                celle.number_format = "#,##0.00"
            r += 1
    ark.freeze_panes = "C2"
    udskriftsopsaetning(ark, gentag_raekker="1:1")
    ark.auto_filter.ref = f"A1:K{max(r - 1, 2)}"
    for kolonne, bredde in zip("ABCDEFGHIJK", [10, 60, 34, 14, 8, 16, 16, 16, 16, 16, 16], strict=True):
        ark.column_dimensions[kolonne].width = bredde
    ark.row_dimensions[1].height = 45
