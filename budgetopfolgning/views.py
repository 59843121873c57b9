from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from budgetopfolgning import selectors
from budgetopfolgning.models import Opfoelgning
from budgetopfolgning.tables import OpfoelgningsTabel
from rammer.models import Bevillingsramme, Rammedel, Udvalg

FORTEGN_KORREKTIONER = ("+ = bevillingsrammen opskrives med beløbet", "- = bevillingsrammen nedskrives med beløbet")
FORTEGN_AFVIGELSE = ("+ = merforbrug", "- = mindreforbrug")


def hent_opfoelgning(request: HttpRequest, aar: int, nr: int) -> Opfoelgning:
    """The one lookup of a round: 404 when it does not exist or the user may not see it."""
    qs = Opfoelgning.objects.select_related("aar").for_user(request.user)
    return get_object_or_404(qs, aar__aar=aar, nummer=nr)


def forside(request: HttpRequest) -> HttpResponse:
    runder = Opfoelgning.objects.select_related("aar").for_user(request.user).order_by("-aar__aar", "nummer")
    aar = {}
    for runde in runder:
        aar.setdefault(runde.aar.aar, []).append(runde)
    return render(request, "budgetopfolgning/forside.html", {"aar": aar})


def _tabelkontekst(opfoelgning: Opfoelgning, tabeller, *, rammer: bool, navn: str = "") -> list[dict]:
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
        "tabeller": _tabelkontekst(opfoelgning, tabeller, rammer=False),
        "opsummering": selectors.opsummering(opfoelgning, tabeller[0]),
        "forklaringer": {
            Rammedel.INDEN: selectors.forklaringer(alle, Rammedel.INDEN),
            Rammedel.UDEN: selectors.forklaringer(alle, Rammedel.UDEN),
        },
        "fortegn_korrektioner": FORTEGN_KORREKTIONER,
        "fortegn_afvigelse": FORTEGN_AFVIGELSE,
    }


def opfoelgning(request: HttpRequest, aar: int, nr: int) -> HttpResponse:
    runde = hent_opfoelgning(request, aar, nr)
    return render(request, "budgetopfolgning/opfoelgning.html", opfoelgning_kontekst(runde))


def udvalg_kontekst(opfoelgning: Opfoelgning, udvalg: Udvalg) -> dict:
    alle = selectors.linjer(opfoelgning, udvalg=udvalg)
    tabeller = selectors.rammetabeller(opfoelgning, alle)
    return {
        "opfoelgning": opfoelgning,
        "udvalg": udvalg,
        "tabeller": _tabelkontekst(opfoelgning, tabeller, rammer=True, navn=f", {udvalg.navn}"),
        "forklaringer": {
            Rammedel.INDEN: selectors.forklaringer(alle, Rammedel.INDEN),
            Rammedel.UDEN: selectors.forklaringer(alle, Rammedel.UDEN),
        },
        "fortegn_korrektioner": FORTEGN_KORREKTIONER,
        "fortegn_afvigelse": FORTEGN_AFVIGELSE,
    }


def udvalg(request: HttpRequest, aar: int, nr: int, kode: str) -> HttpResponse:
    runde = hent_opfoelgning(request, aar, nr)
    valgt = get_object_or_404(Udvalg, aar=runde.aar, kode=kode)
    return render(request, "budgetopfolgning/udvalg.html", udvalg_kontekst(runde, valgt))


def ramme(request: HttpRequest, aar: int, nr: int, ramme_nr: str) -> HttpResponse:
    runde = hent_opfoelgning(request, aar, nr)
    valgt = get_object_or_404(Bevillingsramme.objects.select_related("udvalg"), aar=runde.aar, nummer=ramme_nr)
    linjer = selectors.linjer(runde, ramme=valgt)
    total = selectors.Tal(forventet_forrige=None if runde.nummer == 1 else selectors.NUL)
    for linje in linjer:
        total = total + linje.tal
    return render(
        request,
        "budgetopfolgning/ramme.html",
        {
            "opfoelgning": runde,
            "ramme": valgt,
            "linjer": linjer,
            "total": total,
            "andre_runder": Opfoelgning.objects.for_user(request.user).filter(aar=runde.aar).exclude(pk=runde.pk),
            "fortegn_korrektioner": FORTEGN_KORREKTIONER,
            "fortegn_afvigelse": FORTEGN_AFVIGELSE,
        },
    )



