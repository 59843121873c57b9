"""Reading and checking a budget file (CSV or XLSX) before anything is written.

The whole file is read and checked first and every problem collected with its line and column, so a file is
refused as a whole with all its errors at once. Workbooks are streamed, and files built to exhaust the reader
(too large, too tightly packed, too many lines or cells) are refused before they are read.
"""

import csv
import io
import math
import re
import zipfile
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from decimal import Decimal
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from kerne.beloeb import NUL, UgyldigtBeloeb, beloeb_fra_tal, parse_dansk
from kerne.tekst import rens, styretegn_fejl
from rammer.models import RAMME_NUMMER_REGEX, Rammedel

KOLONNER = [
    "udvalg",
    "ramme",
    "ramme_navn",
    "serviceramme",
    "oprindeligt_budget",
    "korrektioner",
    "forventet_forbrug",
]
VALGFRIE_KOLONNER = ["udvalg_kode", "forklaring"]
BELOEBSKOLONNER = ["oprindeligt_budget", "korrektioner", "forventet_forbrug"]
RAMME_NUMMER = re.compile(RAMME_NUMMER_REGEX)
MAKS_FEJL = 50
# Limits that refuse a file too large to read before it is read (an XLSX file is a zip archive, and a small one
# can unpack to gigabytes). A year has at most 20.000 ramme parts (numbers NN.NN, inden and uden), so no real
# budget file has more lines than MAKS_RAEKKER; unpacked, 25.000 lines with long explanations are about 25 MB.
MAKS_RAEKKER = 25_000
MAKS_BYTES = 100_000_000  # a CSV file, and a workbook unpacked
# Workbooks pack 5 to 20 times; deflate cannot do much better than 1.000 times, which is what zip bombs aim at.
MAKS_KOMPRIMERING = 100
# XML elements (cells, texts, formats): 25.000 lines of nine columns hold about 650.000, and openpyxl spends
# some 15 µs on each. It keeps the parts other than the sheets and their texts whole in memory (the styles at
# about 1 KB per format; Excel itself allows 64.000 formats), and builds every cell of a line at once, however
# wide, though only the first MAKS_KOLONNER are read (the file has at most nine columns).
MAKS_ELEMENTER = 1_500_000
MAKS_ELEMENTER_DEL = 250_000
MAKS_CELLER_PR_LINJE = 1_000
MAKS_KOLONNER = 50
UDVALGSKODE = re.compile(r"^[A-Za-zÆØÅæøå0-9-]{1,20}$")
TEKSTLAENGDER = {"udvalg": 200, "ramme_navn": 200, "udvalg_kode": 20}


class ImportFejl(Exception):
    """The file was refused; `fejl` lists every problem found, each naming its line and column."""

    def __init__(self, fejl: list[str]) -> None:
        super().__init__("\n".join(fejl))
        self.fejl = fejl


@dataclass
class Importlinje:
    linjenr: int
    udvalg: str
    udvalg_kode: str
    ramme: str
    ramme_navn: str
    placering: str
    oprindeligt_budget: Decimal
    korrektioner: Decimal
    forventet_forbrug: Decimal
    forklaring: str


def linjefejl(linjenr: int, kolonne: str | None, tekst: str) -> str:
    if kolonne:
        return f"Linje {linjenr}, kolonne »{kolonne}«: {tekst}"
    return f"Linje {linjenr}: {tekst}"


