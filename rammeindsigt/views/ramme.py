"""The overview of rammer with in-depth data, and a ramme's own page across its year's rounds."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from kerne.models import Kommune
from rammeindsigt.selectors import ramme as selectors
from rammeindsigt.views.opslag import hent_ramme, kan_redigere
from rammer.models import Aarsregnskab, Ledelsesinformation


@require_safe
def oversigt_side(request: HttpRequest) -> HttpResponse:
    return render(request, "rammer/oversigt.html", {"aar": selectors.rammer_med_data()})


@require_safe
def ramme_side(request: HttpRequest, aar: int, ramme_nr: str) -> HttpResponse:
    valgt = hent_ramme(request, aar, ramme_nr)
    tekst, tekst_aar = selectors.beskrivelse(valgt)
    return render(
        request,
        "rammer/ramme.html",
        {
            "ramme": valgt,
            "beskrivelse": tekst,
            "beskrivelse_aar": tekst_aar,
            "aktiviteter": list(valgt.aktiviteter.all()),
            "opfoelgninger": selectors.opfoelgninger(request.user, valgt),
            "andre_aar": selectors.andre_aar(valgt),
            "har_regnskab": Aarsregnskab.objects.filter(ramme=valgt).exists(),
            "har_ledelsesinformation": Ledelsesinformation.objects.filter(ramme=valgt).exists(),
            "har_budgetmodel": valgt.ydelser.exists(),
            "kan_redigere": kan_redigere(request, valgt),
            "fortegn_afvigelse": Kommune.hent().fortegn_afvigelse,
        },
    )
