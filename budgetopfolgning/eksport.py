"""The round's tables as a workbook (XLSX) and as CSV files, for the kommune's own spreadsheets.

Amounts go out in 1.000 kr., unrounded (exact kroner / 1000), with the number format `#,##0`: the sheet shows the
same figures as the Bilag, and sums in the sheet are sums of the exact amounts. The columns are the page's table's
own (sider.py), so the page, the Bilag and the sheet cannot disagree. Nothing here knows of requests.
"""

import csv
import io
from datetime import datetime, time
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from budgetopfolgning import forbrugstal, selectors
from budgetopfolgning.bilag import bilag_titel
from budgetopfolgning.models import Opfoelgning
from budgetopfolgning.sider import opfoelgning_kontekst
from budgetopfolgning.tables import OpfoelgningsTabel
from kerne.beloeb import TUSIND
from kerne.datoer import maanedsnavn
from kerne.models import Kommune
from kerne.tekst import csv_tekst, tekstcelle, udskriftsopsaetning
from rammer.models import Aktivitetsdel, Rammedel

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


def _rammekolonner(table: OpfoelgningsTabel) -> list[tuple[str, str]]:
    """The same columns for the sheet of every ramme part, without the table's footnote mark."""
    return [(navn, overskrift.removesuffix(" *)")) for navn, overskrift in _tabelkolonner(table)]


def _skriv_tabelark(ark, t: dict, opfoelgning: Opfoelgning, fortegn: dict) -> None:
    table = t["table"]
    kolonner = _tabelkolonner(table)
    titel = table.caption + ("" if opfoelgning.er_laast else " (kladde)")
    tekstcelle(ark, 1, 1, titel).font = Font(bold=True, size=12)
    tekstcelle(ark, 2, 1, "(1.000 kr.)")
    for i, (_, overskrift) in enumerate(kolonner, start=2):
        tekstcelle(ark, 2, i, overskrift)
    # The column numbers as numbers (1, 2, …); the rules such as "(5)=(4)−(3)" are notes below the table.
    regler = []
    for i, nummer in enumerate(table.kolonnenumre(), start=2):
        if nummer:
            ark.cell(row=3, column=i, value=int(nummer.split(")")[0].lstrip("("))).alignment = Alignment(
                horizontal="right"
            )
            if "=" in nummer:
                regler.append(nummer)
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
        *(f"Kolonne {regel}" for regel in regler),
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
    udskriftsopsaetning(ark, gentag_raekker="2:3")


def _overskriftsraekke(ark, overskrifter: list[str]) -> None:
    """Row 1 of a sheet of lines: bold headers on the table's fill, wrapped."""
    for i, tekst in enumerate(overskrifter, start=1):
        celle = tekstcelle(ark, 1, i, tekst)
        celle.font = OVERSKRIFT
        celle.fill = OVERSKRIFT_FYLD
        celle.alignment = Alignment(wrap_text=True, vertical="bottom")


def _placering(linje: selectors.Linje) -> str:
    return "Inden for" if linje.rammedel.placering == Rammedel.INDEN else "Uden for"


def _skriv_rammeark(ark, kolonner: list[tuple[str, str]], alle: list[selectors.Linje]) -> None:
    overskrifter = ["Udvalg", "Ramme", "Rammens navn", "Servicerammen"]
    overskrifter += [f"{tekst} (1.000 kr.)" for _, tekst in kolonner] + ["Forklaring"]
    _overskriftsraekke(ark, overskrifter)
    for raekke, linje in enumerate(alle, start=2):
        tekstcelle(ark, raekke, 1, linje.ramme.udvalg.navn)
        tekstcelle(ark, raekke, 2, linje.ramme.nummer)
        tekstcelle(ark, raekke, 3, linje.ramme.navn)
        tekstcelle(ark, raekke, 4, _placering(linje))
        for i, (navn, _) in enumerate(kolonner, start=5):
            celle = ark.cell(row=raekke, column=i, value=_tusind(getattr(linje.tal, navn)))
            celle.number_format = TAL_FORMAT
        forklaring = tekstcelle(ark, raekke, len(kolonner) + 5, linje.forklaring)
        forklaring.alignment = Alignment(wrap_text=True, vertical="top")
    # The totals as formulas, so they follow when someone filters or edits the sheet's figures.
    total = len(alle) + 2
    tekstcelle(ark, total, 1, "I alt").font = OVERSKRIFT
    for i in range(5, len(kolonner) + 5):
        bogstav = get_column_letter(i)
        celle = ark.cell(row=total, column=i, value=f"=SUM({bogstav}2:{bogstav}{total - 1})")
        celle.number_format = TAL_FORMAT
        celle.font = OVERSKRIFT
    ark.freeze_panes = "E2"
    ark.auto_filter.ref = f"A1:{get_column_letter(len(overskrifter))}{max(len(alle) + 1, 2)}"
    udskriftsopsaetning(ark, gentag_raekker="1:1")
    bredder = [34, 8, 40, 12] + [16] * len(kolonner) + [80]
    for i, bredde in enumerate(bredder, start=1):
        ark.column_dimensions[get_column_letter(i)].width = bredde
    ark.row_dimensions[1].height = 45


