"""The Bilag for Kommunalbestyrelsen (PDF) and the round's tables as a workbook (XLSX) and CSV.

The PDF is rendered from the same context functions as the HTML pages (`opfoelgning_kontekst`,
`udvalg_kontekst`), so screen and paper cannot disagree. A locked round's Bilag is rendered once, stored with
its SHA-256 and from then on served as those exact bytes: what the council received can be proven later.
"""

import csv
import hashlib
import io
from datetime import datetime, time
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from budgetopfolgning import selectors
from budgetopfolgning.models import Opfoelgning
from budgetopfolgning.tables import OpfoelgningsTabel
from budgetopfolgning.views import hent_opfoelgning, opfoelgning_kontekst, udvalg_kontekst
from kerne.beloeb import TUSIND
from kerne.pdf import render_pdf
from kerne.tekst import csv_tekst, tekstcelle
from rammer.models import Rammedel, Udvalg

# Relative URLs in the templates (`{% static %}`) resolve against this, so the fetcher sees file: URLs under
# STATIC_URL and reads them from disk; nothing is ever fetched over HTTP from our own server.


class BilagTabel(OpfoelgningsTabel):
    """The table as printed: the same rows and columns, without the links that only make sense on screen."""

    def render_navn(self, value, record):
        return value


def _papirtabeller(opfoelgning: Opfoelgning, tabeller: list[dict]) -> list[dict]:
    """The page's tables re-wrapped for paper: same Tabel objects (same figures), same columns and captions."""
    result = []
    for t in tabeller:
        skaerm = t["table"]
        papir = BilagTabel(
            t["tabel"],
            opfoelgning=opfoelgning,
            rammer=skaerm.rammer,
            udvikling="udvikling" in [c.name for c in skaerm.columns],
            caption=skaerm.caption,
        )
        beloeb = [c.name for c in papir.columns if c.name not in ("navn", "udvikling")]
        n = len(beloeb)
        result.append({**t, "table": papir, "kolonne": {"forslag": n - 2, "forventet": n - 1, "afvigelse": n}})
    return result


def _faelles_kontekst(opfoelgning: Opfoelgning, *, kladde: bool, titel: str) -> dict:
    # Fixed metadata dates (the document's own date), so rendering the same round twice gives the same bytes.
    dato = opfoelgning.dokumentdato.isoformat()
    return {
        "KOMMUNE_NAVN": settings.KOMMUNE_NAVN,
        "kladde": kladde,
        "titel": titel,
        "pdf_dato": dato,
    }



def _pdf(skabelon: str, kontekst: dict, opfoelgning: Opfoelgning) -> bytes:
    """The round's date pins the PDF's timestamps, so the view and the lock give equal bytes."""
    return render_pdf(skabelon, kontekst, dato=opfoelgning.dokumentdato)


def bilag_titel(opfoelgning: Opfoelgning) -> str:
    return (
        f"Tabeloversigter for {opfoelgning.ordenstal} budgetopfølgning {opfoelgning.aar.aar} "
        f"for {settings.KOMMUNE_NAVN}"
    )


def render_bilag(opfoelgning: Opfoelgning, *, kladde: bool) -> bytes:
    """The round's Bilag as seed 000 prints it: letterhead, summary, Tabel 1 and 2 with their explanations."""
    kontekst = opfoelgning_kontekst(opfoelgning)
    kontekst["tabeller"] = _papirtabeller(opfoelgning, kontekst["tabeller"])
    kontekst.update(_faelles_kontekst(opfoelgning, kladde=kladde, titel=bilag_titel(opfoelgning)))
    return _pdf("budgetopfolgning/bilag.html", kontekst, opfoelgning)


def render_udvalg_bilag(opfoelgning: Opfoelgning, udvalg: Udvalg, *, kladde: bool) -> bytes:
    """One udvalg's part of the Bilag: its rammer in Tabel 1 and 2 and their explanations."""
    kontekst = udvalg_kontekst(opfoelgning, udvalg)
    kontekst["tabeller"] = _papirtabeller(opfoelgning, kontekst["tabeller"])
    titel = f"{udvalg.navn} – {opfoelgning.titel.lower()}"
    kontekst.update(_faelles_kontekst(opfoelgning, kladde=kladde, titel=titel))
    return _pdf("budgetopfolgning/udvalg_bilag.html", kontekst, opfoelgning)


