"""A ramme in depth: its page, årsregnskab, ledelsesinformation (with charts and PDF) and budget model.

Everyone logged in reads; Center for Økonomi and the ramme's own økonomikonsulenter edit (`rammer.rules`).
"""

import rules
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kerne import versioner
from kerne.beloeb import NUL, dansk_tal, mio_kr, redigerbart
from kerne.filer import content_disposition
from kerne.fortegn import FORTEGN_AFVIGELSE
from kerne.pdf import render_pdf
from kerne.roller import AuthenticatedHttpRequest
from rammeindsigt import charts, selectors, services
from rammeindsigt.forms import (
    BudgetmodelForm,
    EstimatForm,
    KategoriForm,
    MaanedsstatusForm,
    RegnskabForm,
    Regnskabspost,
    UnderretningerForm,
)
from rammer.models import Aarsregnskab, Bevillingsramme, Ledelsesinformation, Regnskabslinje

INGEN_ADGANG = "Du kan kun redigere tal for rammer, du er ansvarlig for."


# --- Lookups: one per model, each with its permission check ----------------------------------------------------------


def hent_ramme(request: HttpRequest, aar: int, ramme_nr: str, *, rediger: bool = False) -> Bevillingsramme:
    """A ramme by year and number: 404 if it does not exist; with `rediger`, 403 unless the user may edit its data
    (Center for Økonomi, or an økonomikonsulent assigned to it that year)."""
    ramme = get_object_or_404(
        Bevillingsramme.objects.select_related("aar", "udvalg"), aar__aar=aar, nummer=ramme_nr
    )
    if rediger and not rules.has_perm("rammer.rediger_rammedata", request.user, ramme):
        raise PermissionDenied(INGEN_ADGANG)
    return ramme


def hent_ledelsesinformation(
    request: HttpRequest, aar: int, ramme_nr: str, *, rediger: bool = False
) -> Ledelsesinformation:
    """The ramme's ledelsesinformation (404 if it has none), with the ramme's permission check."""
    ramme = hent_ramme(request, aar, ramme_nr, rediger=rediger)
    li = selectors.hent_li(ramme)
    if li is None:
        raise Http404("Rammen har ingen ledelsesinformation for året.")
    return li


def _kan_redigere(request: HttpRequest, ramme: Bevillingsramme) -> bool:
    return rules.has_perm("rammer.rediger_rammedata", request.user, ramme)


# --- Overview and the ramme ------------------------------------------------------------------------------------------


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
            "kan_redigere": _kan_redigere(request, valgt),
            "fortegn_afvigelse": FORTEGN_AFVIGELSE,
        },
    )


# --- Årsregnskab -----------------------------------------------------------------------------------------------------


