"""Reading a CSV or XLSX file a line at a time, for every import: the shared machinery of the budget import and the
forbrug and kontoplan imports.

Every problem is reported with its line (and column), so a file is refused as a whole with all its errors at once.
Workbooks are streamed, and files built to exhaust the reader (too large, too tightly packed, too many lines or
cells) are refused before they are read.
"""

import codecs
import csv
import io
import math
import zipfile
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from kerne.beloeb import NUL, UgyldigtBeloeb, beloeb_fra_tal, parse_dansk_fil

MAKS_FEJL = 50
MAKS_BYTES = 100_000_000  # a CSV file, and a workbook unpacked
# Workbooks pack 5 to 20 times; deflate cannot do much better than 1.000 times, which is what zip bombs aim at.
MAKS_KOMPRIMERING = 100
# XML elements (cells, texts, formats): 25.000 lines of nine columns hold about 650.000, and openpyxl spends
# some 15 µs on each. It keeps the parts other than the sheets and their texts whole in memory (the styles at
# about 1 KB per format; Excel itself allows 64.000 formats), and builds every cell of a line at once, however
# wide, though only the first MAKS_KOLONNER are read.
MAKS_ELEMENTER = 1_500_000
MAKS_ELEMENTER_DEL = 250_000
MAKS_CELLER_PR_LINJE = 1_000
MAKS_KOLONNER = 50


class ImportFejl(Exception):
    """The file was refused; `fejl` lists every problem found, each naming its line and column."""

    def __init__(self, fejl: list[str]) -> None:
        super().__init__("\n".join(fejl))
        self.fejl = fejl



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


@dataclass(frozen=True)
class Linjegraense:
    """How many lines under the header a kind of file may have, and why (said in the refusal)."""

    maks_raekker: int
    hvorfor: str = ""


def _for_mange_linjer(hvad: str, graense: Linjegraense) -> ImportFejl:
    return _for_stor(
        f"{hvad} har flere end {_tal(graense.maks_raekker)} linjer under overskriften{graense.hvorfor}. "
        "Slet tomme linjer nederst, eller del filen op."
    )


CSV_I_STEDET = "Gem arket som »CSV UTF-8« og importér det i stedet."
ULAESELIG_XLSX = "Linje 1: Filen kan ikke læses som en Excel-projektmappe (XLSX)."


def _utf8_fejl(data: bytes) -> ImportFejl:
    """The refusal of a file that is not UTF-8, naming the line of its first bad byte (found a megabyte at a time,
    so the file is never decoded whole)."""
    dekoder = codecs.getincrementaldecoder("utf-8")()
    linjenr = 1
    for start in range(0, len(data), 1 << 20):
        stykke = data[start : start + (1 << 20)]
        try:
            dekoder.decode(stykke, final=start + len(stykke) >= len(data))
        except UnicodeDecodeError as exc:
            linjenr += stykke[: max(exc.start, 0)].count(b"\n")
            break
        linjenr += stykke.count(b"\n")
    return ImportFejl(
        [linjefejl(linjenr, None, "Filen er ikke gemt som UTF-8. Gem den som »CSV UTF-8« og prøv igen.")]
    )


def laes_csv(data: bytes, graense: Linjegraense) -> Generator[tuple[int, list[str]]]:
    """Rows of a CSV file, one at a time, with the line number each starts on (a quoted field may span lines).

    The bytes are decoded as they are read, so the file is never held a second time as text.
    """
    tekst = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    reader = csv.reader(tekst, delimiter=";")
    start = 1
    try:
        for nummer, row in enumerate(reader, start=1):
            if nummer > graense.maks_raekker + 1:
                raise _for_mange_linjer("filen", graense)
            yield start, row
            start = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise _utf8_fejl(data) from exc
    except csv.Error as exc:
        raise ImportFejl([linjefejl(start, None, f"Linjen kan ikke læses som CSV ({exc}).")]) from exc


def xlsx_celle(value: object) -> str | Decimal:
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

    def __init__(self, navn: str, elementer_foer: int, graense: Linjegraense) -> None:
        self.navn = navn
        self.graense = graense
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
            if sidste_linje and sidste_linje > self.graense.maks_raekker + 1:
                raise _for_mange_linjer("et ark i projektmappen", self.graense)