def _tal(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _mb(antal_bytes: int) -> str:
    return f"{_tal(antal_bytes // 1_000_000)} MB"


def _for_stor(tekst: str) -> ImportFejl:
    return ImportFejl([f"Linje 1: Filen er for stor: {tekst}"])


def _for_mange_linjer(hvad: str) -> ImportFejl:
    return _for_stor(
        f"{hvad} har flere end {_tal(MAKS_RAEKKER)} linjer under overskriften, og et budgetår har højst omkring "
        "20.000. Slet tomme linjer nederst, eller del filen op."
    )


CSV_I_STEDET = "Gem arket som »CSV UTF-8« og importér det i stedet."
ULAESELIG_XLSX = "Linje 1: Filen kan ikke læses som en Excel-projektmappe (XLSX)."


def _laes_csv(data: bytes) -> Generator[tuple[int, list[str]]]:
    """Rows of a CSV file, one at a time, with the line number each starts on (a quoted field may span lines)."""
    try:
        tekst = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        linjenr = data[: exc.start].count(b"\n") + 1
        raise ImportFejl(
            [linjefejl(linjenr, None, "Filen er ikke gemt som UTF-8. Gem den som »CSV UTF-8« og prøv igen.")]
        ) from exc
    reader = csv.reader(io.StringIO(tekst, newline=""), delimiter=";")
    start = 1
    try:
        for nummer, row in enumerate(reader, start=1):
            if nummer > MAKS_RAEKKER + 1:
                raise _for_mange_linjer("filen")
            yield start, row
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFejl([linjefejl(start, None, f"Linjen kan ikke læses som CSV ({exc}).")]) from exc


def _xlsx_celle(value: object) -> str | Decimal:
    """A spreadsheet cell as text, or as an exact Decimal for numbers (floats converted once, here)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # A whole number stored as a float reads as that integer, as Excel shows it (1000, not 1000.0).
        return Decimal(int(value)) if value.is_integer() else Decimal(repr(value))
    return str(value)


_HOVED = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


class _Optaelling:
    """Target for the XML parser that counts one part of a workbook and refuses the workbook as soon as it passes a
    limit. It builds no tree, so counting costs no memory.

    A sheet's dimension (the used range it states) comes before its lines, so a sheet that says it is too long is
    refused before they are parsed. Any sheet, not only the first: openpyxl reads them all in part.
    """

    def __init__(self, navn: str, elementer_foer: int) -> None:
        self.navn = navn
        self.elementer = 0
        self.i_alt = elementer_foer
        self.celler = 0
        self.ark_eller_tekster = False

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.elementer += 1
        self.i_alt += 1
        if self.elementer == 1:
            self.ark_eller_tekster = tag in (_HOVED + "worksheet", _HOVED + "sst")
        if self.i_alt > MAKS_ELEMENTER:
            raise _for_stor(
                f"projektmappen indeholder mere end {_tal(MAKS_ELEMENTER)} celler, tekster og formater. {CSV_I_STEDET}"
            )
        if self.elementer > MAKS_ELEMENTER_DEL and not self.ark_eller_tekster:
            raise _for_stor(f"{self.navn} indeholder mere end {_tal(MAKS_ELEMENTER_DEL)} elementer. {CSV_I_STEDET}")
        if tag == _HOVED + "c":
            self.celler += 1
            if self.celler > MAKS_CELLER_PR_LINJE:
                raise _for_stor(
                    f"en linje i arket har flere end {_tal(MAKS_CELLER_PR_LINJE)} celler. Slet de tomme kolonner "
                    "til højre for tallene."
                )
        elif tag == _HOVED + "row":
            self.celler = 0
        elif tag == _HOVED + "dimension":
            try:
                sidste_linje = range_boundaries(attrib.get("ref", ""))[3]
            except (TypeError, ValueError):
                return  # openpyxl ignores it as well; the lines are counted as they are read
            if sidste_linje and sidste_linje > MAKS_RAEKKER + 1:
                raise _for_mange_linjer("et ark i projektmappen")


def _tjek_xlsx(arkiv: zipfile.ZipFile) -> None:
    """Refuse a workbook too large to read, before openpyxl unpacks any of it.

    The sizes the archive states are checked first: a zip member never unpacks to more than its stated size
    (zipfile stops there and then fails the checksum). Then every part is parsed as a stream and its XML elements
    counted, since openpyxl's time and memory follow them rather than the bytes: it keeps the parts other than
    the sheets whole in memory, and builds every cell of a line at once, however wide.
    """
    dele = arkiv.infolist()
    udpakket = sum(d.file_size for d in dele)
    if udpakket > MAKS_BYTES:
        raise _for_stor(f"udpakket fylder den {_mb(udpakket)}, og grænsen er {_mb(MAKS_BYTES)}. {CSV_I_STEDET}")
    for d in dele:
        if d.file_size > 1_000_000 and d.file_size > MAKS_KOMPRIMERING * d.compress_size:
            raise _for_stor(
                f"{d.filename} pakker ud til {_tal(d.file_size // max(d.compress_size, 1))} gange sin størrelse, "
                f"som en zip-bombe gør. {CSV_I_STEDET}"
            )
    elementer = 0
    for d in dele:
        optaelling = _Optaelling(d.filename, elementer)
        parser = DefusedXMLParser(target=optaelling)
        with arkiv.open(d) as indhold:
            try:
                while stykke := indhold.read(1 << 20):
                    parser.feed(stykke)
            except (ParseError, DefusedXmlException):
                pass  # not XML (an image), or XML openpyxl refuses as well: nothing more to count
        elementer = optaelling.i_alt


def _laes_xlsx(data: bytes) -> Generator[tuple[int, list[str | Decimal]]]:
    """Rows of the first sheet, one at a time, each padded to MAKS_KOLONNER cells, with its line number."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFejl(["Linje 1: Filen er ikke en Excel-projektmappe (XLSX)."])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as arkiv:
            _tjek_xlsx(arkiv)
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ImportFejl:
        raise
    except Exception as exc:  # zipfile and openpyxl raise many kinds for a damaged workbook
        raise ImportFejl([ULAESELIG_XLSX]) from exc
    try:
        ark = wb.worksheets[0]
        # The dimension was checked in _tjek_xlsx, but it can be wrong either way, so reading does not trust it: it
        # reads to one line past the limit and counts, lines missing before a cell far down included, as openpyxl
        # fills them in as blank lines.
        ark.reset_dimensions()
        for nummer, row in enumerate(
            ark.iter_rows(max_row=MAKS_RAEKKER + 2, max_col=MAKS_KOLONNER, values_only=True), start=1
        ):
            if nummer > MAKS_RAEKKER + 1:
                raise _for_mange_linjer("arket")
            yield nummer, [_xlsx_celle(v) for v in row]
    except ImportFejl:
        raise
    except Exception as exc:
        raise ImportFejl([ULAESELIG_XLSX]) from exc
    finally:
        wb.close()


def _beloeb(raw: str | Decimal, linjenr: int, kolonne: str, fejl: list[str]) -> Decimal:
    if not isinstance(raw, Decimal) and str(raw).strip() == "":
        fejl.append(linjefejl(linjenr, kolonne, "Beløbet mangler. Skriv 0, hvis der ikke er noget beløb."))
        return NUL
    try:
        # A Decimal is a spreadsheet number, possibly a float converted in _xlsx_celle: its noise is not øre.
        return beloeb_fra_tal(raw, fra_float=True) if isinstance(raw, Decimal) else parse_dansk(str(raw))
    except UgyldigtBeloeb as exc:
        fejl.append(linjefejl(linjenr, kolonne, str(exc)))
        return NUL


def laes_budgetfil(data: bytes, filnavn: str) -> list[Importlinje]:
    """Read and check a budget file (CSV or XLSX). Raises ImportFejl with every problem found, up to MAKS_FEJL.

    The file is read a line at a time and reading stops at the MAKS_FEJL'th problem, so a large file of errors
    costs no more than its first lines.
    """
    if len(data) > MAKS_BYTES:
        raise _for_stor(f"den fylder {_mb(len(data))}, og grænsen er {_mb(MAKS_BYTES)}.")
    laes: Callable[[bytes], Generator[tuple[int, Sequence[str | Decimal]]]]
    laes = _laes_xlsx if filnavn.lower().endswith(".xlsx") else _laes_csv
    with closing(laes(data)) as raekker:
        return _tjek_linjer(raekker)


def _tjek_linjer(raekker: Iterator[tuple[int, Sequence[str | Decimal]]]) -> list[Importlinje]:
    """Check the header and then each line as it is read; no line is read after the MAKS_FEJL'th problem."""
    overskrift = next(raekker, None)
    if overskrift is None or all(str(c).strip() == "" for c in overskrift[1]):
        raise ImportFejl(["Linje 1: Filen er tom; den skal have en overskriftslinje og mindst én linje med tal."])

    # The header is only matched, never stored: an invisible character in it is dropped rather than refused.
    header = [rens(str(c)).strip().lower() for c in overskrift[1]]
    manglende = [k for k in KOLONNER if k not in header]
    if manglende:
        raise ImportFejl(
            [
                linjefejl(1, k, "Kolonnen mangler i overskriftslinjen. Forventet: " + ";".join(KOLONNER))
                for k in manglende
            ]
        )
    ukendte = [k for k in header if k and k not in KOLONNER + VALGFRIE_KOLONNER]
    if ukendte:
        raise ImportFejl([linjefejl(1, k, "Ukendt kolonne.") for k in ukendte])
    dubletkolonner = sorted({k for k in header if k and header.count(k) > 1})
    if dubletkolonner:
        raise ImportFejl([linjefejl(1, k, "Kolonnen står mere end én gang.") for k in dubletkolonner])
    pos = {k: header.index(k) for k in header if k}

    fejl: list[str] = []
    linjer: list[Importlinje] = []
    set_dele: dict[tuple[str, str], int] = {}
    ramme_udvalg: dict[str, tuple[str, int]] = {}
    while len(fejl) < MAKS_FEJL and (naeste := next(raekker, None)) is not None:
        index, celler = naeste
        if all(str(c).strip() == "" for c in celler):
            continue  # blank lines at the end of a sheet are harmless
        if len(celler) > len(header) and any(str(c).strip() for c in celler[len(header) :]):
            fejl.append(linjefejl(index, None, f"Linjen har {len(celler)} felter, men overskriften har {len(header)}."))
            continue
        row = list(celler)
        for kolonne, i in pos.items():
            if i < len(row) and isinstance(tekst := row[i], str) and (besked := styretegn_fejl(tekst)):
                fejl.append(linjefejl(index, kolonne, besked))
                # The other checks see the text without it, so no message prints it to the terminal.
                row[i] = rens(tekst)

        def celle(kolonne: str, row: list[str | Decimal] = row) -> str | Decimal:
            i = pos.get(kolonne)
            if i is None or i >= len(row):
                return ""
            return row[i]

        udvalg = str(celle("udvalg")).strip()
        if not udvalg:
            fejl.append(linjefejl(index, "udvalg", "Udvalgets navn mangler."))
        ramme_raw = celle("ramme")
        ramme = f"{ramme_raw:.2f}" if isinstance(ramme_raw, Decimal) else str(ramme_raw).strip()
        if not RAMME_NUMMER.match(ramme):
            fejl.append(linjefejl(index, "ramme", f"»{ramme}« er ikke et rammenummer af formen NN.NN, fx 30.46."))
        navn = str(celle("ramme_navn")).strip()
        if not navn:
            fejl.append(linjefejl(index, "ramme_navn", "Rammens navn mangler."))
        for kolonne, maks in TEKSTLAENGDER.items():
            if len(str(celle(kolonne)).strip()) > maks:
                fejl.append(linjefejl(index, kolonne, f"Teksten er længere end {maks} tegn."))
        kode = str(celle("udvalg_kode")).strip()
        if kode and not UDVALGSKODE.match(kode):
            fejl.append(linjefejl(index, "udvalg_kode", f"»{kode}« må kun indeholde bogstaver, tal og bindestreg."))
        placering = str(celle("serviceramme")).strip().lower()
        if placering not in (Rammedel.INDEN, Rammedel.UDEN):
            fejl.append(linjefejl(index, "serviceramme", f"»{celle('serviceramme')}« er hverken »inden« eller »uden«."))
        beloeb = {k: _beloeb(celle(k), index, k, fejl) for k in BELOEBSKOLONNER}

        if RAMME_NUMMER.match(ramme) and placering in (Rammedel.INDEN, Rammedel.UDEN):
            if (ramme, placering) in set_dele:
                fejl.append(
                    linjefejl(
                        index,
                        "ramme",
                        f"Ramme {ramme} ({placering} for servicerammen) står også i linje "
                        f"{set_dele[(ramme, placering)]}.",
                    )
                )
            else:
                set_dele[(ramme, placering)] = index
        if RAMME_NUMMER.match(ramme) and udvalg:
            tidligere = ramme_udvalg.setdefault(ramme, (udvalg, index))
            if tidligere[0] != udvalg:
                fejl.append(
                    linjefejl(index, "udvalg", f"Ramme {ramme} hører til »{tidligere[0]}« i linje {tidligere[1]}.")
                )
        linjer.append(
            Importlinje(
                linjenr=index,
                udvalg=udvalg,
                udvalg_kode=str(celle("udvalg_kode")).strip(),
                ramme=ramme,
                ramme_navn=navn,
                placering=placering,
                forklaring=str(celle("forklaring")).strip(),
                **beloeb,
            )
        )
    del fejl[MAKS_FEJL:]
    if not linjer and not fejl:
        fejl.append(linjefejl(2, None, "Filen har ingen linjer med tal under overskriften."))
    if fejl:
        raise ImportFejl(fejl)
    return linjer
