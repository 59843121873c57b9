import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_safe

from budgetopfolgning import bilag, eksport, selectors, services
from budgetopfolgning.forms import NyOpfoelgningForm, RammeForm
from budgetopfolgning.models import Opfoelgning, Opfoelgningslinje
from budgetopfolgning.rules import RammeIRunde
from budgetopfolgning.sider import opfoelgning_kontekst, udvalg_kontekst
from kerne import versioner
from kerne.beloeb import redigerbart
from kerne.fortegn import FORTEGN_AFVIGELSE, FORTEGN_KORREKTIONER
from rammer.models import Bevillingsramme, Udvalg


def hent_opfoelgning(request: HttpRequest, aar: int, nr: int, perm: str | None = None) -> Opfoelgning:
    """The one lookup of a round: 404 when it does not exist or the user may not see it (open rounds are
    drafts, invisible to udvalgsmedlemmer); 403 when the user may see it but not do `perm` to it."""
    qs = Opfoelgning.objects.select_related("aar").defer("bilag_pdf").for_user(request.user)
    runde = get_object_or_404(qs, aar__aar=aar, nummer=nr)
    if perm and not rules.has_perm(perm, request.user, runde):
        raise PermissionDenied
    return runde


def hent_ramme_i_runde(request: HttpRequest, aar: int, nr: int, ramme_nr: str, *, rediger: bool = False):
    """The one lookup of a ramme in a round; with `rediger`, 403 unless the user may edit it now."""
    runde = hent_opfoelgning(request, aar, nr)
    ramme = get_object_or_404(Bevillingsramme.objects.select_related("udvalg"), aar=runde.aar, nummer=ramme_nr)
    if rediger and not rules.has_perm("budgetopfolgning.rediger_ramme", request.user, RammeIRunde(runde, ramme)):
        raise PermissionDenied
    return runde, ramme


@require_safe
def forside(request: HttpRequest) -> HttpResponse:
    runder = Opfoelgning.objects.select_related("aar").for_user(request.user).order_by("-aar__aar", "nummer")
    aar = {}
    for runde in runder:
        aar.setdefault(runde.aar.aar, []).append(runde)
    return render(request, "budgetopfolgning/forside.html", {"aar": aar})


@require_safe
def opfoelgning(request: HttpRequest, aar: int, nr: int) -> HttpResponse:
    runde = hent_opfoelgning(request, aar, nr)
    context = opfoelgning_kontekst(runde)
    context["kan_laase"] = rules.has_perm("budgetopfolgning.laas_opfoelgning", request.user, runde)
    if context["kan_laase"]:
        context["manglende_forklaringer"] = selectors.manglende_forklaringer(runde)
    return render(request, "budgetopfolgning/opfoelgning.html", context)


@require_safe
def udvalg(request: HttpRequest, aar: int, nr: int, kode: str) -> HttpResponse:
    runde = hent_opfoelgning(request, aar, nr)
    valgt = get_object_or_404(Udvalg, aar=runde.aar, kode=kode)
    return render(request, "budgetopfolgning/udvalg.html", udvalg_kontekst(runde, valgt))


@require_safe
def ramme(request: HttpRequest, aar: int, nr: int, ramme_nr: str) -> HttpResponse:
    runde, valgt = hent_ramme_i_runde(request, aar, nr, ramme_nr)
    linjer = selectors.linjer(runde, ramme=valgt)
    total = selectors.summer([linje.tal for linje in linjer], opfoelgning=runde)
    andre = Opfoelgning.objects.for_user(request.user).filter(aar=runde.aar).exclude(pk=runde.pk)
    return render(
        request,
        "budgetopfolgning/ramme.html",
        {
            "opfoelgning": runde,
            "ramme": valgt,
            "linjer": linjer,
            "total": total,
            "andre_runder": andre.select_related("aar"),
            "historik": selectors.historik(runde, valgt),
            "aktiviteter": selectors.aktivitetslinjer(runde, valgt),
            "kan_redigere": rules.has_perm("budgetopfolgning.rediger_ramme", request.user, RammeIRunde(runde, valgt)),
            "fortegn_korrektioner": FORTEGN_KORREKTIONER,
            "fortegn_afvigelse": FORTEGN_AFVIGELSE,
        },
    )


