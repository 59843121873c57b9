"""What the round's pages show, built once for the screen, the Bilag and the exports.

The page, its PDF and its workbook all take their tables, summary and explanations from these functions, so screen
and paper cannot disagree.
"""

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


def opfoelgning_kontekst(opfoelgning: Opfoelgning) -> dict:
    """Everything the round page and its Bilag show; one function, so screen and paper agree."""
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


def udvalg_kontekst(opfoelgning: Opfoelgning, udvalg: Udvalg) -> dict:
    alle = selectors.linjer(opfoelgning, udvalg=udvalg)
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