@require_safe
def regnskab_side(request: HttpRequest, aar: int, ramme_nr: str) -> HttpResponse:
    valgt = hent_ramme(request, aar, ramme_nr)
    return render(
        request,
        "rammer/regnskab.html",
        {
            "ramme": valgt,
            "oversigt": selectors.regnskab(valgt),
            "kan_redigere": _kan_redigere(request, valgt),
            "fortegn_resultat": FORTEGN_AFVIGELSE,
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


def _status(form, konflikt: str | None) -> int:
    """409 for a conflict (the form then shows what is saved now), 400 for refused input, else 200."""
    if konflikt:
        return 409
    return 400 if form.is_bound and form.errors else 200


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
        status=_status(form, konflikt),
    )


# --- Ledelsesinformation ---------------------------------------------------------------------------------------------

GRAFER = {"maanedsstatus", "underretninger"}


def _graf_svg(li: Ledelsesinformation, graf: str) -> bytes:
    """The chart's SVG; the page links to it, the PDF embeds the same bytes."""
    if graf == "maanedsstatus":
        return charts.maanedsgraf(selectors.maanedspunkter(li), aar=li.ramme.aar.aar)
    pr_aar, _ = selectors.underretninger(li)
    return charts.soejlegraf(selectors.underretninger_til_graf(pr_aar), titel="Underretninger pr. år")


def _alt_maanedsstatus(li: Ledelsesinformation, punkter) -> str:
    if not punkter:
        return f"Linjediagram over forventet forbrug pr. måned i {li.ramme.aar.aar}. Der er endnu ingen punkter."
    dele = [
        f"{selectors.maanedsnavn(m)}: {mio_kr(forventet)} mio. kr. mod et budget på {mio_kr(budget)} mio. kr."
        for m, forventet, budget in punkter
    ]
    return (
        f"Linjediagram over forventet forbrug ultimo måned i {li.ramme.aar.aar} mod det korrigerede budget "
        f"(stiplet). " + " ".join(d[0].upper() + d[1:] for d in dele) + " Tallene står i tabellen under grafen."
    )


def _alt_underretninger(pr_aar) -> str:
    dele = []
    for r in pr_aar:
        periode = r.etiket
        if r.til_og_med:
            periode += f" (til og med {r.til_og_med.day}. {selectors.maanedsnavn(r.til_og_med.month)})"
        dele.append(f"{periode}: {dansk_tal(r.antal)}")
    return "Søjlediagram over antal underretninger pr. år. " + "; ".join(dele) + ". Tallene står også i tabellen."


def ledelsesinformation_kontekst(li: Ledelsesinformation) -> dict:
    """Everything the page and its PDF show: one function, so screen and paper show the same figures."""
    grupper, total = selectors.kategorigrupper(li)
    punkter = selectors.maanedspunkter(li)
    pr_aar, pr_maaned = selectors.underretninger(li)
    return {
        "li": li,
        "ramme": li.ramme,
        "grupper": grupper,
        "kategori_total": total,
        "estimat": selectors.estimattabel(li),
        "maanedsstatus": list(li.maanedsstatus.all()),
        "underretninger_aar": pr_aar,
        "underretninger_maaned": pr_maaned,
        "fokusomraader": list(li.fokusomraader.all()),
        "alt_maanedsstatus": _alt_maanedsstatus(li, punkter),
        "alt_underretninger": _alt_underretninger(pr_aar),
        "fortegn_afvigelse": FORTEGN_AFVIGELSE,
    }


@require_safe
def ledelsesinformation_side(request: HttpRequest, aar: int, ramme_nr: str) -> HttpResponse:
    li = hent_ledelsesinformation(request, aar, ramme_nr)
    kontekst = ledelsesinformation_kontekst(li)
    kontekst["graf_src"] = {
        graf: reverse("rammer:graf", args=[aar, li.ramme.nummer, graf]) for graf in sorted(GRAFER)
    }
    kontekst["kan_redigere"] = _kan_redigere(request, li.ramme)
    return render(request, "rammer/ledelsesinformation.html", kontekst)


@require_safe
def graf_svg(request: HttpRequest, aar: int, ramme_nr: str, graf: str) -> HttpResponse:
    if graf not in GRAFER:
        raise Http404("Ukendt graf.")
    li = hent_ledelsesinformation(request, aar, ramme_nr)
    response = HttpResponse(_graf_svg(li, graf), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-cache"
    return response


@require_safe
def ledelsesinformation_pdf(request: HttpRequest, aar: int, ramme_nr: str) -> HttpResponse:
    li = hent_ledelsesinformation(request, aar, ramme_nr)
    kontekst = ledelsesinformation_kontekst(li)
    kontekst["graf_src"] = {graf: charts.data_uri(_graf_svg(li, graf)) for graf in sorted(GRAFER)}
    kontekst["pdf"] = True
    kontekst["KOMMUNE_NAVN"] = settings.KOMMUNE_NAVN
    # Charts come as data: URIs; the report date pins the PDF's timestamps.
    data = render_pdf("rammer/ledelsesinformation_pdf.html", kontekst, dato=li.rapportdato)
    response = HttpResponse(data, content_type="application/pdf")
    filnavn = f"ledelsesinformation-{aar}-{li.ramme.nummer}.pdf"
    response["Content-Disposition"] = content_disposition(filnavn, vedhaeft=False)
    response["Cache-Control"] = "private, no-cache"
    return response


def _skoen_initial(li: Ledelsesinformation, kategorier) -> dict:
    initial: dict[str, object] = {"version": li.version, "nyt_skoen": True}
    for k in kategorier:
        if k.aktuel_enhedspris is not None:
            initial[f"k{k.pk}_enhedspris"] = redigerbart(k.aktuel_enhedspris)
        if k.aktuelle_helaarsbrugere is not None:
            initial[f"k{k.pk}_helaarsbrugere"] = dansk_tal(k.aktuelle_helaarsbrugere, 2)
    return initial


@require_http_methods(["GET", "POST"])
def rediger_skoen(request: AuthenticatedHttpRequest, aar: int, ramme_nr: str) -> HttpResponse:
    """The current estimate per activity category: aktuel enhedspris × aktuelle helårsbrugere."""
    li = hent_ledelsesinformation(request, aar, ramme_nr, rediger=True)
    kategorier = list(li.kategorier.all())
    konflikt = indsendt = None
    if request.method == "POST":
        form = KategoriForm(request.POST, kategorier=kategorier)
        if form.is_valid():
            skoen = {
                k.pk: (form.cleaned_data[f"k{k.pk}_enhedspris"], form.cleaned_data[f"k{k.pk}_helaarsbrugere"])
                for k in kategorier
            }
            try:
                antal = services.gem_skoen(
                    ledelsesinformation=li,
                    version=form.cleaned_data["version"],
                    skoen=skoen,
                    nyt_skoen=form.cleaned_data["nyt_skoen"],
                    bruger=request.user,
                )
            except versioner.Konflikt as exc:
                konflikt, indsendt = str(exc), versioner.indsendt([form])
                li = hent_ledelsesinformation(request, aar, ramme_nr, rediger=True)
                kategorier = list(li.kategorier.all())
                form = KategoriForm(initial=_skoen_initial(li, kategorier), kategorier=kategorier)
            else:
                messages.success(request, f"Skønnet er gemt ({antal} aktivitetskategorier ændret).")
                return redirect("rammer:ledelsesinformation", aar, li.ramme.nummer)
    else:
        form = KategoriForm(initial=_skoen_initial(li, kategorier), kategorier=kategorier)
    return render(
        request,
        "rammer/rediger_skoen.html",
        {"li": li, "ramme": li.ramme, "form": form, "konflikt": konflikt, "indsendt": indsendt},
        status=_status(form, konflikt),
    )


def _estimat_vaerdier(form: EstimatForm, noegle: str) -> tuple:
    d = form.raekke_data(noegle)
    return d["korrigeret_budget"], d["forventet_forbrug"]


def _estimat_form(li: Ledelsesinformation) -> EstimatForm:
    """The estimate form as it opens, with what is saved now."""
    linjer = list(li.estimat.all())
    dele = list(li.estimatdele.order_by("placering"))
    initial: dict[str, object] = {"version": li.version, "estimat_pr": li.estimat_pr}
    for prefix, objekter in (("e", linjer), ("d", dele)):
        for obj in objekter:
            initial[f"{prefix}{obj.pk}_korrigeret_budget"] = redigerbart(obj.korrigeret_budget)
            initial[f"{prefix}{obj.pk}_forventet_forbrug"] = redigerbart(obj.forventet_forbrug)
    return EstimatForm(initial=initial, linjer=linjer, dele=dele)


@require_http_methods(["GET", "POST"])
def rediger_estimat(request: AuthenticatedHttpRequest, aar: int, ramme_nr: str) -> HttpResponse:
    li = hent_ledelsesinformation(request, aar, ramme_nr, rediger=True)
    konflikt = indsendt = None
    if request.method == "POST":
        linjer = list(li.estimat.all())
        dele = list(li.estimatdele.order_by("placering"))
        form = EstimatForm(request.POST, linjer=linjer, dele=dele)
        if form.is_valid():
            try:
                services.gem_estimat(
                    ledelsesinformation=li,
                    version=form.cleaned_data["version"],
                    estimat_pr=form.cleaned_data["estimat_pr"],
                    linjer={e.pk: _estimat_vaerdier(form, f"e{e.pk}") for e in linjer},
                    dele={d.pk: _estimat_vaerdier(form, f"d{d.pk}") for d in dele},
                    bruger=request.user,
                )
            except versioner.Konflikt as exc:
                konflikt, indsendt = str(exc), versioner.indsendt([form])
                li = hent_ledelsesinformation(request, aar, ramme_nr, rediger=True)
                form = _estimat_form(li)
            else:
                messages.success(request, "Estimatet er gemt.")
                return redirect("rammer:ledelsesinformation", aar, li.ramme.nummer)
    else:
        form = _estimat_form(li)
    return render(
        request,
        "rammer/rediger_estimat.html",
        {"li": li, "ramme": li.ramme, "form": form, "konflikt": konflikt, "indsendt": indsendt},
        status=_status(form, konflikt),
    )


def _maanedsstatus_initial(li: Ledelsesinformation) -> dict:
    # Start from the estimate's Samlet myndighed, the figure the monthly line follows.
    myndighed = selectors.myndighed_i_alt(li)
    sidste = li.maanedsstatus.order_by("-maaned").first()
    return {
        "version": li.version,
        "maaned": min(sidste.maaned + 1, 12) if sidste else (li.estimat_pr.month if li.estimat_pr else 1),
        "forventet_forbrug": redigerbart(myndighed.forventet_forbrug),
        "budget": redigerbart(myndighed.korrigeret_budget),
    }


@require_http_methods(["GET", "POST"])
def rediger_maanedsstatus(request: AuthenticatedHttpRequest, aar: int, ramme_nr: str) -> HttpResponse:
    li = hent_ledelsesinformation(request, aar, ramme_nr, rediger=True)
    konflikt = indsendt = None
    if request.method == "POST":
        form = MaanedsstatusForm(request.POST)
        if form.is_valid():
            try:
                status = services.gem_maanedsstatus(ledelsesinformation=li, bruger=request.user, **form.cleaned_data)
            except versioner.Konflikt as exc:
                konflikt, indsendt = str(exc), versioner.indsendt([form])
                li = hent_ledelsesinformation(request, aar, ramme_nr, rediger=True)
                form = MaanedsstatusForm(initial=_maanedsstatus_initial(li))
            else:
                messages.success(
                    request, f"Månedsstatus for {selectors.maanedsnavn(status.maaned)} {aar} er gemt."
                )
                return redirect("rammer:ledelsesinformation", aar, li.ramme.nummer)
    else:
        form = MaanedsstatusForm(initial=_maanedsstatus_initial(li))
    return render(
        request,
        "rammer/rediger_maanedsstatus.html",
        {
            "li": li,
            "ramme": li.ramme,
            "form": form,
            "maanedsstatus": list(li.maanedsstatus.all()),
            "konflikt": konflikt,
            "indsendt": indsendt,
        },
        status=_status(form, konflikt),
    )


@require_http_methods(["GET", "POST"])
def rediger_underretninger(request: AuthenticatedHttpRequest, aar: int, ramme_nr: str) -> HttpResponse:
    li = hent_ledelsesinformation(request, aar, ramme_nr, rediger=True)
    konflikt = indsendt = None
    if request.method == "POST":
        form = UnderretningerForm(request.POST)
        if form.is_valid():
            try:
                tal = services.gem_underretninger(ledelsesinformation=li, bruger=request.user, **form.cleaned_data)
            except versioner.Konflikt as exc:
                konflikt, indsendt = str(exc), versioner.indsendt([form])
                li = hent_ledelsesinformation(request, aar, ramme_nr, rediger=True)
                form = UnderretningerForm(initial={"version": li.version, "aar": aar})
            else:
                periode = f"{selectors.maanedsnavn(tal.maaned)} {tal.aar}" if tal.maaned else str(tal.aar)
                messages.success(request, f"Antallet af underretninger for {periode} er gemt.")
                return redirect("rammer:ledelsesinformation", aar, li.ramme.nummer)
    else:
        form = UnderretningerForm(initial={"version": li.version, "aar": aar})
    return render(
        request,
        "rammer/rediger_underretninger.html",
        {
            "li": li,
            "ramme": li.ramme,
            "form": form,
            "underretninger": list(li.underretninger.all()),
            "konflikt": konflikt,
            "indsendt": indsendt,
        },
        status=_status(form, konflikt),
    )


# --- Budget model ----------------------------------------------------------------------------------------------------


def _budgetmodel_initial(model: selectors.Budgetmodel) -> dict:
    initial: dict[str, object] = {}
    for y in model.ydelser:
        # Counts and rates as a person would type them: decimals only when there are any.
        initial[f"y{y.pk}_helaarspersoner"] = redigerbart(y.helaarspersoner)
        initial[f"y{y.pk}_gennemsnitspris"] = redigerbart(y.gennemsnitspris)
        initial[f"y{y.pk}_statsrefusion_pct"] = redigerbart(y.statsrefusion_pct)
        initial[f"y{y.pk}_version"] = y.version
    return initial


def _budgetmodel_side(
    request, valgt, model, form, *, scenarie=None, konflikt=None, indsendt=None, status=200
) -> HttpResponse:
    scenarie_total = selectors.Budgetmodel([s.scenarie for s in scenarie]) if scenarie else None
    return render(
        request,
        "rammer/budgetmodel.html",
        {
            "ramme": valgt,
            "model": model,
            "form": form,
            "scenarie": scenarie,
            "scenarie_total": scenarie_total,
            "scenarie_forskel": scenarie_total.netto - model.netto if scenarie_total else None,
            "scenarie_forskel_abs": abs(scenarie_total.netto - model.netto) if scenarie_total else None,
            "kan_redigere": _kan_redigere(request, valgt),
            "konflikt": konflikt,
            "indsendt": indsendt,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def budgetmodel_side(request: HttpRequest, aar: int, ramme_nr: str) -> HttpResponse:
    """The budget model; a POST here only computes the user's what-if and never saves (saving is `gem_budgetmodel`),
    so every reader may try figures."""
    valgt = hent_ramme(request, aar, ramme_nr)
    model = selectors.budgetmodel(valgt)
    if not model.ydelser:
        raise Http404("Rammen har ingen budgetmodel.")
    if request.method == "POST":
        form = BudgetmodelForm(request.POST, ydelser=model.ydelser)
        if form.is_valid():
            return _budgetmodel_side(request, valgt, model, form, scenarie=selectors.scenarie(model, form.vaerdier()))
        return _budgetmodel_side(request, valgt, model, form, status=400)
    form = BudgetmodelForm(initial=_budgetmodel_initial(model), ydelser=model.ydelser)
    return _budgetmodel_side(request, valgt, model, form)


@require_POST
def gem_budgetmodel(request: AuthenticatedHttpRequest, aar: int, ramme_nr: str) -> HttpResponse:
    valgt = hent_ramme(request, aar, ramme_nr, rediger=True)
    model = selectors.budgetmodel(valgt)
    if not model.ydelser:
        raise Http404("Rammen har ingen budgetmodel.")
    form = BudgetmodelForm(request.POST, ydelser=model.ydelser)
    if not form.is_valid():
        return _budgetmodel_side(request, valgt, model, form, status=400)
    try:
        antal = services.gem_budgetmodel(
            ramme=valgt, vaerdier=form.vaerdier(), ydelsesversioner=form.ydelsesversioner(), bruger=request.user
        )
    except versioner.Konflikt as exc:
        model = selectors.budgetmodel(valgt)
        nu = BudgetmodelForm(initial=_budgetmodel_initial(model), ydelser=model.ydelser)
        return _budgetmodel_side(
            request, valgt, model, nu, konflikt=str(exc), indsendt=versioner.indsendt([form]), status=409
        )
    messages.success(request, f"Budgetmodellen er gemt ({antal} ydelser ændret).")
    return redirect("rammer:budgetmodel", aar, valgt.nummer)