def _initial(linjer: list[Opfoelgningslinje], aktiviteter: list[selectors.AktivitetLinje]) -> dict:
    initial = {}
    for linje in linjer:
        p = linje.rammedel.placering
        initial[f"{p}_korrektioner"] = redigerbart(linje.korrektioner)
        initial[f"{p}_forventet_forbrug"] = redigerbart(linje.forventet_forbrug)
        initial[f"{p}_forklaring"] = linje.forklaring
        initial[f"{p}_version"] = linje.version
    for a in aktiviteter:
        if a.linje is not None:
            initial[f"akt{a.linje.pk}_korrektioner"] = redigerbart(a.linje.korrektioner)
            initial[f"akt{a.linje.pk}_forventet_forbrug"] = redigerbart(a.linje.forventet_forbrug)
            initial[f"akt{a.linje.pk}_version"] = a.linje.version
    return initial


def _rammens_linjer(runde: Opfoelgning, ramme: Bevillingsramme):
    linjer = list(
        Opfoelgningslinje.objects.filter(opfoelgning=runde, rammedel__ramme=ramme)
        .select_related("rammedel", "aendret_af")
        .order_by("rammedel__placering")
    )
    return linjer, selectors.aktivitetslinjer(runde, ramme)


@require_http_methods(["GET", "POST"])
def rediger_ramme(request: HttpRequest, aar: int, nr: int, ramme_nr: str) -> HttpResponse:
    runde, valgt = hent_ramme_i_runde(request, aar, nr, ramme_nr, rediger=True)
    linjer, aktiviteter = _rammens_linjer(runde, valgt)
    konflikt = indsendt = None
    status = 200
    if request.method == "POST":
        form = RammeForm(request.POST, linjer=linjer, aktiviteter=aktiviteter)
        if form.is_valid():
            data = form.cleaned_data
            indtastninger = {
                linje.pk: services.Indtastning(
                    korrektioner=data.get(f"{linje.rammedel.placering}_korrektioner"),
                    forventet_forbrug=data.get(f"{linje.rammedel.placering}_forventet_forbrug"),
                    forklaring=data[f"{linje.rammedel.placering}_forklaring"].strip(),
                    version=data[f"{linje.rammedel.placering}_version"],
                )
                for linje in linjer
            }
            akt_indtastninger = {
                a.linje.pk: services.Indtastning(
                    korrektioner=data[f"akt{a.linje.pk}_korrektioner"],
                    forventet_forbrug=data[f"akt{a.linje.pk}_forventet_forbrug"],
                    forklaring="",
                    version=data[f"akt{a.linje.pk}_version"],
                )
                for a in form.aktiviteter
            }
            try:
                services.gem_ramme(
                    opfoelgning=runde, indtastninger=indtastninger, aktiviteter=akt_indtastninger, bruger=request.user
                )
            except versioner.Konflikt as exc:
                konflikt = str(exc)
                status = 409
                # The form shows the current values again; what the user typed is listed beside them.
                indsendt = versioner.indsendt([form])
                nye_linjer, nye_aktiviteter = _rammens_linjer(runde, valgt)
                form = RammeForm(
                    linjer=nye_linjer, aktiviteter=nye_aktiviteter, initial=_initial(nye_linjer, nye_aktiviteter)
                )
            except services.RundeFejl as exc:
                raise PermissionDenied(str(exc)) from exc
            else:
                messages.success(request, f"Dine tal for {valgt.nummer} {valgt.navn} er gemt.")
                return redirect("ramme", aar, nr, valgt.nummer)
        else:
            status = 400
    else:
        form = RammeForm(linjer=linjer, aktiviteter=aktiviteter, initial=_initial(linjer, aktiviteter))
    return render(
        request,
        "budgetopfolgning/rediger_ramme.html",
        {"opfoelgning": runde, "ramme": valgt, "form": form, "konflikt": konflikt, "indsendt": indsendt},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def laas(request: HttpRequest, aar: int, nr: int) -> HttpResponse:
    runde = hent_opfoelgning(request, aar, nr, perm="budgetopfolgning.laas_opfoelgning")
    mangler = selectors.manglende_forklaringer(runde)
    if request.method == "POST":
        try:
            services.laas_opfoelgning(opfoelgning=runde, bruger=request.user)
        except services.RundeFejl as exc:
            messages.error(request, str(exc))
            return redirect("laas", aar, nr)
        messages.success(request, f"{runde} er låst. Rettelser hører nu til i næste budgetopfølgning.")
        return redirect("opfoelgning", aar, nr)
    return render(request, "budgetopfolgning/laas.html", {"opfoelgning": runde, "mangler": mangler})


@require_http_methods(["GET", "POST"])
def ny_opfoelgning(request: HttpRequest) -> HttpResponse:
    if not rules.has_perm("budgetopfolgning.aabn_opfoelgning", request.user):
        raise PermissionDenied
    form = NyOpfoelgningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            runde = services.aabn_opfoelgning(bruger=request.user, **data)
        except services.RundeFejl as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{runde} er åbnet med forventninger og forklaringer fra forrige runde.")
            return redirect("opfoelgning", runde.aar.aar, runde.nummer)
    return render(request, "budgetopfolgning/ny_opfoelgning.html", {"form": form}, status=400 if form.errors else 200)


@login_not_required
@require_safe
def tilgaengelighed(request: HttpRequest) -> HttpResponse:
    """The accessibility statement Danish public bodies must publish; public, like the login page."""
    return render(request, "budgetopfolgning/tilgaengelighed.html")


# --- Downloads: the Bilag, the workbook and the CSV files ---------------------------------------------------


def _filnavn(opfoelgning: Opfoelgning, navn: str, endelse: str) -> str:
    return f"{navn}-{opfoelgning.aar.aar}-{opfoelgning.nummer}.{endelse}"


def _pdf_svar(data: bytes, filnavn: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filnavn)
    response["Cache-Control"] = "private, no-cache"
    return response


@require_safe
def bilag_pdf(request: HttpRequest, aar: int, nr: int) -> HttpResponse:
    runde = hent_opfoelgning(request, aar, nr)
    if runde.er_laast:
        data = bilag.gemt_bilag(runde)
        response = _pdf_svar(data, _filnavn(runde, "bilag", "pdf"))
        response["ETag"] = f'"{runde.bilag_sha256}"'
        return response
    return _pdf_svar(bilag.render_bilag(runde, kladde=True), _filnavn(runde, "bilag-kladde", "pdf"))


@require_safe
def udvalg_bilag_pdf(request: HttpRequest, aar: int, nr: int, kode: str) -> HttpResponse:
    runde = hent_opfoelgning(request, aar, nr)
    valgt = get_object_or_404(Udvalg, aar=runde.aar, kode=kode)
    data = bilag.render_udvalg_bilag(runde, valgt, kladde=not runde.er_laast)
    navn = f"bilag-{valgt.kode.lower()}" if runde.er_laast else f"bilag-{valgt.kode.lower()}-kladde"
    return _pdf_svar(data, _filnavn(runde, navn, "pdf"))


@require_safe
def tabeller_xlsx(request: HttpRequest, aar: int, nr: int) -> HttpResponse:
    runde = hent_opfoelgning(request, aar, nr)
    response = HttpResponse(
        eksport.tabeller_workbook(runde),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    navn = "tabeller" if runde.er_laast else "tabeller-kladde"
    response["Content-Disposition"] = content_disposition_header(True, _filnavn(runde, navn, "xlsx"))
    response["Cache-Control"] = "private, no-cache"
    return response


@require_safe
def tabel_csv(request: HttpRequest, aar: int, nr: int, tabel: int) -> HttpResponse:
    runde = hent_opfoelgning(request, aar, nr)
    if tabel not in (1, 2):
        raise Http404("Der er kun Tabel 1 og Tabel 2.")
    response = HttpResponse(eksport.tabel_csv(runde, tabel), content_type="text/csv; charset=utf-8")
    navn = f"tabel-{tabel}" if runde.er_laast else f"tabel-{tabel}-kladde"
    response["Content-Disposition"] = content_disposition_header(True, _filnavn(runde, navn, "csv"))
    response["Cache-Control"] = "private, no-cache"
    return response
