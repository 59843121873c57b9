"""Write side of the follow-up: the budget import.

An import is all or nothing: the whole file is read and checked first, every problem is collected with
its line and column, and only a file without problems is written, in one transaction.
"""

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from simple_history.utils import bulk_create_with_history

from budgetopfolgning import laasning, selectors
from budgetopfolgning.models import Aktivitetslinje, Opfoelgning, Opfoelgningslinje
from kerne import versioner
from kerne.beloeb import MAKS_BELOEB, NUL, UgyldigtBeloeb, parse_dansk
from kerne.tekst import rens, styretegn_fejl
from rammer.models import Aktivitet, Aktivitetsdel, Bevillingsramme, Budgetaar, Rammedel, Udvalg, ramme_nummer_validator

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
RAMME_NUMMER = re.compile(ramme_nummer_validator.regex.pattern)
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


class RundeFejl(Exception):
    """A round cannot be opened, locked or changed as asked; the message says why, in Danish."""


class ImportFejl(Exception):
    """The file was refused; `fejl` lists every problem found, each naming its line and column."""

    def __init__(self, fejl: list[str]):
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


@dataclass
class Importresultat:
    opfoelgning: Opfoelgning
    oprettet: int
    opdateret: int


def _fejl(linjenr: int, kolonne: str | None, tekst: str) -> str:
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


