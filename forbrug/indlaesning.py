"""Reading and checking a kontoplan file and a forbrug file (CSV or XLSX) before anything is written.

Both use the shared reader (`kerne.indlaesning`): every problem is collected with its line and column, up to
MAKS_FEJL, and a file with any problem is refused as a whole. What needs the database (does the ramme exist,
is the konto mapped) is checked by the services.
"""

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from kerne.beloeb import plain_kolonne
from kerne.indlaesning import (
    MAKS_BYTES,
    MAKS_FEJL,
    ImportFejl,
    Linjegraense,
    beloebscelle,
    blank,
    laes_raekker,
    linjefejl,
    tom,
)
from kerne.models import Kommune
from kerne.nummerering import kode_fra_celle
from kerne.tekst import UGYLDIGE_TEGN, rens, styretegn_fejl
from rammer.models import Rammedel

KONTO_LAENGDE = 50
# A kommune has some 10.000 konti in use; a year's forbrug file has at most 12 lines for each.
FORBRUG_GRAENSE = Linjegraense(150_000, ", og et års forbrug for 12.000 konti har 144.000")
KONTOPLAN_GRAENSE = Linjegraense(50_000, ", og en kontoplan har sjældent over 20.000 konti i brug")

Celle = str | Decimal


@dataclass(frozen=True, slots=True)
class Kontolinje:
    linjenr: int
    konto: str
    ramme: str
    placering: str
    aktivitet: str


class Forbrugslinje(NamedTuple):
    """A line of a forbrug file (a tuple: a year's file has 100.000 of them)."""

    linjenr: int
    konto: str
    maaned: int
    beloeb: Decimal


def _overskrift(
    raekker: Iterator[tuple[int, Sequence[Celle]]], kolonner: list[str], valgfrie: list[str]
) -> dict[str, int]:
    overskrift = next(raekker, None)
    if overskrift is None or all(tom(c) for c in overskrift[1]):
        raise ImportFejl(["Linje 1: Filen er tom; den skal have en overskriftslinje og mindst én linje."])
    header = [rens(str(c)).strip().lower() for c in overskrift[1]]
    while header and header[-1] == "":
        header.pop()
    manglende = [k for k in kolonner if k not in header]
    if manglende:
        forventet = ";".join(kolonner)
        raise ImportFejl(
            [linjefejl(1, k, f"Kolonnen mangler i overskriftslinjen. Forventet: {forventet}") for k in manglende]
        )
    ukendte = [k for k in header if k and k not in kolonner + valgfrie]
    if ukendte:
        raise ImportFejl([linjefejl(1, k, "Ukendt kolonne.") for k in ukendte])
    dubletter = sorted({k for k in header if k and header.count(k) > 1})
    if dubletter:
        raise ImportFejl([linjefejl(1, k, "Kolonnen står mere end én gang.") for k in dubletter])
    return {k: header.index(k) for k in header if k}


def _linjer(
    raekker: Iterator[tuple[int, Sequence[Celle]]], pos: dict[str, int], fejl: list[str]
) -> Iterator[tuple[int, dict[str, Celle]]]:
    """The lines under the header as {column: cell}, blank lines skipped; stops at the MAKS_FEJL'th problem."""
    bredde = max(pos.values()) + 1
    while len(fejl) < MAKS_FEJL and (naeste := next(raekker, None)) is not None:
        linjenr, celler = naeste
        if blank(celler):
            continue
        if len(celler) > bredde and any(not tom(c) for c in celler[bredde:]):
            fejl.append(linjefejl(linjenr, None, f"Linjen har flere felter end overskriften ({bredde})."))
            continue
        linje: dict[str, Celle] = {}
        for kolonne, i in pos.items():
            celle = celler[i] if i < len(celler) else ""
            if isinstance(celle, str) and (besked := styretegn_fejl(celle)):
                fejl.append(linjefejl(linjenr, kolonne, besked))
                celle = rens(celle)
            linje[kolonne] = celle
        yield linjenr, linje


