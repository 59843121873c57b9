"""Reading and checking a budget file (CSV or XLSX) before anything is written.

The whole file is read and checked first and every problem collected with its line and column, so a file is
refused as a whole with all its errors at once. The reading itself (streaming, limits) is `kerne.indlaesning`.
"""

import csv
import re
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from decimal import Decimal

from kerne.beloeb import OERE, plain_kolonne
from kerne.indlaesning import MAKS_FEJL, ImportFejl, Linjegraense, beloebscelle, laes_raekker, linjefejl
from kerne.massevis import uden_cyklisk_gc
from kerne.models import Kommune
from kerne.nummerering import KODE_BESKRIVELSE, KODE_REGEX, kode_fra_celle
from kerne.tekst import UGYLDIGE_TEGN, rens, styretegn_fejl
from rammer.models import Rammedel

__all__ = ["MAKS_FEJL", "ImportFejl", "Importlinje", "laes_budgetfil", "linjefejl"]

KOLONNER = [
    "udvalg",
    "ramme",
    "ramme_navn",
    "serviceramme",
    "oprindeligt_budget",
    "korrektioner",
    "forventet_forbrug",
]
VALGFRIE_KOLONNER = ["udvalg_kode", "forklaring", "overfoert_fra_sidste_aar"]
BELOEBSKOLONNER = ["oprindeligt_budget", "korrektioner", "forventet_forbrug"]
# A year has at most 20.000 ramme parts (10.000 numbers, inden and uden), so no real budget file has more lines than
# MAKS_RAEKKER; unpacked, 25.000 lines with long explanations are about 25 MB.
MAKS_RAEKKER = 25_000
GRAENSE = Linjegraense(MAKS_RAEKKER, ", og et budgetår har højst omkring 20.000")
UDVALGSKODE = re.compile(KODE_REGEX)
TEKSTLAENGDER = {"udvalg": 200, "ramme_navn": 200, "udvalg_kode": 20}
# A plain CSV file up to this size is checked whole, column by column (`_hele_filen`); a 20.000-line file is about
# 3 MB. A larger one is streamed a line at a time, so memory stays bounded.
HELE_FILEN_MAKS_BYTES = 20_000_000


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
    # Optional column: None where the file has no such column (the year's stored figure is then left alone).
    overfoert_fra_sidste_aar: Decimal | None = None


def laes_budgetfil(data: bytes, filnavn: str, kommune: Kommune | None = None) -> list[Importlinje]:
    """Read and check a budget file (CSV or XLSX). Raises ImportFejl with every problem found, up to MAKS_FEJL.

    The file is read a line at a time and reading stops at the MAKS_FEJL'th problem, so a large file of errors
    costs no more than its first lines. Ramme numbers must have the form of `kommune`'s settings (the writer passes
    the stored ones; without, the defaults, Ballerup's NN.NN), so the reader itself needs no database.
    """
    kommune = kommune or Kommune()
    if not filnavn.lower().endswith(".xlsx") and len(data) <= HELE_FILEN_MAKS_BYTES:
        with uden_cyklisk_gc():
            hurtigt = _hele_filen(data, kommune)
        if hurtigt is not None:
            return hurtigt
    with closing(laes_raekker(data, filnavn, GRAENSE)) as raekker:
        return _tjek_linjer(raekker, kommune)


def _kolonner(overskrift: Sequence[str | Decimal]) -> dict[str, int]:
    """Each column's place in the header line; raises ImportFejl for a header that is not a budget file's."""
    # The header is only matched, never stored: an invisible character in it is dropped rather than refused.
    header = [rens(str(c)).strip().lower() for c in overskrift]
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
    return {k: header.index(k) for k in header if k}


