"""What the round's pages show, built once for the screen, the Bilag and the exports.

The page, its PDF and its workbook all take their tables, summary and explanations from these functions, so screen
and paper cannot disagree.
"""

import functools
from collections.abc import Callable, Iterable

from budgetopfolgning import selectors
from budgetopfolgning.models import Opfoelgning
from budgetopfolgning.tables import OpfoelgningsTabel
from kerne.models import Kommune
from rammer.models import Rammedel, Udvalg


def _tabelkontekst(
    opfoelgning: Opfoelgning, tabeller: list[selectors.Tabel], *, rammer: bool, navn: str = ""
) -> list[dict]:
    result = []
    for tabel in tabeller:
        del_tekst = "Inden for servicerammen" if tabel.inden else "Uden for servicerammen"
        caption = f"Tabel {tabel.nummer}. {del_tekst} – resultatet af {opfoelgning.runde_navn_uden_aar}"
        caption += f" af driftsbudgettet{navn} (1.000 kr.)"
        result.append(
            {
                "tabel": tabel,
                "table": OpfoelgningsTabel(
                    tabel, opfoelgning=opfoelgning, rammer=rammer, udvikling=True, caption=caption
                ),
            }
        )
    return result


def bilag_titel(opfoelgning: Opfoelgning, kommune: Kommune | None = None) -> str:
    """The title by the kommune's pattern; by default "Tabeloversigter for første budgetopfølgning 2024 for …"."""
    kommune = kommune or Kommune.hent()
    return kommune.bilagstitel.format(
        runde=opfoelgning.runde_navn, kommune=kommune.visningsnavn, aar=opfoelgning.aar.aar
    )


def fortegn() -> dict:
    """The sign legends in the kommune's wording (its settings; Ballerup's by default)."""
    kommune = Kommune.hent()
    return {"fortegn_korrektioner": kommune.fortegn_korrektioner, "fortegn_afvigelse": kommune.fortegn_afvigelse}


def opfoelgning_kontekst(opfoelgning: Opfoelgning, alle: list[selectors.Linje] | None = None) -> dict:
    """Everything the round page and its Bilag show; one function, so screen and paper agree.

    `alle` is the round's lines when the caller has them already (the page takes them from the cache).
    """
    if alle is None:
        alle = selectors.linjer(opfoelgning)
    tabeller = selectors.udvalgstabeller(opfoelgning, alle)
    return {
        "opfoelgning": opfoelgning,
        "linjer": alle,
        "tabeller": _tabelkontekst(opfoelgning, tabeller, rammer=False),
        "opsummering": selectors.opsummering(opfoelgning, tabeller[0]),
        "bilagstitel": bilag_titel(opfoelgning),
        "forklaringer": {
            Rammedel.INDEN: selectors.forklaringer(alle, Rammedel.INDEN),
            Rammedel.UDEN: selectors.forklaringer(alle, Rammedel.UDEN),
        },
        **fortegn(),
    }


def udvalg_kontekst(
    opfoelgning: Opfoelgning, udvalg: Udvalg, alle: list[selectors.Linje] | None = None
) -> dict:
    """The udvalg's drill-down; `alle`, when given, is the whole round's lines (in ramme order), of which the
    udvalg's are taken."""
    if alle is None:
        alle = selectors.linjer(opfoelgning, udvalg=udvalg)
    else:
        alle = [linje for linje in alle if linje.ramme.udvalg_id == udvalg.pk]
    tabeller = selectors.rammetabeller(opfoelgning, alle)
    return {
        "opfoelgning": opfoelgning,
        "udvalg": udvalg,
        "linjer": alle,
        "tabeller": _tabelkontekst(opfoelgning, tabeller, rammer=True, navn=f", {udvalg.navn}"),
        "forklaringer": {
            Rammedel.INDEN: selectors.forklaringer(alle, Rammedel.INDEN),
            Rammedel.UDEN: selectors.forklaringer(alle, Rammedel.UDEN),
        },
        **fortegn(),
    }


def udskudt(beregn: Callable[[], dict], navne: Iterable[str]) -> dict:
    """Context entries computed on first use, all by one call of `beregn`: a page whose tables come from the cache
    (`{% cache %}` keyed on mellemlager.noegle) never builds them. Templates call a callable they are given."""
    husk = functools.cache(beregn)
    return {navn: functools.partial(lambda navn: husk()[navn], navn) for navn in navne}