def frys_bilag(opfoelgning: Opfoelgning) -> Opfoelgning:
    """Render the final Bilag of a round being locked and store it with its SHA-256.

    Called by the lock service; it renders without the "Kladde" mark whatever the status field says at that
    moment, since the lock may set the status after or before calling it.
    """
    data = render_bilag(opfoelgning, kladde=False)
    opfoelgning.bilag_pdf = data
    opfoelgning.bilag_sha256 = hashlib.sha256(data).hexdigest()
    opfoelgning.save(update_fields=["bilag_pdf", "bilag_sha256"])
    return opfoelgning


def gemt_bilag(opfoelgning: Opfoelgning) -> bytes:
    """The stored Bilag of a locked round, checked against its SHA-256.

    A locked round without one (locked before Bilag were stored) gets it now; if two first requests race, the
    first write wins and both serve the stored bytes.
    """
    if not opfoelgning.bilag_sha256:
        data = render_bilag(opfoelgning, kladde=False)
        with transaction.atomic():
            Opfoelgning.objects.filter(pk=opfoelgning.pk, bilag_sha256="").update(
                bilag_pdf=data, bilag_sha256=hashlib.sha256(data).hexdigest()
            )
        opfoelgning.refresh_from_db(fields=["bilag_pdf", "bilag_sha256"])
    data = bytes(opfoelgning.bilag_pdf)
    if hashlib.sha256(data).hexdigest() != opfoelgning.bilag_sha256:
        # Never hand the council a document that differs from the one recorded at locking.
        raise RuntimeError(f"Det gemte bilag for {opfoelgning} stemmer ikke med dets SHA-256.")
    return data


def _filnavn(opfoelgning: Opfoelgning, navn: str, endelse: str) -> str:
    return f"{navn}-{opfoelgning.aar.aar}-{opfoelgning.nummer}.{endelse}"


def _pdf_svar(data: bytes, filnavn: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filnavn)
    response["Cache-Control"] = "private, no-cache"
    return response


@require_safe
def bilag_pdf(request: HttpRequest, aar: int, nr: int) -> HttpResponse:
    runde = hent_opfoelgning(request, aar, nr)
    if runde.er_laast:
        data = gemt_bilag(runde)
        response = _pdf_svar(data, _filnavn(runde, "bilag", "pdf"))
        response["ETag"] = f'"{runde.bilag_sha256}"'
        return response
    return _pdf_svar(render_bilag(runde, kladde=True), _filnavn(runde, "bilag-kladde", "pdf"))


@require_safe
def udvalg_bilag_pdf(request: HttpRequest, aar: int, nr: int, kode: str) -> HttpResponse:
    runde = hent_opfoelgning(request, aar, nr)
    valgt = get_object_or_404(Udvalg, aar=runde.aar, kode=kode)
    data = render_udvalg_bilag(runde, valgt, kladde=not runde.er_laast)
    navn = f"bilag-{valgt.kode.lower()}" if runde.er_laast else f"bilag-{valgt.kode.lower()}-kladde"
    return _pdf_svar(data, _filnavn(runde, navn, "pdf"))


# --- The workbook and the CSV files ---------------------------------------------------------------------------
# Amounts go out in 1.000 kr., unrounded (exact kroner / 1000), with the number format `#,##0`: the sheet shows
# the same figures as the Bilag, and sums in the sheet are sums of the exact amounts.

TAL_FORMAT = "#,##0"
OVERSKRIFT = Font(bold=True)
OVERSKRIFT_FYLD = PatternFill("solid", fgColor="E6F0F5")


def _tusind(value: Decimal | None) -> float | None:
    """Kroner to 1.000 kr. as a spreadsheet number; the float conversion happens here, at the boundary."""
    if value is None:
        return None
    return float(Decimal(value) / TUSIND)