def _tjek_xlsx(arkiv: zipfile.ZipFile, graense: Linjegraense) -> None:
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
        optaelling = _Optaelling(d.filename, elementer, graense)
        parser = DefusedXMLParser(target=optaelling)
        with arkiv.open(d) as indhold:
            try:
                while stykke := indhold.read(1 << 20):
                    parser.feed(stykke)
            except (ParseError, DefusedXmlException):
                pass  # not XML (an image), or XML openpyxl refuses as well: nothing more to count
        elementer = optaelling.i_alt


def laes_xlsx(data: bytes, graense: Linjegraense) -> Generator[tuple[int, list[str | Decimal]]]:
    """Rows of the first sheet, one at a time, each padded to MAKS_KOLONNER cells, with its line number."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFejl(["Linje 1: Filen er ikke en Excel-projektmappe (XLSX)."])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as arkiv:
            _tjek_xlsx(arkiv, graense)
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
            ark.iter_rows(max_row=graense.maks_raekker + 2, max_col=MAKS_KOLONNER, values_only=True), start=1
        ):
            if nummer > graense.maks_raekker + 1:
                raise _for_mange_linjer("arket", graense)
            yield nummer, [xlsx_celle(v) for v in row]
    except ImportFejl:
        raise
    except Exception as exc:
        raise ImportFejl([ULAESELIG_XLSX]) from exc
    finally:
        wb.close()


def beloebscelle(raw: str | Decimal, linjenr: int, kolonne: str, fejl: list[str]) -> Decimal:
    if not isinstance(raw, Decimal) and str(raw).strip() == "":
        fejl.append(linjefejl(linjenr, kolonne, "Beløbet mangler. Skriv 0, hvis der ikke er noget beløb."))
        return NUL
    try:
        # A Decimal is a spreadsheet number, possibly a float converted in _xlsx_celle: its noise is not øre.
        return beloeb_fra_tal(raw, fra_float=True) if isinstance(raw, Decimal) else parse_dansk_fil(str(raw))
    except UgyldigtBeloeb as exc:
        fejl.append(linjefejl(linjenr, kolonne, str(exc)))
        return NUL


Raekker = Generator[tuple[int, Sequence[str | Decimal]]]


# Other separators a spreadsheet program may have saved with, named as a user knows them.
ANDRE_SKILLETEGN = {",": "komma (,)", "\t": "tabulator", "|": "lodret streg (|)"}


def _skilletegn(raekker: Raekker) -> Raekker:
    """Pass the rows on, but refuse a file whose header is a single cell holding another separator: a file saved
    with commas (or tabs) reads as one column, and would otherwise be refused once for every column missing."""
    foerste = next(raekker, None)
    if foerste is None:
        return
    celler = [str(c) for c in foerste[1] if not tom(c)]
    if len(celler) == 1:
        for tegn, navn in ANDRE_SKILLETEGN.items():
            if tegn in celler[0]:
                raise ImportFejl(
                    [
                        linjefejl(
                            foerste[0],
                            None,
                            f"Kolonnerne er adskilt med {navn}, men de skal være adskilt med semikolon (;). Gem "
                            "filen med semikolon som skilletegn (i Excel: »CSV UTF-8« med dansk opsætning), og prøv "
                            "igen.",
                        )
                    ]
                )
    yield foerste
    yield from raekker


def laes_raekker(data: bytes, filnavn: str, graense: Linjegraense) -> Raekker:
    """The rows of a CSV (UTF-8, semicolons) or XLSX file (its first sheet), one at a time, with line numbers.

    A file whose header shows it was saved with another separator than the semicolon is refused with one message
    saying so. Close the generator when done (`contextlib.closing`), so a workbook is closed also when reading
    stops early.
    """
    if len(data) > MAKS_BYTES:
        raise _for_stor(f"den fylder {_mb(len(data))}, og grænsen er {_mb(MAKS_BYTES)}.")
    laes: Callable[[bytes, Linjegraense], Raekker]
    laes = laes_xlsx if filnavn.lower().endswith(".xlsx") else laes_csv
    return _skilletegn(laes(data, graense))


def tom(celle: str | Decimal) -> bool:
    return str(celle).strip() == ""


def blank(celler: Sequence[str | Decimal]) -> bool:
    """A line with nothing in it (blank lines at the end of a sheet are harmless). A CSV line is all text and is
    checked in one go; a spreadsheet line may hold numbers."""
    try:
        return not "".join(celler).strip()  # type: ignore[arg-type]
    except TypeError:
        return all(tom(c) for c in celler)
