"""What the round's pages show, built once for the screen, the Bilag and the exports.

The page, its PDF and its workbook all take their tables, summary and explanations from these functions, so screen
and paper cannot disagree.
"""

from budgetopfolgning import selectors
from budgetopfolgning.models import Opfoelgning
from budgetopfolgning.tables import OpfoelgningsTabel
from kerne.fortegn import FORTEGN_AFVIGELSE, FORTEGN_KORREKTIONER
from rammer.models import Rammedel, Udvalg


def _tabelkontekst(
    opfoelgning: Opfoelgning, tabeller: list[selectors.Tabel], *, rammer: bool, navn: str = ""
) -> list[dict]:
    result = []
    for tabel in tabeller:
        del_tekst = "Inden for servicerammen" if tabel.inden else "Uden for servicerammen"
        caption = f"Tabel {tabel.nummer}. {del_tekst} – resultatet af {opfoelgning.ordenstal} budgetopfølgning"
        caption += f" af driftsbudgettet{navn}"
        result.append(
            {
                "tabel": tabel,
                "table": OpfoelgningsTabel(
                    tabel, opfoelgning=opfoelgning, rammer=rammer, udvikling=True, caption=caption
                ),
            }
        )
    return result


def opfoelgning_kontekst(opfoelgning: Opfoelgning) -> dict:
    """Everything the round page and its Bilag show; one function, so screen and paper agree."""
    alle = selectors.linjer(opfoelgning)
    tabeller = selectors.udvalgstabeller(opfoelgning, alle)
    return {
        "opfoelgning": opfoelgning,
        "linjer": alle,
        "tabeller": _tabelkontekst(opfoelgning, tabeller, rammer=False),
        "opsummering": selectors.opsummering(opfoelgning, tabeller[0]),
        "forklaringer": {
            Rammedel.INDEN: selectors.forklaringer(alle, Rammedel.INDEN),
            Rammedel.UDEN: selectors.forklaringer(alle, Rammedel.UDEN),
        },
        "fortegn_korrektioner": FORTEGN_KORREKTIONER,
        "fortegn_afvigelse": FORTEGN_AFVIGELSE,
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
        "fortegn_korrektioner": FORTEGN_KORREKTIONER,
        "fortegn_afvigelse": FORTEGN_AFVIGELSE,
    }