FORBRUGSKOLONNER = [
    ("forbrug_til_dato", "Forbrug til dato"),
    ("periodiseret", "Periodiseret budget til dato"),
    ("bagudrettet", "Bagudrettet afvigelse"),
    ("prognose", "Prognose efter forbrugsprofil"),
    ("fremadrettet", "Fremadrettet afvigelse"),
    ("korrigeret", "Korrigeret budget"),
    ("forventet", "Forventet forbrug"),
]


def _skriv_aktivitetsark(ark, kolonner: list[tuple[str, str]], linjer: list[selectors.AktivitetLinje]) -> None:
    """The activities' own figures, one row per activity part, beside the Rammer sheet whose parts they make up."""
    overskrifter = ["Udvalg", "Ramme", "Aktivitet", "Servicerammen"]
    overskrifter += [f"{tekst} (1.000 kr.)" for _, tekst in kolonner]
    _overskriftsraekke(ark, overskrifter)
    for raekke, a in enumerate(linjer, start=2):
        ramme = a.aktivitetsdel.aktivitet.ramme
        tekstcelle(ark, raekke, 1, ramme.udvalg.navn)
        tekstcelle(ark, raekke, 2, ramme.nummer)
        tekstcelle(ark, raekke, 3, a.aktivitetsdel.aktivitet.navn)
        tekstcelle(ark, raekke, 4, "Inden for" if a.aktivitetsdel.placering == Rammedel.INDEN else "Uden for")
        for i, (navn, _) in enumerate(kolonner, start=5):
            celle = ark.cell(row=raekke, column=i, value=_tusind(getattr(a.tal, navn, None)))
            celle.number_format = TAL_FORMAT
    ark.freeze_panes = "E2"
    ark.auto_filter.ref = f"A1:{get_column_letter(len(overskrifter))}{max(len(linjer) + 1, 2)}"
    udskriftsopsaetning(ark, gentag_raekker="1:1")
    for i, bredde in enumerate([34, 8, 40, 12] + [16] * len(kolonner), start=1):
        ark.column_dimensions[get_column_letter(i)].width = bredde
    ark.row_dimensions[1].height = 45


