"""A ramme's ledelsesinformation: the page, its charts (SVG) and PDF, and the edit forms for the estimate per
category, the estimate table, the month status and the underretninger."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from kerne import versioner
from kerne.beloeb import dansk_tal, mio_kr, redigerbart
from kerne.datoer import maanedsnavn
from kerne.filer import content_disposition
from kerne.models import Kommune
from kerne.pdf import render_pdf
from kerne.roller import AuthenticatedHttpRequest
from rammeindsigt import charts, services
from rammeindsigt.forms import EstimatForm, KategoriForm, MaanedsstatusForm, UnderretningerForm
from rammeindsigt.selectors import ledelsesinformation as selectors
from rammeindsigt.views.opslag import hent_ledelsesinformation, kan_redigere, svarstatus
from rammer.models import Ledelsesinformation

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
        f"{maanedsnavn(m)}: {mio_kr(forventet)} mio. kr. mod et budget på {mio_kr(budget)} mio. kr."
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
            periode += f" (til og med {r.til_og_med.day}. {maanedsnavn(r.til_og_med.month)})"
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
        "fortegn_afvigelse": Kommune.hent().fortegn_afvigelse,
    }


@require_safe
def ledelsesinformation_side(request: HttpRequest, aar: int, ramme_nr: str) -> HttpResponse:
    li = hent_ledelsesinformation(request, aar, ramme_nr)
    kontekst = ledelsesinformation_kontekst(li)
    kontekst["graf_src"] = {
        graf: reverse("rammer:graf", args=[aar, li.ramme.nummer, graf]) for graf in sorted(GRAFER)
    }
    kontekst["kan_redigere"] = kan_redigere(request, li.ramme)
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
    kontekst["KOMMUNE_NAVN"] = Kommune.hent().visningsnavn
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
        status=svarstatus(form, konflikt),
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
        status=svarstatus(form, konflikt),
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
                    request, f"Månedsstatus for {maanedsnavn(status.maaned)} {aar} er gemt."
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
        status=svarstatus(form, konflikt),
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
                periode = f"{maanedsnavn(tal.maaned)} {tal.aar}" if tal.maaned else str(tal.aar)
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
        status=svarstatus(form, konflikt),
    )