def _konto(celle: Celle, linjenr: int, fejl: list[str]) -> str:
    """A konto key as text; a spreadsheet may hold a numeric key such as 652820101 as a number."""
    if isinstance(celle, Decimal):
        konto = str(int(celle)) if celle == celle.to_integral_value() else str(celle)
    else:
        konto = celle.strip()
    if not konto:
        fejl.append(linjefejl(linjenr, "konto", "Kontoen mangler."))
    elif len(konto) > KONTO_LAENGDE:
        fejl.append(linjefejl(linjenr, "konto", f"Kontoen er længere end {KONTO_LAENGDE} tegn."))
    return konto


def laes_kontoplan(data: bytes, filnavn: str, kommune: Kommune | None = None) -> list[Kontolinje]:
    """Read and check a kontoplan file: `konto;ramme;placering`, optional `aktivitet`. Ramme numbers must have the
    form of `kommune`'s settings (without: the defaults, Ballerup's NN.NN)."""
    with closing(laes_raekker(data, filnavn, KONTOPLAN_GRAENSE)) as raekker:
        pos = _overskrift(raekker, ["konto", "ramme", "placering"], ["aktivitet"])
        kommune = kommune or Kommune()
        fejl: list[str] = []
        linjer: list[Kontolinje] = []
        set_konti: dict[str, int] = {}
        for linjenr, celle in _linjer(raekker, pos, fejl):
            konto = _konto(celle["konto"], linjenr, fejl)
            ramme_raw = celle["ramme"]
            ramme = kode_fra_celle(ramme_raw, kommune.rammenummer_form)
            if nummerfejl := kommune.rammenummer_fejl(ramme):
                fejl.append(linjefejl(linjenr, "ramme", nummerfejl))
            placering = str(celle["placering"]).strip().lower()
            if placering not in (Rammedel.INDEN, Rammedel.UDEN):
                fejl.append(linjefejl(linjenr, "placering", f"»{celle['placering']}« er hverken »inden« eller »uden«."))
            aktivitet = str(celle.get("aktivitet", "")).strip()
            if konto in set_konti:
                fejl.append(linjefejl(linjenr, "konto", f"Kontoen »{konto}« står også i linje {set_konti[konto]}."))
            elif konto:
                set_konti[konto] = linjenr
            linjer.append(Kontolinje(linjenr, konto, ramme, placering, aktivitet))
    del fejl[MAKS_FEJL:]
    if not linjer and not fejl:
        fejl.append(linjefejl(2, None, "Filen har ingen konti under overskriften."))
    if fejl:
        raise ImportFejl(fejl)
    return linjer


MAANEDER = {str(m): m for m in range(1, 13)} | {f"{m:02d}": m for m in range(1, 10)}
# A month's place in a konto's row of 12, by its number or its text in a file.
MAANEDSINDEKS: dict[int | str, int] = {m: m - 1 for m in range(1, 13)} | {t: m - 1 for t, m in MAANEDER.items()}


def _maaned(celle: Celle, linjenr: int, fejl: list[str]) -> int:
    tekst = str(celle).strip()
    if isinstance(celle, Decimal) and celle == celle.to_integral_value():
        tekst = str(int(celle))
    if tekst not in MAANEDER:
        fejl.append(linjefejl(linjenr, "maaned", f"»{celle}« er ikke en måned. Skriv månedens nummer, 1 til 12."))
        return 0
    return MAANEDER[tekst]


Maanedsbeloeb = Decimal | str | None


@dataclass
class Forbrugsdata:
    """A checked forbrug file: its lines as columns, one entry per line (to name a konto's lines and total), the
    months it holds, and what the import writes: each konto's 12 months (None for a month the file has no line for).
    Amounts are Decimals, or (from the whole-file path) their exact text in machine notation, as the database takes
    them."""

    linjenr: Sequence[int]
    konto: list[str]
    beloeb: Sequence[Decimal | str]
    maaneder: list[int]
    pr_konto: Mapping[str, Sequence[Maanedsbeloeb]]

    def __len__(self) -> int:
        return len(self.konto)