def _tjek_linjer(raekker: Iterator[tuple[int, Sequence[str | Decimal]]], kommune: Kommune) -> list[Importlinje]:
    """Check the header and then each line as it is read; no line is read after the MAKS_FEJL'th problem."""
    overskrift = next(raekker, None)
    if overskrift is None or all(str(c).strip() == "" for c in overskrift[1]):
        raise ImportFejl(["Linje 1: Filen er tom; den skal have en overskriftslinje og mindst én linje med tal."])
    header = overskrift[1]
    pos = _kolonner(header)

    fejl: list[str] = []
    linjer: list[Importlinje] = []
    set_dele: dict[tuple[str, str], int] = {}
    ramme_udvalg: dict[str, tuple[str, int]] = {}
    nummerfejl_for: dict[str, str] = {}
    while len(fejl) < MAKS_FEJL and (naeste := next(raekker, None)) is not None:
        index, celler = naeste
        try:
            hele = "".join(celler)  # type: ignore[arg-type]
        except TypeError:
            hele = None  # a spreadsheet number among the cells: checked cell by cell
        if (not hele.strip()) if hele is not None else all(str(c).strip() == "" for c in celler):
            continue  # blank lines at the end of a sheet are harmless
        if len(celler) > len(header) and any(str(c).strip() for c in celler[len(header) :]):
            fejl.append(linjefejl(index, None, f"Linjen har {len(celler)} felter, men overskriften har {len(header)}."))
            continue
        row = list(celler)
        # A control character anywhere on the line is looked for once; only then cell by cell, to name the column.
        if hele is None or styretegn_fejl(hele):
            for kolonne, i in pos.items():
                if i < len(row) and isinstance(tekst := row[i], str) and (besked := styretegn_fejl(tekst)):
                    fejl.append(linjefejl(index, kolonne, besked))
                    # The other checks see the text without it, so no message prints it to the terminal.
                    row[i] = rens(tekst)

        # Every column's cell, read once; a column the header lacks (an optional one) or the line is short of is "".
        celler_ = {k: (row[i] if i < len(row) else "") for k, i in pos.items()}
        celle = celler_.get

        udvalg = str(celle("udvalg", "")).strip()
        if not udvalg:
            fejl.append(linjefejl(index, "udvalg", "Udvalgets navn mangler."))
        ramme_raw = celle("ramme", "")
        ramme = kode_fra_celle(ramme_raw, kommune.rammenummer_form)
        nummerfejl = nummerfejl_for.get(ramme)
        if nummerfejl is None:
            nummerfejl = nummerfejl_for[ramme] = kommune.rammenummer_fejl(ramme)  # a ramme has two lines
        if nummerfejl:
            fejl.append(linjefejl(index, "ramme", nummerfejl))
        navn = str(celle("ramme_navn", "")).strip()
        if not navn:
            fejl.append(linjefejl(index, "ramme_navn", "Rammens navn mangler."))
        for kolonne, maks in TEKSTLAENGDER.items():
            if len(str(celle(kolonne, "")).strip()) > maks:
                fejl.append(linjefejl(index, kolonne, f"Teksten er længere end {maks} tegn."))
        kode = str(celle("udvalg_kode", "")).strip()
        if kode and not UDVALGSKODE.match(kode):
            fejl.append(linjefejl(index, "udvalg_kode", f"»{kode}« er ikke en forkortelse: {KODE_BESKRIVELSE}"))
        placering = str(celle("serviceramme", "")).strip().lower()
        if placering not in (Rammedel.INDEN, Rammedel.UDEN):
            vist = celle("serviceramme", "")
            fejl.append(linjefejl(index, "serviceramme", f"»{vist}« er hverken »inden« eller »uden«."))
        beloeb = {k: beloebscelle(celle(k, ""), index, k, fejl) for k in BELOEBSKOLONNER}
        overfoert = None
        if "overfoert_fra_sidste_aar" in pos:
            overfoert = beloebscelle(celle("overfoert_fra_sidste_aar", ""), index, "overfoert_fra_sidste_aar", fejl)

        if not nummerfejl and placering in (Rammedel.INDEN, Rammedel.UDEN):
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
        if not nummerfejl and udvalg:
            tidligere = ramme_udvalg.setdefault(ramme, (udvalg, index))
            if tidligere[0] != udvalg:
                fejl.append(
                    linjefejl(index, "udvalg", f"Ramme {ramme} hører til »{tidligere[0]}« i linje {tidligere[1]}.")
                )
        linjer.append(
            Importlinje(
                linjenr=index,
                udvalg=udvalg,
                udvalg_kode=str(celle("udvalg_kode", "")).strip(),
                ramme=ramme,
                ramme_navn=navn,
                placering=placering,
                forklaring=str(celle("forklaring", "")).strip(),
                overfoert_fra_sidste_aar=overfoert,
                **beloeb,
            )
        )
    del fejl[MAKS_FEJL:]
    if not linjer and not fejl:
        fejl.append(linjefejl(2, None, "Filen har ingen linjer med tal under overskriften."))
    if fejl:
        raise ImportFejl(fejl)
    return linjer