def _tabelkolonner(table: OpfoelgningsTabel) -> list[tuple[str, str]]:
    """(name, header) of the amount columns, as the page's table has them."""
    return [(c.name, str(c.header)) for c in table.columns if c.name != "navn"]


def _skriv_tabelark(ark, t: dict, opfoelgning: Opfoelgning, fortegn: dict) -> None:
    table = t["table"]
    kolonner = _tabelkolonner(table)
    titel = table.caption + ("" if opfoelgning.er_laast else " (kladde)")
    tekstcelle(ark, 1, 1, titel).font = Font(bold=True, size=12)
    tekstcelle(ark, 2, 1, "(1.000 kr.)")
    for i, (_, overskrift) in enumerate(kolonner, start=2):
        tekstcelle(ark, 2, i, overskrift)
    for i, nummer in enumerate(table.kolonnenumre(), start=2):
        if nummer:
            tekstcelle(ark, 3, i, nummer).alignment = Alignment(horizontal="right")
    for kolonne in range(1, len(kolonner) + 2):
        for raekke in (2, 3):
            celle = ark.cell(row=raekke, column=kolonne)
            celle.font = OVERSKRIFT
            celle.fill = OVERSKRIFT_FYLD
        ark.cell(row=2, column=kolonne).alignment = Alignment(wrap_text=True, vertical="bottom")

    raekke = 4
    for record in t["tabel"].raekker:
        tekstcelle(ark, raekke, 1, record.navn)
        for i, (navn, _) in enumerate(kolonner, start=2):
            celle = ark.cell(row=raekke, column=i, value=_tusind(getattr(record.tal, navn)))
            celle.number_format = TAL_FORMAT
        if record.er_total:
            for kolonne in range(1, len(kolonner) + 2):
                ark.cell(row=raekke, column=kolonne).font = OVERSKRIFT
        raekke += 1

    raekke += 1
    for note in (
        f"*) {fortegn['korrektioner'][0]}",
        f"    {fortegn['korrektioner'][1]}",
        f"Afvigelse: {fortegn['afvigelse'][0]}, {fortegn['afvigelse'][1]}",
    ):
        tekstcelle(ark, raekke, 1, note)
        raekke += 1

    ark.freeze_panes = "B4"
    ark.column_dimensions["A"].width = 50
    for i in range(2, len(kolonner) + 2):
        ark.column_dimensions[get_column_letter(i)].width = 16
    ark.row_dimensions[2].height = 60


def _rammekolonner(opfoelgning: Opfoelgning) -> list[tuple[str, str]]:
    aar = opfoelgning.aar.aar
    kolonner = [("oprindeligt", f"Oprindeligt budget {aar}")]
    if opfoelgning.nummer > 1:
        kolonner.append(("tidligere", "Tidligere korrektioner"))
    kolonner += [
        ("korrektioner", f"Korrektioner ved {opfoelgning.ordenstal} budgetopfølgning {aar}"),
        ("forslag", f"Forslag til nyt budget pr. {opfoelgning.pr_dato_kort} inkl. overførsler"),
        ("forventet", "Forventet forbrug"),
        ("afvigelse", "Afvigelse"),
    ]
    if opfoelgning.nummer > 1:
        kolonner.append(("udvikling", "Udvikling i forventet forbrug siden sidst"))
    return kolonner


