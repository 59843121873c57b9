"""A ramme's årsregnskab: the page and its edit form."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from kerne import versioner
from kerne.beloeb import NUL, redigerbart
from kerne.models import Kommune
from kerne.roller import AuthenticatedHttpRequest
from rammeindsigt import services
from rammeindsigt.forms import RegnskabForm, Regnskabspost
from rammeindsigt.selectors import regnskab as selectors
from rammeindsigt.views.opslag import hent_ramme, kan_redigere, svarstatus
from rammer.models import Aarsregnskab, Bevillingsramme, Regnskabslinje


@require_safe
def regnskab_side(request: HttpRequest, aar: int, ramme_nr: str) -> HttpResponse:
    valgt = hent_ramme(request, aar, ramme_nr)
    return render(
        request,
        "rammer/regnskab.html",
        {
            "ramme": valgt,
            "oversigt": selectors.regnskab(valgt),
            "kan_redigere": kan_redigere(request, valgt),
            "fortegn_resultat": Kommune.hent().fortegn_afvigelse,
        },
    )


def _regnskabsposter(ramme: Bevillingsramme) -> list[Regnskabspost]:
    """What the form edits: a line per activity, or one for the ramme when it has no activities."""
    aktiviteter = list(ramme.aktiviteter.all())
    if aktiviteter:
        return [Regnskabspost(noegle=f"a{a.pk}", navn=a.navn, aktivitet=a) for a in aktiviteter]
    return [Regnskabspost(noegle="ramme", navn=f"{ramme.nummer} {ramme.navn}")]


def _regnskab_initial(ramme: Bevillingsramme, poster: list[Regnskabspost]) -> dict:
    aarsregnskab = Aarsregnskab.objects.filter(ramme=ramme).first()
    if aarsregnskab is None:
        return {"version": versioner.version_af(None)}
    initial = {
        "version": aarsregnskab.version,
        "korrigeret_budget_pr": aarsregnskab.korrigeret_budget_pr,
        "forklaring": aarsregnskab.forklaring,
    }
    linjer = {linje.aktivitet_id: linje for linje in Regnskabslinje.objects.filter(aarsregnskab=aarsregnskab)}
    for post in poster:
        linje = linjer.get(post.aktivitet.pk if post.aktivitet else None)
        if linje is None:
            continue
        for felt in ("vedtaget_budget", "korrigeret_budget", "regnskab", "overfoert"):
            initial[f"{post.noegle}_{felt}"] = redigerbart(getattr(linje, felt))
        initial[f"{post.noegle}_forklaring"] = linje.forklaring
    return initial


@require_http_methods(["GET", "POST"])
def rediger_regnskab(request: AuthenticatedHttpRequest, aar: int, ramme_nr: str) -> HttpResponse:
    valgt = hent_ramme(request, aar, ramme_nr, rediger=True)
    poster = _regnskabsposter(valgt)
    konflikt = indsendt = None
    if request.method == "POST":
        form = RegnskabForm(request.POST, poster=poster, aar=aar)
        if form.is_valid():
            data = form.cleaned_data
            linjer = {}
            for post in poster:
                d = form.raekke_data(post.noegle)
                linjer[post.aktivitet] = services.Regnskabsindtastning(
                    vedtaget_budget=d["vedtaget_budget"],
                    korrigeret_budget=d["korrigeret_budget"],
                    regnskab=d["regnskab"],
                    overfoert=d["overfoert"] if d["overfoert"] is not None else NUL,
                    forklaring=d["forklaring"].strip(),
                )
            try:
                services.gem_regnskab(
                    ramme=valgt,
                    version=data["version"],
                    korrigeret_budget_pr=data["korrigeret_budget_pr"],
                    forklaring=data["forklaring"].strip(),
                    linjer=linjer,
                    bruger=request.user,
                )
            except versioner.Konflikt as exc:
                konflikt, indsendt = str(exc), versioner.indsendt([form])
                form = RegnskabForm(initial=_regnskab_initial(valgt, poster), poster=poster, aar=aar)
            else:
                messages.success(request, f"Årsregnskabet {aar} for {valgt.nummer} er gemt.")
                return redirect("rammer:regnskab", aar, valgt.nummer)
    else:
        form = RegnskabForm(initial=_regnskab_initial(valgt, poster), poster=poster, aar=aar)
    return render(
        request,
        "rammer/rediger_regnskab.html",
        {"ramme": valgt, "form": form, "konflikt": konflikt, "indsendt": indsendt},
        status=svarstatus(form, konflikt),
    )