def _beloebskolonne(celler: Sequence[str]) -> list[Decimal] | None:
    """A column of plain amounts as the Decimals `parse_dansk_fil` gives (two decimals, -0 made 0), or None if any
    cell is not plain."""
    maskine = plain_kolonne(celler)
    if maskine is None:
        return None
    return [tal if tal else abs(tal) for tal in (Decimal(t).quantize(OERE) for t in maskine)]


def _hele_filen(data: bytes, kommune: Kommune) -> list[Importlinje] | None:
    """The lines of a plain CSV budget file, checked column by column: the same lines `_tjek_linjer` gives, in a
    fraction of the time, for a file without a single problem or oddity (no quotes, blank lines, short lines,
    control characters or amounts that are not plain). Any other file gives None, and is read line by line, which
    names each problem; so this path reports nothing itself."""
    try:
        tekst = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    tekst = tekst.removeprefix("\ufeff").replace("\r\n", "\n")
    if '"' in tekst or "\r" in tekst or UGYLDIGE_TEGN.search(tekst) or tekst.count("\n") > MAKS_RAEKKER + 1:
        return None
    linjer = tekst.split("\n")
    if linjer[-1] == "":
        linjer.pop()
    if not 2 <= len(linjer) <= MAKS_RAEKKER + 1:
        return None
    # The csv module refuses a field longer than its limit, naming the line; no field is longer than its line.
    if max(map(len, linjer)) > csv.field_size_limit():
        return None
    overskrift = linjer[0].split(";")
    try:
        pos = _kolonner(overskrift)
    except ImportFejl:
        return None
    raekker = [linje.split(";") for linje in linjer[1:]]
    if any(len(r) != len(overskrift) for r in raekker):
        return None
    kolonner = list(zip(*raekker, strict=True))

    def tekster(kolonne: str, maks: int | None = None, skal_udfyldes: bool = True) -> tuple[str, ...] | None:
        """The column's cells stripped, or None if one is empty (where it must not be) or too long."""
        if kolonne not in pos:
            return ("",) * len(raekker)
        celler = kolonner[pos[kolonne]]
        strippet = {c: c.strip() for c in set(celler)}
        if any((maks and len(t) > maks) or (skal_udfyldes and not t) for t in strippet.values()):
            return None
        return tuple(map(strippet.__getitem__, celler))

    udvalg = tekster("udvalg", TEKSTLAENGDER["udvalg"])
    navne = tekster("ramme_navn", TEKSTLAENGDER["ramme_navn"])
    koder = tekster("udvalg_kode", TEKSTLAENGDER["udvalg_kode"], skal_udfyldes=False)
    rammer = tekster("ramme")
    placeringer = tekster("serviceramme")
    forklaringer = tekster("forklaring", skal_udfyldes=False)
    if udvalg is None or navne is None or koder is None or rammer is None or placeringer is None:
        return None
    if forklaringer is None:
        return None
    if any(k and not UDVALGSKODE.match(k) for k in set(koder)):
        return None
    if any(kommune.rammenummer_fejl(r) for r in set(rammer)):
        return None
    placeringer = tuple(p.lower() for p in placeringer)
    if not set(placeringer) <= {Rammedel.INDEN, Rammedel.UDEN}:
        return None
    if len(set(zip(rammer, placeringer, strict=True))) != len(raekker):
        return None  # a ramme part twice
    if len(set(zip(rammer, udvalg, strict=True))) != len(set(rammer)):
        return None  # a ramme under two udvalg
    beloeb = {k: _beloebskolonne(kolonner[pos[k]]) for k in BELOEBSKOLONNER}
    overfoert: Sequence[Decimal | None] = [None] * len(raekker)
    if "overfoert_fra_sidste_aar" in pos:
        overfoert_ = _beloebskolonne(kolonner[pos["overfoert_fra_sidste_aar"]])
        if overfoert_ is None:
            return None
        overfoert = overfoert_
    budget, korrektioner, forventet = beloeb["oprindeligt_budget"], beloeb["korrektioner"], beloeb["forventet_forbrug"]
    if budget is None or korrektioner is None or forventet is None:
        return None
    return [
        Importlinje(
            linjenr=i + 2,
            udvalg=udvalg[i],
            udvalg_kode=koder[i],
            ramme=rammer[i],
            ramme_navn=navne[i],
            placering=placeringer[i],
            oprindeligt_budget=budget[i],
            korrektioner=korrektioner[i],
            forventet_forbrug=forventet[i],
            forklaring=forklaringer[i],
            overfoert_fra_sidste_aar=overfoert[i],
        )
        for i in range(len(raekker))
    ]