def _pr_konto(
    konti: list[str], maaneder: Sequence[int | str], beloeb: Sequence[Decimal | str]
) -> dict[str, list[Maanedsbeloeb]]:
    """The lines as a row of 12 months per konto (a konto and month twice keeps the last; see `_celler`). A month is
    its number or its text in the file ("3", "03")."""
    indeks = MAANEDSINDEKS
    pr_konto: dict[str, list[Maanedsbeloeb]] = {}
    for konto, maaned, b in zip(konti, maaneder, beloeb, strict=True):
        raekke = pr_konto.get(konto)
        if raekke is None:
            raekke = pr_konto[konto] = [None] * 12
        raekke[indeks[maaned]] = b
    return pr_konto


def _celler(pr_konto: Mapping[str, Sequence[Maanedsbeloeb]]) -> int:
    """How many konto-months the rows hold: fewer than the file's lines when a konto has a month twice."""
    return sum(12 - raekke.count(None) for raekke in pr_konto.values())


# An amount that reads as -0, in machine notation.
_MINUS_NUL = re.compile(r"^-[0.]*$", re.MULTILINE)
# The bytes a plain ASCII file's lines consist of: printable ASCII and the line break, no quote (CSV quoting) and no
# tab, carriage return or other control character.
_PLAIN_ASCII = (bytes(range(0x20, 0x7F)) + b"\n").replace(b'"', b"")
# Every byte but the separators: deleted, they leave a file's skeleton, ";;\n" for each line of three fields.
_IKKE_SEPARATORER = bytes(b for b in range(256) if b not in b";\n")
def _hele_filen(data: bytes) -> Forbrugsdata | None:
    """The common case, checked column by column instead of line by line: a CSV file (UTF-8, `konto;maaned;beloeb` in
    that order) of plain lines (no quotes, tabs or control characters; a konto without spaces at its ends; a month
    1-12; a plain amount), with no konto and month twice. Each check is one pass over the file or a column in C
    (a translation, a set, a comparison), so 100.000 lines cost little more than reading them. None for any other
    file, which the line-by-line path then reads, naming every problem."""
    try:
        tekst = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    hoved, _, krop = tekst.replace("\r\n", "\n").partition("\n")
    if hoved.strip().lower() != "konto;maaned;beloeb" or not krop:
        return None
    if krop.endswith("\n"):
        krop = krop[:-1]
    som_bytes = krop.encode("utf-8")
    if krop.isascii():
        if som_bytes.translate(None, _PLAIN_ASCII):
            return None  # a quote, tab or control character
    elif any(tegn in krop for tegn in ('"', "\r", "\t")) or UGYLDIGE_TEGN.search(krop):
        return None
    antal = krop.count("\n") + 1
    # Every line has exactly three fields (no blank line); ";" and "\n" are never part of a longer UTF-8 sequence.
    skelet = b";;\n" * (antal - 1) + b";;"
    if antal > FORBRUG_GRAENSE.maks_raekker or som_bytes.translate(None, _IKKE_SEPARATORER) != skelet:
        return None
    felter = krop.replace(";", "\n").split("\n")
    konti, maaneder_tekst, beloeb_tekst = felter[0::3], felter[1::3], felter[2::3]
    filens_maaneder = set(maaneder_tekst)
    if not filens_maaneder <= MAANEDER.keys():
        return None
    # A konto is neither empty nor has a space at its ends (the first field of a line: after a line break).
    if krop.startswith((";", " ")) or "\n;" in krop or "\n " in krop or " ;" in krop:
        return None
    if max(map(len, konti)) > KONTO_LAENGDE or (not krop.isascii() and list(map(str.strip, konti)) != konti):
        return None
    beloeb_liste = plain_kolonne(beloeb_tekst)
    if beloeb_liste is None or _MINUS_NUL.search("\n".join(beloeb_liste)):
        return None  # not plain, or -0, which parse_dansk makes 0
    pr_konto = _pr_konto(konti, maaneder_tekst, beloeb_liste)
    if _celler(pr_konto) != antal:
        return None  # a konto and month twice
    return Forbrugsdata(
        linjenr=range(2, antal + 2),
        konto=konti,
        beloeb=beloeb_liste,
        maaneder=sorted({MAANEDER[m] for m in filens_maaneder}),
        pr_konto=pr_konto,
    )