def _laes_csv(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """Rows of a CSV file, one at a time, with the line number each starts on (a quoted field may span lines)."""
    try:
        tekst = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        linjenr = data[: exc.start].count(b"\n") + 1
        raise ImportFejl(
            [_fejl(linjenr, None, "Filen er ikke gemt som UTF-8. Gem den som »CSV UTF-8« og prøv igen.")]
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
        raise ImportFejl([_fejl(start, None, f"Linjen kan ikke læses som CSV ({exc}).")]) from exc


def _xlsx_celle(value) -> str | Decimal:
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

    def __init__(self, navn: str, elementer_foer: int):
        self.navn = navn
        self.elementer = 0
        self.i_alt = elementer_foer
        self.celler = 0
        self.ark_eller_tekster = False

    def start(self, tag: str, attrib: dict) -> None:
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


def _laes_xlsx(data: bytes) -> Iterator[tuple[int, list]]:
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


def _beloeb(raw, linjenr: int, kolonne: str, fejl: list[str]) -> Decimal:
    if isinstance(raw, Decimal):
        if not raw.is_finite() or abs(raw) >= MAKS_BELOEB:
            fejl.append(_fejl(linjenr, kolonne, f"»{raw}« er for stort et beløb."))
            return NUL
        rounded = raw.quantize(Decimal("0.01"))
        # Spreadsheet floats such as 0.1+0.2 carry noise far below one øre; real extra decimals are refused.
        if abs(raw - rounded) > Decimal("0.000001"):
            fejl.append(_fejl(linjenr, kolonne, f"»{raw}« har flere end to decimaler (øre)."))
            return NUL
        return rounded
    if str(raw).strip() == "":
        fejl.append(_fejl(linjenr, kolonne, "Beløbet mangler. Skriv 0, hvis der ikke er noget beløb."))
        return NUL
    try:
        return parse_dansk(str(raw))
    except UgyldigtBeloeb as exc:
        fejl.append(_fejl(linjenr, kolonne, str(exc)))
        return NUL


def laes_budgetfil(data: bytes, filnavn: str) -> list[Importlinje]:
    """Read and check a budget file (CSV or XLSX). Raises ImportFejl with every problem found, up to MAKS_FEJL.

    The file is read a line at a time and reading stops at the MAKS_FEJL'th problem, so a large file of errors
    costs no more than its first lines.
    """
    if len(data) > MAKS_BYTES:
        raise _for_stor(f"den fylder {_mb(len(data))}, og grænsen er {_mb(MAKS_BYTES)}.")
    laes = _laes_xlsx if filnavn.lower().endswith(".xlsx") else _laes_csv
    with closing(laes(data)) as raekker:
        return _tjek_linjer(raekker)


def _tjek_linjer(raekker: Iterator[tuple[int, list]]) -> list[Importlinje]:
    """Check the header and then each line as it is read; no line is read after the MAKS_FEJL'th problem."""
    overskrift = next(raekker, None)
    if overskrift is None or all(str(c).strip() == "" for c in overskrift[1]):
        raise ImportFejl(["Linje 1: Filen er tom; den skal have en overskriftslinje og mindst én linje med tal."])

    # The header is only matched, never stored: an invisible character in it is dropped rather than refused.
    header = [rens(str(c)).strip().lower() for c in overskrift[1]]
    manglende = [k for k in KOLONNER if k not in header]
    if manglende:
        raise ImportFejl(
            [_fejl(1, k, "Kolonnen mangler i overskriftslinjen. Forventet: " + ";".join(KOLONNER)) for k in manglende]
        )
    ukendte = [k for k in header if k and k not in KOLONNER + VALGFRIE_KOLONNER]
    if ukendte:
        raise ImportFejl([_fejl(1, k, "Ukendt kolonne.") for k in ukendte])
    dubletkolonner = sorted({k for k in header if k and header.count(k) > 1})
    if dubletkolonner:
        raise ImportFejl([_fejl(1, k, "Kolonnen står mere end én gang.") for k in dubletkolonner])
    pos = {k: header.index(k) for k in header if k}

    fejl: list[str] = []
    linjer: list[Importlinje] = []
    set_dele: dict[tuple[str, str], int] = {}
    ramme_udvalg: dict[str, tuple[str, int]] = {}
    while len(fejl) < MAKS_FEJL and (naeste := next(raekker, None)) is not None:
        index, row = naeste
        if all(str(c).strip() == "" for c in row):
            continue  # blank lines at the end of a sheet are harmless
        if len(row) > len(header) and any(str(c).strip() for c in row[len(header) :]):
            fejl.append(_fejl(index, None, f"Linjen har {len(row)} felter, men overskriften har {len(header)}."))
            continue
        row = list(row)
        for kolonne, i in pos.items():
            if i < len(row) and isinstance(row[i], str) and (besked := styretegn_fejl(row[i])):
                fejl.append(_fejl(index, kolonne, besked))
                # The other checks see the text without it, so no message prints it to the terminal.
                row[i] = rens(row[i])

        def celle(kolonne, row=row):
            i = pos.get(kolonne)
            if i is None or i >= len(row):
                return ""
            return row[i]

        udvalg = str(celle("udvalg")).strip()
        if not udvalg:
            fejl.append(_fejl(index, "udvalg", "Udvalgets navn mangler."))
        ramme_raw = celle("ramme")
        ramme = f"{ramme_raw:.2f}" if isinstance(ramme_raw, Decimal) else str(ramme_raw).strip()
        if not RAMME_NUMMER.match(ramme):
            fejl.append(_fejl(index, "ramme", f"»{ramme}« er ikke et rammenummer af formen NN.NN, fx 30.46."))
        navn = str(celle("ramme_navn")).strip()
        if not navn:
            fejl.append(_fejl(index, "ramme_navn", "Rammens navn mangler."))
        for kolonne, maks in TEKSTLAENGDER.items():
            if len(str(celle(kolonne)).strip()) > maks:
                fejl.append(_fejl(index, kolonne, f"Teksten er længere end {maks} tegn."))
        kode = str(celle("udvalg_kode")).strip()
        if kode and not UDVALGSKODE.match(kode):
            fejl.append(_fejl(index, "udvalg_kode", f"»{kode}« må kun indeholde bogstaver, tal og bindestreg."))
        placering = str(celle("serviceramme")).strip().lower()
        if placering not in (Rammedel.INDEN, Rammedel.UDEN):
            fejl.append(_fejl(index, "serviceramme", f"»{celle('serviceramme')}« er hverken »inden« eller »uden«."))
        beloeb = {k: _beloeb(celle(k), index, k, fejl) for k in BELOEBSKOLONNER}

        if RAMME_NUMMER.match(ramme) and placering in (Rammedel.INDEN, Rammedel.UDEN):
            if (ramme, placering) in set_dele:
                fejl.append(
                    _fejl(
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
                fejl.append(_fejl(index, "udvalg", f"Ramme {ramme} hører til »{tidligere[0]}« i linje {tidligere[1]}."))
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
        fejl.append(_fejl(2, None, "Filen har ingen linjer med tal under overskriften."))
    if fejl:
        raise ImportFejl(fejl)
    return linjer


def _udvalgskode(navn: str, brugte: set[str]) -> str:
    """A short code from the capitalised words of a name: 'Klima- og Miljøudvalget' → 'KMU'."""
    ord_ = re.findall(r"\w+", navn)
    kode = "".join(o[0] for o in ord_ if o[0].isupper())
    if navn.lower().endswith("udvalget"):
        kode += "U"
    kode = kode or "U"
    kandidat, n = kode, 2
    while kandidat in brugte:
        kandidat, n = f"{kode}{n}", n + 1
    return kandidat


@transaction.atomic
def importer_budget(
    *,
    data: bytes,
    filnavn: str,
    aar: int,
    nummer: int,
    pr_dato: date | None = None,
    dokumentdato: date | None = None,
    metadata: dict | None = None,
    bruger=None,
) -> Importresultat:
    """Import a round's figures from a file; creates the year, udvalg, rammer and round as needed.

    Importing the same round again replaces that round's figures for the lines in the file. The adopted
    budget of a ramme part never changes during the year: a line that says otherwise refuses the file.
    """
    fejl = [
        f"Feltet »{felt}«: {besked}"
        for felt, value in (metadata or {}).items()
        if isinstance(value, str) and (besked := styretegn_fejl(value))
    ]
    if fejl:
        raise ImportFejl(fejl)
    linjer = laes_budgetfil(data, filnavn)

    budgetaar, _ = Budgetaar.objects.get_or_create(aar=aar)
    opfoelgning = Opfoelgning.objects.select_for_update().filter(aar=budgetaar, nummer=nummer).first()
    if opfoelgning and opfoelgning.er_laast:
        raise ImportFejl([f"{opfoelgning} er låst og kan ikke ændres; ret i næste budgetopfølgning."])
    if nummer > 1 and not Opfoelgning.objects.filter(aar=budgetaar, nummer=nummer - 1).exists():
        raise ImportFejl([f"{nummer - 1}. budgetopfølgning {aar} findes ikke; importér den først."])

    udvalg = {u.navn: u for u in Udvalg.objects.filter(aar=budgetaar)}
    koder = {u.kode for u in udvalg.values()}
    rammer = {r.nummer: r for r in Bevillingsramme.objects.filter(aar=budgetaar).select_related("udvalg")}
    dele = {
        (d.ramme.nummer, d.placering): d for d in Rammedel.objects.filter(ramme__aar=budgetaar).select_related("ramme")
    }

    laast_aar = Opfoelgning.objects.aar_er_frosset(budgetaar.pk)
    med_aktiviteter = set(
        Aktivitetsdel.objects.filter(aktivitet__ramme__aar=budgetaar).values_list(
            "aktivitet__ramme__nummer", "placering"
        )
    )
    for linje in linjer:
        if (linje.ramme, linje.placering) in med_aktiviteter:
            fejl.append(
                _fejl(
                    linje.linjenr,
                    "ramme",
                    f"Ramme {linje.ramme} ({linje.placering} for servicerammen) er delt i aktiviteter; dens tal "
                    "indtastes pr. aktivitet i browseren.",
                )
            )
        ramme = rammer.get(linje.ramme)
        if laast_aar and (linje.ramme, linje.placering) not in dele:
            # A locked round lists every ramme part of its year; a new one would change what it shows.
            fejl.append(
                _fejl(
                    linje.linjenr,
                    "ramme",
                    f"{aar} har en låst budgetopfølgning, så ramme {linje.ramme} ({linje.placering} for "
                    "servicerammen) kan ikke tilføjes i løbet af året.",
                )
            )
        elif laast_aar and ramme and ramme.navn != linje.ramme_navn:
            fejl.append(
                _fejl(
                    linje.linjenr,
                    "ramme_navn",
                    f"{aar} har en låst budgetopfølgning, så rammens navn »{ramme.navn}« kan ikke ændres.",
                )
            )
        if ramme and ramme.udvalg.navn != linje.udvalg:
            fejl.append(_fejl(linje.linjenr, "udvalg", f"Ramme {linje.ramme} hører til »{ramme.udvalg.navn}« i {aar}."))
        eksisterende = dele.get((linje.ramme, linje.placering))
        if eksisterende and eksisterende.oprindeligt_budget != linje.oprindeligt_budget:
            fejl.append(
                _fejl(
                    linje.linjenr,
                    "oprindeligt_budget",
                    f"Det oprindelige budget for ramme {linje.ramme} ({linje.placering} for servicerammen) er "
                    f"{eksisterende.oprindeligt_budget} kr. og kan ikke ændres i løbet af året.",
                )
            )
        if linje.udvalg_kode and linje.udvalg in udvalg and udvalg[linje.udvalg].kode != linje.udvalg_kode:
            fejl.append(
                _fejl(
                    linje.linjenr,
                    "udvalg_kode",
                    f"»{linje.udvalg}« har forkortelsen {udvalg[linje.udvalg].kode} i {aar}.",
                )
            )
    if fejl:
        raise ImportFejl(fejl)

    if opfoelgning is None:
        idag = date.today()
        opfoelgning = Opfoelgning.objects.create(
            aar=budgetaar,
            nummer=nummer,
            pr_dato=pr_dato or idag,
            dokumentdato=dokumentdato or idag,
            **(metadata or {}),
        )
    else:
        changed = {k: v for k, v in (metadata or {}).items() if v}
        if pr_dato:
            changed["pr_dato"] = pr_dato
        if dokumentdato:
            changed["dokumentdato"] = dokumentdato
        for key, value in changed.items():
            setattr(opfoelgning, key, value)
        if changed:
            opfoelgning.save()

    naeste_orden = max((u.raekkefoelge for u in udvalg.values()), default=0) + 1
    oprettet = opdateret = 0
    for linje in linjer:
        u = udvalg.get(linje.udvalg)
        if u is None:
            kode = linje.udvalg_kode or _udvalgskode(linje.udvalg, koder)
            if kode in koder:
                raise ImportFejl([_fejl(linje.linjenr, "udvalg_kode", f"Forkortelsen {kode} er allerede brugt.")])
            koder.add(kode)
            u = udvalg[linje.udvalg] = Udvalg.objects.create(
                aar=budgetaar, navn=linje.udvalg, kode=kode, raekkefoelge=naeste_orden
            )
            naeste_orden += 1
        ramme = rammer.get(linje.ramme)
        if ramme is None:
            ramme = rammer[linje.ramme] = Bevillingsramme.objects.create(
                aar=budgetaar, udvalg=u, nummer=linje.ramme, navn=linje.ramme_navn
            )
        elif ramme.navn != linje.ramme_navn:
            ramme.navn = linje.ramme_navn
            ramme.save(update_fields=["navn"])
        rammedel = dele.get((linje.ramme, linje.placering))
        if rammedel is None:
            rammedel = dele[(linje.ramme, linje.placering)] = Rammedel.objects.create(
                ramme=ramme, placering=linje.placering, oprindeligt_budget=linje.oprindeligt_budget
            )
        eksisterende = Opfoelgningslinje.objects.filter(opfoelgning=opfoelgning, rammedel=rammedel).first()
        if eksisterende is None:
            Opfoelgningslinje.objects.create(
                opfoelgning=opfoelgning,
                rammedel=rammedel,
                korrektioner=linje.korrektioner,
                forventet_forbrug=linje.forventet_forbrug,
                forklaring=linje.forklaring,
                aendret_af=bruger,
            )
            oprettet += 1
        else:
            eksisterende.korrektioner = linje.korrektioner
            eksisterende.forventet_forbrug = linje.forventet_forbrug
            eksisterende.forklaring = linje.forklaring
            # An import is a save too: a form opened before it must not overwrite the imported figures unseen.
            versioner.ny_version(eksisterende, bruger=bruger)
            eksisterende.save()
            opdateret += 1
    if nummer > 1:
        # Ramme parts (and activities) the file does not mention continue from the previous round.
        _fortsaet_fra_forrige(opfoelgning, Opfoelgning.objects.get(aar=budgetaar, nummer=nummer - 1), bruger=bruger)
    return Importresultat(opfoelgning=opfoelgning, oprettet=oprettet, opdateret=opdateret)


def _fortsaet_fra_forrige(opfoelgning: Opfoelgning, forrige: Opfoelgning | None, *, bruger) -> None:
    """Give every ramme part (and activity) of the year that has no line in the round one that starts from the
    previous round: its forventet forbrug and explanation carried over, korrektioner 0, since they are decided
    anew at every round."""
    har_linje = set(opfoelgning.linjer.values_list("rammedel_id", flat=True))
    gamle = {linje.rammedel_id: linje for linje in forrige.linjer.all()} if forrige else {}
    bulk_create_with_history(
        [
            Opfoelgningslinje(
                opfoelgning=opfoelgning,
                rammedel=rammedel,
                korrektioner=NUL,
                forventet_forbrug=gamle[rammedel.pk].forventet_forbrug if rammedel.pk in gamle else NUL,
                forklaring=gamle[rammedel.pk].forklaring if rammedel.pk in gamle else "",
                aendret_af=bruger,
            )
            for rammedel in Rammedel.objects.filter(ramme__aar_id=opfoelgning.aar_id).exclude(pk__in=har_linje)
        ],
        Opfoelgningslinje,
        default_user=bruger,
    )
    if forrige:
        har_aktivitet = set(opfoelgning.aktivitetslinjer.values_list("aktivitetsdel_id", flat=True))
        bulk_create_with_history(
            [
                Aktivitetslinje(
                    opfoelgning=opfoelgning,
                    aktivitetsdel_id=gammel.aktivitetsdel_id,
                    korrektioner=NUL,
                    forventet_forbrug=gammel.forventet_forbrug,
                    aendret_af=bruger,
                )
                for gammel in forrige.aktivitetslinjer.exclude(aktivitetsdel_id__in=har_aktivitet)
            ],
            Aktivitetslinje,
            default_user=bruger,
        )


@transaction.atomic
def aabn_opfoelgning(
    *,
    aar: Budgetaar,
    pr_dato: date,
    dokumentdato: date,
    sagsnr: str = "",
    kontakt_center: str = "",
    kontakt_navn: str = "",
    kontakt_telefon: str = "",
    kontakt_email: str = "",
    bruger=None,
) -> Opfoelgning:
    """Open the year's next round. Forecasts and explanations start from the previous round's; korrektioner
    start from 0, since they are decided anew at every round."""
    forrige = Opfoelgning.objects.select_for_update().filter(aar=aar).order_by("-nummer").first()
    if forrige and not forrige.er_laast:
        raise RundeFejl(f"{forrige} er stadig åben. Lås den, før en ny budgetopfølgning åbnes.")
    opfoelgning = Opfoelgning.objects.create(
        aar=aar,
        nummer=(forrige.nummer + 1) if forrige else 1,
        pr_dato=pr_dato,
        dokumentdato=dokumentdato,
        sagsnr=sagsnr,
        kontakt_center=kontakt_center,
        kontakt_navn=kontakt_navn,
        kontakt_telefon=kontakt_telefon,
        kontakt_email=kontakt_email,
    )
    _fortsaet_fra_forrige(opfoelgning, forrige, bruger=bruger)
    return opfoelgning


@dataclass
class Indtastning:
    """What the edit form submits for one ramme part (or one activity), with the version it was based on.

    For a ramme part with activities, korrektioner and forventet forbrug are None: they are the activities' sum.
    """

    korrektioner: Decimal | None
    forventet_forbrug: Decimal | None
    forklaring: str
    version: int


def _opdater(linje, bruger, **felter) -> None:
    """Write changed fields of a line with a new version, recording who did it."""
    if all(getattr(linje, felt) == value for felt, value in felter.items()):
        return
    for felt, value in felter.items():
        setattr(linje, felt, value)
    versioner.ny_version(linje, bruger=bruger)
    linje._history_user = bruger
    linje.save()


@transaction.atomic
def gem_ramme(
    *,
    opfoelgning: Opfoelgning,
    indtastninger: dict[int, Indtastning],
    bruger,
    aktiviteter: dict[int, Indtastning] | None = None,
) -> list[Opfoelgningslinje]:
    """Save a ramme's parts in a round, keyed by Opfoelgningslinje pk, and its activities, keyed by
    Aktivitetslinje pk, with optimistic locking.

    The round row is locked first, so a save and a lock of the round never interleave. A line whose version
    differs from the one the form was opened with (or that is gone) raises `versioner.Konflikt` and nothing is
    written. A ramme part with activities gets their sum as its korrektioner and forventet forbrug.
    """
    aktiviteter = aktiviteter or {}
    runde = Opfoelgning.objects.select_for_update().get(pk=opfoelgning.pk)
    if runde.er_laast:
        raise RundeFejl(f"{runde} er låst. Ændringer hører til i næste budgetopfølgning.")
    linjer = versioner.laas_versioner(
        Opfoelgningslinje.objects.filter(opfoelgning=runde).select_related("rammedel"),
        {pk: ny.version for pk, ny in indtastninger.items()},
    )
    akt_linjer = versioner.laas_versioner(
        Aktivitetslinje.objects.filter(opfoelgning=runde).select_related("aktivitetsdel__aktivitet"),
        {pk: ny.version for pk, ny in aktiviteter.items()},
    )

    for linje in akt_linjer:
        ny = aktiviteter[linje.pk]
        _opdater(linje, bruger, korrektioner=ny.korrektioner, forventet_forbrug=ny.forventet_forbrug)
    summer = {
        (row["aktivitetsdel__aktivitet__ramme_id"], row["aktivitetsdel__placering"]): row
        for row in Aktivitetslinje.objects.filter(opfoelgning=runde)
        .values("aktivitetsdel__aktivitet__ramme_id", "aktivitetsdel__placering")
        .annotate(k=Sum("korrektioner"), f=Sum("forventet_forbrug"))
    }
    for linje in linjer:
        ny = indtastninger[linje.pk]
        felter = {"forklaring": ny.forklaring}
        sum_ = summer.get((linje.rammedel.ramme_id, linje.rammedel.placering))
        if sum_ is not None:
            felter.update(korrektioner=sum_["k"], forventet_forbrug=sum_["f"])
        else:
            felter.update(korrektioner=ny.korrektioner, forventet_forbrug=ny.forventet_forbrug)
        _opdater(linje, bruger, **felter)
    return linjer


@dataclass
class Aktivitetstal:
    navn: str
    oprindeligt_budget: Decimal
    korrektioner: Decimal
    forventet_forbrug: Decimal


@transaction.atomic
def indfoer_aktiviteter(
    *, opfoelgning: Opfoelgning, rammedel: Rammedel, aktiviteter: list[Aktivitetstal], bruger=None
) -> list[Aktivitetslinje]:
    """Split a ramme part into activities from this round on.

    The activities' figures must add up exactly to the ramme part's adopted budget and to its korrektioner
    and forventet forbrug in the round, so no figure already reported changes.
    """
    runde = Opfoelgning.objects.select_for_update().get(pk=opfoelgning.pk)
    if runde.er_laast:
        raise RundeFejl(f"{runde} er låst.")
    linje = Opfoelgningslinje.objects.get(opfoelgning=runde, rammedel=rammedel)
    if Aktivitetsdel.objects.filter(aktivitet__ramme=rammedel.ramme, placering=rammedel.placering).exists():
        raise RundeFejl(f"{rammedel} har allerede aktiviteter.")
    for felt, forventet in (
        ("oprindeligt_budget", rammedel.oprindeligt_budget),
        ("korrektioner", linje.korrektioner),
        ("forventet_forbrug", linje.forventet_forbrug),
    ):
        total = sum((getattr(a, felt) for a in aktiviteter), NUL)
        if total != forventet:
            raise RundeFejl(
                f"Aktiviteternes {felt.replace('_', ' ')} giver {total} kr., men {rammedel} har {forventet} kr."
            )
    result = []
    for sortering, tal in enumerate(aktiviteter, start=1):
        aktivitet, _ = Aktivitet.objects.get_or_create(
            ramme=rammedel.ramme, navn=tal.navn, defaults={"sortering": sortering}
        )
        del_ = Aktivitetsdel.objects.create(
            aktivitet=aktivitet, placering=rammedel.placering, oprindeligt_budget=tal.oprindeligt_budget
        )
        result.append(
            Aktivitetslinje.objects.create(
                opfoelgning=runde,
                aktivitetsdel=del_,
                korrektioner=tal.korrektioner,
                forventet_forbrug=tal.forventet_forbrug,
                aendret_af=bruger,
            )
        )
    return result


@transaction.atomic
def laas_opfoelgning(*, opfoelgning: Opfoelgning, bruger=None) -> Opfoelgning:
    """Lock a round for good: it becomes a frozen snapshot, fingerprinted by a SHA-256 of its figures.

    Refused while a ramme part whose afvigelse reaches the year's threshold has no explanation.
    """
    runde = Opfoelgning.objects.select_for_update().select_related("aar").get(pk=opfoelgning.pk)
    if runde.er_laast:
        raise RundeFejl(f"{runde} er allerede låst.")
    tidligere_aabne = Opfoelgning.objects.filter(aar=runde.aar, nummer__lt=runde.nummer, status=Opfoelgning.AABEN)
    if tidligere_aabne.exists():
        raise RundeFejl(f"{tidligere_aabne.first()} er stadig åben og skal låses først.")
    mangler = selectors.manglende_forklaringer(runde)
    if mangler:
        navne = ", ".join(
            f"{linje.ramme.nummer} ({linje.rammedel.get_placering_display().lower()})" for linje in mangler
        )
        raise RundeFejl(f"{runde} kan ikke låses: der mangler forklaring på {navne}.")
    runde.status = Opfoelgning.LAAST
    runde.laast_tidspunkt = timezone.now()
    runde.laast_af = bruger
    runde.tal_sha256 = selectors.tal_sha256(runde)
    runde.save(update_fields=["status", "laast_tidspunkt", "laast_af", "tal_sha256"])
    # The Bilag is rendered once, now, and every later download serves these bytes. Imported here because
    # the PDF module builds on the views, which build on this module.
    from budgetopfolgning.bilag import frys_bilag

    frys_bilag(runde)
    # What the apps above the rounds keep about this round (the omstilling follow-up) is frozen in the same
    # transaction: a lock either freezes everything or nothing.
    for frysning in laasning.frysninger():
        frysning.frys(runde)
    return runde