def _skriv_forbrugsark(ark, opfoelgning: Opfoelgning, dele: list[forbrugstal.Forbrugsdel]) -> None:
    """Forbrug til dato and the figures made from it, per ramme part, as numbers in 1.000 kr. (unrounded)."""
    maaned = maanedsnavn(forbrugstal.forbrugsmaaned(opfoelgning))
    overskrifter = ["Udvalg", "Ramme", "Rammens navn", "Servicerammen", "Periodisering", "Andel til dato (%)"]
    overskrifter += [f"{tekst} (1.000 kr.)" for _, tekst in FORBRUGSKOLONNER]
    _overskriftsraekke(ark, overskrifter)
    for raekke, d in enumerate(dele, start=2):
        linje = d.linje
        tekstcelle(ark, raekke, 1, linje.ramme.udvalg.navn)
        tekstcelle(ark, raekke, 2, linje.ramme.nummer)
        tekstcelle(ark, raekke, 3, linje.ramme.navn)
        tekstcelle(ark, raekke, 4, _placering(linje))
        tekstcelle(ark, raekke, 5, d.profil.metodenavn)
        andel = d.profil.andel(forbrugstal.forbrugsmaaned(opfoelgning)) * 100
        ark.cell(row=raekke, column=6, value=float(andel)).number_format = "0.0"
        for i, (navn, _) in enumerate(FORBRUGSKOLONNER, start=7):
            celle = ark.cell(row=raekke, column=i, value=_tusind(getattr(d.tal, navn)))
            celle.number_format = TAL_FORMAT
    note = f"Til dato: januar-{maaned} {opfoelgning.aar.aar}. + = merforbrug, − = mindreforbrug."
    tekstcelle(ark, len(dele) + 3, 1, note)
    ark.freeze_panes = "E2"
    udskriftsopsaetning(ark, gentag_raekker="1:1")
    bredder = [34, 8, 40, 12, 30, 10] + [16] * len(FORBRUGSKOLONNER)
    for i, bredde in enumerate(bredder, start=1):
        ark.column_dimensions[get_column_letter(i)].width = bredde
    ark.row_dimensions[1].height = 45


def tabeller_workbook(opfoelgning: Opfoelgning) -> bytes:
    """Tabel 1, Tabel 2 and every ramme part of the round, amounts as numbers in 1.000 kr.; and, once the year
has forbrug, a sheet of forbrug and prognose per ramme part."""
    kontekst = opfoelgning_kontekst(opfoelgning)
    fortegn = {"korrektioner": kontekst["fortegn_korrektioner"], "afvigelse": kontekst["fortegn_afvigelse"]}
    wb = Workbook()
    wb.remove(wb.active)
    for t in kontekst["tabeller"]:
        _skriv_tabelark(wb.create_sheet(f"Tabel {t['tabel'].nummer}"), t, opfoelgning, fortegn)
    kolonner = _rammekolonner(kontekst["tabeller"][0]["table"])
    _skriv_rammeark(wb.create_sheet("Rammer"), kolonner, kontekst["linjer"])
    aktiviteter = selectors.aktivitetslinjer_for(
        opfoelgning,
        Aktivitetsdel.objects.filter(aktivitet__ramme__aar=opfoelgning.aar).select_related("aktivitet__ramme__udvalg"),
    )
    if aktiviteter:
        _skriv_aktivitetsark(wb.create_sheet("Aktiviteter"), kolonner, aktiviteter)
    if forbrugstal.har_forbrug(opfoelgning):
        # Read live, like the page: forbrug is not among a locked round's frozen figures.
        dele = forbrugstal.forbrugsdele(opfoelgning, kontekst["linjer"])
        _skriv_forbrugsark(wb.create_sheet("Forbrug"), opfoelgning, dele)
    # Fixed document dates, so the same round gives the same workbook.
    tidspunkt = datetime.combine(opfoelgning.dokumentdato, time(0, 0))
    wb.properties.created = wb.properties.modified = tidspunkt
    wb.properties.title = bilag_titel(opfoelgning)
    wb.properties.creator = Kommune.hent().visningsnavn
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()




def _csv_tal(value: Decimal | None) -> str:
    """1.000 kr. unrounded, with a decimal comma and no grouping, as Danish spreadsheets read it."""
    if value is None:
        return ""
    tekst = format((Decimal(value) / TUSIND).normalize(), "f")
    return tekst.replace(".", ",")


def tabel_csv(opfoelgning: Opfoelgning, tabel: int) -> bytes:
    """Tabel 1 or 2 as CSV (semicolon, UTF-8 with BOM: what Danish Excel opens without a wizard)."""
    t = opfoelgning_kontekst(opfoelgning)["tabeller"][tabel - 1]
    kolonner = _tabelkolonner(t["table"])
    buffer = io.StringIO()
    skriver = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    skriver.writerow(["(1.000 kr.)", *(csv_tekst(overskrift) for _, overskrift in kolonner)])
    for record in t["tabel"].raekker:
        skriver.writerow([csv_tekst(record.navn), *(_csv_tal(getattr(record.tal, navn)) for navn, _ in kolonner)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