def laes_forbrug(data: bytes, filnavn: str) -> Forbrugsdata:
    """Read and check a forbrug file: `konto;maaned;beloeb`, one line per konto and month.

    A plain CSV file is checked whole in one pass (`_hele_filen`); any other is read a line at a time, below.
    """
    if not filnavn.lower().endswith(".xlsx") and len(data) <= MAKS_BYTES and (hurtigt := _hele_filen(data)):
        return hurtigt
    linjer = _laes_forbrug_linjer(data, filnavn)
    konti = [linje.konto for linje in linjer]
    maaneder = [linje.maaned for linje in linjer]
    beloeb = [linje.beloeb for linje in linjer]
    return Forbrugsdata(
        linjenr=[linje.linjenr for linje in linjer],
        konto=konti,
        beloeb=beloeb,
        maaneder=sorted(set(maaneder)),
        pr_konto=_pr_konto(konti, maaneder, beloeb),
    )


def _laes_forbrug_linjer(data: bytes, filnavn: str) -> list[Forbrugslinje]:
    """Read and check a forbrug file a line at a time.

    A year's file holds some 100.000 lines, so the plain line (three text cells, a known month, a plain amount, no
    control character) is read by a short path; any other line takes the full checks, which name each problem.
    """
    with closing(laes_raekker(data, filnavn, FORBRUG_GRAENSE)) as raekker:
        pos = _overskrift(raekker, ["konto", "maaned", "beloeb"], [])
        i_konto, i_maaned, i_beloeb = pos["konto"], pos["maaned"], pos["beloeb"]
        bredde = max(pos.values()) + 1
        fejl: list[str] = []
        linjer: list[Forbrugslinje] = []
        set_par: dict[tuple[str, int], int] = {}
        for linjenr, celler in raekker:
            if len(celler) == bredde:
                try:
                    tekst = "".join(celler)  # type: ignore[arg-type]
                except TypeError:
                    tekst = None  # a spreadsheet number: the full checks below
                if tekst is not None and tekst.isprintable():
                    konto = celler[i_konto].strip()  # type: ignore[union-attr]
                    maaned = MAANEDER.get(celler[i_maaned])  # type: ignore[arg-type]
                    if konto and len(konto) <= KONTO_LAENGDE and maaned and (konto, maaned) not in set_par:
                        beloeb = beloebscelle(celler[i_beloeb], linjenr, "beloeb", fejl)
                        set_par[(konto, maaned)] = linjenr
                        linjer.append(Forbrugslinje(linjenr, konto, maaned, beloeb))
                        if len(fejl) >= MAKS_FEJL:
                            break
                        continue
            for linjenr_, celle in _linjer(iter([(linjenr, celler)]), pos, fejl):
                konto = _konto(celle["konto"], linjenr_, fejl)
                maaned = _maaned(celle["maaned"], linjenr_, fejl)
                beloeb = beloebscelle(celle["beloeb"], linjenr_, "beloeb", fejl)
                if konto and maaned:
                    tidligere = set_par.setdefault((konto, maaned), linjenr_)
                    if tidligere != linjenr_:
                        besked = f"Konto »{konto}« har måned {maaned} også i linje {tidligere}."
                        fejl.append(linjefejl(linjenr_, "maaned", besked))
                linjer.append(Forbrugslinje(linjenr_, konto, maaned, beloeb))
            if len(fejl) >= MAKS_FEJL:
                break
    del fejl[MAKS_FEJL:]
    if not linjer and not fejl:
        fejl.append(linjefejl(2, None, "Filen har ingen linjer med forbrug under overskriften."))
    if fejl:
        raise ImportFejl(fejl)
    return linjer