def _skriv_rammeark(ark, opfoelgning: Opfoelgning, alle: list[selectors.Linje]) -> None:
    kolonner = _rammekolonner(opfoelgning)
    overskrifter = ["Udvalg", "Ramme", "Rammens navn", "Servicerammen"]
    overskrifter += [f"{tekst} (1.000 kr.)" for _, tekst in kolonner] + ["Forklaring"]
    for i, tekst in enumerate(overskrifter, start=1):
        celle = tekstcelle(ark, 1, i, tekst)
        celle.font = OVERSKRIFT
        celle.fill = OVERSKRIFT_FYLD
        celle.alignment = Alignment(wrap_text=True, vertical="bottom")
    for raekke, linje in enumerate(alle, start=2):
        tekstcelle(ark, raekke, 1, linje.ramme.udvalg.navn)
        tekstcelle(ark, raekke, 2, linje.ramme.nummer)
        tekstcelle(ark, raekke, 3, linje.ramme.navn)
        tekstcelle(ark, raekke, 4, "Inden for" if linje.rammedel.placering == Rammedel.INDEN else "Uden for")
        for i, (navn, _) in enumerate(kolonner, start=5):
            celle = ark.cell(row=raekke, column=i, value=_tusind(getattr(linje.tal, navn)))
            celle.number_format = TAL_FORMAT
        forklaring = tekstcelle(ark, raekke, len(kolonner) + 5, linje.forklaring)
        forklaring.alignment = Alignment(wrap_text=True, vertical="top")
    ark.freeze_panes = "E2"
    ark.auto_filter.ref = f"A1:{get_column_letter(len(overskrifter))}{max(len(alle) + 1, 2)}"
    bredder = [34, 8, 40, 12] + [16] * len(kolonner) + [80]
    for i, bredde in enumerate(bredder, start=1):
        ark.column_dimensions[get_column_letter(i)].width = bredde
    ark.row_dimensions[1].height = 45


def tabeller_workbook(opfoelgning: Opfoelgning) -> bytes:
    """Tabel 1, Tabel 2 and every ramme part of the round, amounts as numbers in 1.000 kr."""
    kontekst = opfoelgning_kontekst(opfoelgning)
    fortegn = {"korrektioner": kontekst["fortegn_korrektioner"], "afvigelse": kontekst["fortegn_afvigelse"]}
    wb = Workbook()
    wb.remove(wb.active)
    for t in kontekst["tabeller"]:
        _skriv_tabelark(wb.create_sheet(f"Tabel {t['tabel'].nummer}"), t, opfoelgning, fortegn)
    _skriv_rammeark(wb.create_sheet("Rammer"), opfoelgning, selectors.linjer(opfoelgning))
    # Fixed document dates, so the same round gives the same workbook.
    tidspunkt = datetime.combine(opfoelgning.dokumentdato, time(0, 0))
    wb.properties.created = wb.properties.modified = tidspunkt
    wb.properties.title = bilag_titel(opfoelgning)
    wb.properties.creator = settings.KOMMUNE_NAVN
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@require_safe
def tabeller_xlsx(request: HttpRequest, aar: int, nr: int) -> HttpResponse:
    runde = hent_opfoelgning(request, aar, nr)
    response = HttpResponse(
        tabeller_workbook(runde),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    navn = "tabeller" if runde.er_laast else "tabeller-kladde"
    response["Content-Disposition"] = content_disposition_header(True, _filnavn(runde, navn, "xlsx"))
    response["Cache-Control"] = "private, no-cache"
    return response


def _csv_tal(value: Decimal | None) -> str:
    """1.000 kr. unrounded, with a decimal comma and no grouping, as Danish spreadsheets read it."""
    if value is None:
        return ""
    tekst = format((Decimal(value) / TUSIND).normalize(), "f")
    return tekst.replace(".", ",")


@require_safe
def tabel_csv(request: HttpRequest, aar: int, nr: int, tabel: int) -> HttpResponse:
    """Tabel 1 or 2 as CSV (semicolon, UTF-8 with BOM: what Danish Excel opens without a wizard)."""
    runde = hent_opfoelgning(request, aar, nr)
    if tabel not in (1, 2):
        raise Http404("Der er kun Tabel 1 og Tabel 2.")
    t = opfoelgning_kontekst(runde)["tabeller"][tabel - 1]
    kolonner = _tabelkolonner(t["table"])
    buffer = io.StringIO()
    skriver = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    skriver.writerow(["(1.000 kr.)", *(csv_tekst(overskrift) for _, overskrift in kolonner)])
    for record in t["tabel"].raekker:
        skriver.writerow([csv_tekst(record.navn), *(_csv_tal(getattr(record.tal, navn)) for navn, _ in kolonner)])
    response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    navn = f"tabel-{tabel}" if runde.er_laast else f"tabel-{tabel}-kladde"
    response["Content-Disposition"] = content_disposition_header(True, _filnavn(runde, navn, "csv"))
    response["Cache-Control"] = "private, no-cache"
    return response
