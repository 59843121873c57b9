import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from budgetopfolgning import (
    arbejdsliste,
    bilag,
    eksport,
    forbrugstal,
    indtastning,
    jobs,
    mellemlager,
    praecision,
    selectors,
    services,
    views_gennemgang,
)
from budgetopfolgning.forbrugsgraf import forbrugsgraf
from budgetopfolgning.forms import NyOpfoelgningForm, RammeForm
from budgetopfolgning.models import Opfoelgning, Opfoelgningslinje
from budgetopfolgning.opslag import hent_opfoelgning, hent_ramme_i_opfoelgning, hent_ramme_og_aarets_runder
from budgetopfolgning.rules import RammeIOpfoelgning
from budgetopfolgning.sider import bilag_titel, fortegn, opfoelgning_kontekst, udskudt, udvalg_kontekst
from forbrug import selectors as forbrug_selectors
from kerne import versioner
from kerne.beloeb import redigerbart
from kerne.datoer import maanedsnavn
from kerne.filer import content_disposition
from kerne.logning import noter_adgang
from kerne.models import Adgangslog
from kerne.roller import AuthenticatedHttpRequest, kun_laeser
from kerne.tekst import antal
from rammer.models import Bevillingsramme, Budgetaar, Udvalg


@require_safe
def forside(request: AuthenticatedHttpRequest) -> HttpResponse:
    opfoelgninger = Opfoelgning.objects.select_related("aar").for_user(request.user).order_by("-aar__aar", "nummer")
    aar: dict[int, list[Opfoelgning]] = {}
    for opfoelgning in opfoelgninger:
        aar.setdefault(opfoelgning.aar.aar, []).append(opfoelgning)
    return render(
        request,
        "budgetopfolgning/forside.html",
        {"aar": aar, "arbejde": views_gennemgang.forside_arbejdsliste(request, list(opfoelgninger))},
    )


@require_safe
def opfoelgning_side(request: AuthenticatedHttpRequest, aar: int, nr: int) -> HttpResponse:
    opfoelgning = hent_opfoelgning(request, aar, nr)
    if not opfoelgning.er_laast:
        noter_adgang(request, Adgangslog.AABEN_RUNDE, opfoelgning)
    # The round's lines come from the cache (mellemlager), and only when something on the page needs them: a locked
    # round's page is its cached tables and nothing else.
    def alle() -> list[selectors.Linje]:
        return mellemlager.linjer(opfoelgning)

    context = {
        "opfoelgning": opfoelgning,
        # Only used in the template's cached parts: built when the cache does not hold them.
        **udskudt(lambda: opfoelgning_kontekst(opfoelgning, alle()), ["tabeller", "opsummering", "forklaringer"]),
        "bilagstitel": bilag_titel(opfoelgning),
        **fortegn(),
        "tal_noegle": mellemlager.noegle(opfoelgning),
        "tal_timeout": mellemlager.timeout(opfoelgning),
    }
    context["kan_laase"] = rules.has_perm("budgetopfolgning.laas_opfoelgning", request.user, opfoelgning)
    if context["kan_laase"]:
        context["manglende_forklaringer"] = selectors.manglende_forklaringer(opfoelgning, alle())
    context["kan_danne_bilag"] = rules.has_perm("budgetopfolgning.dan_bilag", request.user, opfoelgning)
    if not opfoelgning.er_laast and not kun_laeser(request.user):
        context.update(views_gennemgang.arbejdsliste_kontekst(request, opfoelgning, alle()))
    # Forbrug is shown on the page only, never in the Bilag (opfoelgning_kontekst), which a lock freezes; and only
    # while the round is open, when it helps make the forecasts: a locked round's page shows what was locked.
    # It is a cached fragment under the round's key too (built only when missing): the forbrug import, the kontoplan
    # import and the admin's saves of konti and periodiseringer renew the tal_version of the years' rounds.
    context["vis_forbrug"] = not opfoelgning.er_laast
    if context["vis_forbrug"]:
        context.update(udskudt(lambda: _forbrug_kontekst(opfoelgning, alle()),
                               ["forbrug_udvalg", "ikke_fordelt", "forbrugsmaaned"]))
    return render(request, "budgetopfolgning/opfoelgning.html", context)


def _forbrug_kontekst(opfoelgning: Opfoelgning, alle: list[selectors.Linje]) -> dict:
    """The round page's forbrug per udvalg, or nothing while the year has no forbrug."""
    if not forbrugstal.har_forbrug(opfoelgning):
        return {"forbrug_udvalg": None, "ikke_fordelt": None, "forbrugsmaaned": None}
    dele = forbrugstal.forbrugsdele(opfoelgning, alle)
    return {
        "forbrug_udvalg": forbrugstal.forbrug_pr_udvalg(opfoelgning, dele),
        "ikke_fordelt": forbrugstal.ikke_fordelt(opfoelgning),
        "forbrugsmaaned": maanedsnavn(forbrugstal.forbrugsmaaned(opfoelgning)),
    }


@require_safe
def praecision_side(request: HttpRequest, aar: int) -> HttpResponse:
    """Each round's forecast against the regnskab. Only the rounds the user may see are measured."""
    budgetaar = get_object_or_404(Budgetaar, aar=aar)
    runder = list(
        Opfoelgning.objects.select_related("aar").defer("bilag_pdf").for_user(request.user)
        .filter(aar=budgetaar).order_by("nummer")
    )
    if not runder:
        raise Http404("Ingen budgetopfølgninger i året.")
    # Across years: this year and the earlier ones with a regnskab, measured at each year's last round.
    synlige = Opfoelgning.objects.select_related("aar").defer("bilag_pdf").for_user(request.user)
    aarets_maal = praecision.praecision(runder)
    aarets: list[tuple[int, praecision.Praecision]] = []
    for tidligere in Budgetaar.objects.filter(aar__lt=aar).order_by("aar"):
        runder_i_aaret = list(synlige.filter(aar=tidligere).order_by("nummer"))
        if runder_i_aaret and (p := praecision.praecision(runder_i_aaret)) is not None:
            aarets.append((tidligere.aar, p))
    if aarets_maal is not None:
        aarets.append((aar, aarets_maal))
    return render(
        request,
        "budgetopfolgning/praecision.html",
        {
            "aar": budgetaar,
            "praecision": aarets_maal,
            "maaneder": forbrug_selectors.maaneder_med_forbrug(budgetaar),
            "tvaers_aar": [a for a, _ in aarets],
            "tvaers": praecision.praecision_paa_tvaers(aarets),
        },
    )


@require_safe
def udvalg_side(request: HttpRequest, aar: int, nr: int, kode: str) -> HttpResponse:
    opfoelgning = hent_opfoelgning(request, aar, nr)
    valgt = get_object_or_404(Udvalg, aar=opfoelgning.aar, kode=kode)
    context = {
        "opfoelgning": opfoelgning,
        "udvalg": valgt,
        **udskudt(lambda: udvalg_kontekst(opfoelgning, valgt, mellemlager.linjer(opfoelgning)),
                  ["tabeller", "forklaringer"]),
        **fortegn(),
    }
    context["tal_noegle"] = mellemlager.noegle(opfoelgning)
    context["tal_timeout"] = mellemlager.timeout(opfoelgning)
    return render(request, "budgetopfolgning/udvalg.html", context)


@require_safe
def ramme_side(request: AuthenticatedHttpRequest, aar: int, nr: int, ramme_nr: str) -> HttpResponse:
    opfoelgning, valgt, andre = hent_ramme_og_aarets_runder(request, aar, nr, ramme_nr)
    linjer = [linje for linje in mellemlager.linjer(opfoelgning) if linje.ramme.pk == valgt.pk]
    total = selectors.summer([linje.tal for linje in linjer], opfoelgning=opfoelgning)

    def forbrug_og_aktiviteter() -> dict:
        forbrug = forbrugstal.forbrugsvisning(opfoelgning, linjer)
        graf = None
        if forbrug is not None and not forbrug.ingen_kortlagt:
            graf = forbrugsgraf(opfoelgning, valgt, forbrug.dele, [opfoelgning, *andre])
        return {"forbrug": forbrug, "graf": graf, "aktiviteter": selectors.aktivitetslinjer(opfoelgning, valgt)}

    historik_antal = _historik_antal(request)
    gennemgaaet = not opfoelgning.er_laast and not kun_laeser(request.user)
    return render(
        request,
        "budgetopfolgning/ramme.html",
        {
            "opfoelgning": opfoelgning,
            "ramme": valgt,
            "linjer": linjer,
            "total": total,
            "andre_runder": andre,
            # The forbrug table and chart, the activities, the history and the explanations' changes are cached
            # fragments under the round's key (mellemlager.noegle), built only when missing. The chart also shows the
            # forecasts of the year's rounds the user may see, so their ids are part of its key.
            "tal_noegle": mellemlager.noegle(opfoelgning),
            "tal_timeout": mellemlager.timeout(opfoelgning),
            "synlige_runder": ",".join(str(r.pk) for r in andre),
            **udskudt(forbrug_og_aktiviteter, ["forbrug", "graf", "aktiviteter"]),
            "historik_antal": historik_antal,
            **udskudt(lambda: _historikside(historik_antal, selectors.historik(opfoelgning, valgt)),
                      ["historik", "historik_i_alt", "historik_flere"]),
            "kan_redigere": rules.has_perm(
                "budgetopfolgning.rediger_ramme", request.user, RammeIOpfoelgning(opfoelgning, valgt)
            ),
            **fortegn(),
            "vis_forklaringsaendringer": gennemgaaet,
            **(
                views_gennemgang.ramme_gennemgang_kontekst(request, opfoelgning, valgt)
                if gennemgaaet
                else views_gennemgang.laast_traad_kontekst(request, opfoelgning, valgt)
            ),
        },
    )


# The ramme page shows the newest changes first, this many at a time; "Vis ældre ændringer" shows as many more.
HISTORIK_SIDE = 20


def _historik_antal(request: HttpRequest) -> int:
    """How many of the newest changes to show: `?historik=` (20 by default; a plain link, so it works without
    script)."""
    try:
        return max(HISTORIK_SIDE, int(request.GET.get("historik", HISTORIK_SIDE)))
    except ValueError:
        return HISTORIK_SIDE


def _historikside(antal_vist: int, aendringer: list[selectors.Linjeaendring]) -> dict:
    """The newest `antal_vist` changes."""
    return {
        "historik": aendringer[:antal_vist],
        "historik_i_alt": len(aendringer),
        "historik_flere": antal_vist + HISTORIK_SIDE if len(aendringer) > antal_vist else None,
    }


def _initial(linjer: list[Opfoelgningslinje], aktiviteter: list[selectors.AktivitetLinje]) -> dict:
    initial: dict[str, object] = {}
    for linje in linjer:
        p = linje.rammedel.placering
        initial[f"{p}_korrektioner"] = redigerbart(linje.korrektioner)
        initial[f"{p}_forventet_forbrug"] = redigerbart(linje.forventet_forbrug)
        initial[f"{p}_forventet_overfoersel"] = redigerbart(linje.forventet_overfoersel)
        initial[f"{p}_forklaring"] = linje.forklaring
        initial[f"{p}_version"] = linje.version
    for a in aktiviteter:
        if a.linje is not None:
            initial[f"akt{a.linje.pk}_korrektioner"] = redigerbart(a.linje.korrektioner)
            initial[f"akt{a.linje.pk}_forventet_forbrug"] = redigerbart(a.linje.forventet_forbrug)
            initial[f"akt{a.linje.pk}_version"] = a.linje.version
    return initial


def _tal(
    opfoelgning: Opfoelgning, ramme: Bevillingsramme, aktiviteter: list[selectors.AktivitetLinje]
) -> dict[str, selectors.Tal]:
    """The figures each of the form's parts and activities stands at, keyed by the form's field prefix."""
    tal = {linje.rammedel.placering: linje.tal for linje in selectors.linjer(opfoelgning, ramme=ramme)}
    tal.update({f"akt{a.linje.pk}": a.tal for a in aktiviteter if a.linje is not None})
    return tal


def _rammens_linjer(opfoelgning: Opfoelgning, ramme: Bevillingsramme):
    linjer = list(
        Opfoelgningslinje.objects.filter(opfoelgning=opfoelgning, rammedel__ramme=ramme)
        .select_related("rammedel", "aendret_af")
        .order_by("rammedel__placering")
    )
    return linjer, selectors.aktivitetslinjer(opfoelgning, ramme)


@require_http_methods(["GET", "POST"])
def rediger_ramme(request: AuthenticatedHttpRequest, aar: int, nr: int, ramme_nr: str) -> HttpResponse:
    opfoelgning, valgt = hent_ramme_i_opfoelgning(request, aar, nr, ramme_nr, rediger=True)
    linjer, aktiviteter = _rammens_linjer(opfoelgning, valgt)
    konflikt = indsendt = None
    status = 200
    if request.method == "POST":
        tal = _tal(opfoelgning, valgt, aktiviteter)
        form = RammeForm(
            request.POST, linjer=linjer, aktiviteter=aktiviteter, tal=tal, overfoersler=opfoelgning.aar.vis_overfoersler
        )
        if form.is_valid():
            data = form.cleaned_data
            indtastninger = {
                linje.pk: indtastning.Indtastning(
                    korrektioner=data.get(f"{linje.rammedel.placering}_korrektioner"),
                    forventet_forbrug=data.get(f"{linje.rammedel.placering}_forventet_forbrug"),
                    forventet_overfoersel=data.get(f"{linje.rammedel.placering}_forventet_overfoersel"),
                    forklaring=data[f"{linje.rammedel.placering}_forklaring"].strip(),
                    version=data[f"{linje.rammedel.placering}_version"],
                )
                for linje in linjer
            }
            akt_indtastninger = {
                a.linje.pk: indtastning.Indtastning(
                    korrektioner=data[f"akt{a.linje.pk}_korrektioner"],
                    forventet_forbrug=data[f"akt{a.linje.pk}_forventet_forbrug"],
                    forklaring="",
                    version=data[f"akt{a.linje.pk}_version"],
                )
                for a in form.aktiviteter
            }
            try:
                indtastning.gem_ramme(
                    opfoelgning=opfoelgning,
                    indtastninger=indtastninger,
                    aktiviteter=akt_indtastninger,
                    bruger=request.user,
                )
            except versioner.Konflikt as exc:
                konflikt = str(exc)
                status = 409
                # The form shows the current values again; what the user typed is listed beside them.
                indsendt = versioner.indsendt([form])
                nye_linjer, nye_aktiviteter = _rammens_linjer(opfoelgning, valgt)
                form = RammeForm(
                    overfoersler=opfoelgning.aar.vis_overfoersler,
                    linjer=nye_linjer, aktiviteter=nye_aktiviteter, initial=_initial(nye_linjer, nye_aktiviteter)
                )
            except services.OpfoelgningsFejl as exc:
                raise PermissionDenied(str(exc)) from exc
            else:
                messages.success(request, f"Dine tal for {valgt.nummer} {valgt.navn} er gemt.")
                return redirect("ramme", aar, nr, valgt.nummer)
        else:
            status = 400
    else:
        form = RammeForm(
            linjer=linjer, aktiviteter=aktiviteter, initial=_initial(linjer, aktiviteter),
            overfoersler=opfoelgning.aar.vis_overfoersler,
        )
    return render(
        request,
        "budgetopfolgning/rediger_ramme.html",
        {
            "opfoelgning": opfoelgning,
            "ramme": valgt,
            "form": form,
            "konflikt": konflikt,
            "indsendt": indsendt,
            "forbrug": forbrugstal.forbrugsvisning(opfoelgning, selectors.linjer(opfoelgning, ramme=valgt)),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def laas(request: AuthenticatedHttpRequest, aar: int, nr: int) -> HttpResponse:
    opfoelgning = hent_opfoelgning(request, aar, nr, perm="budgetopfolgning.laas_opfoelgning")
    mangler = selectors.manglende_forklaringer(opfoelgning)
    ikke_godkendte = arbejdsliste.ikke_godkendte(opfoelgning)
    if request.method == "POST":
        # A missing explanation is refused by the lock itself, below; approval is Center for Økonomi's own call.
        if ikke_godkendte and not mangler and request.POST.get("laas_alligevel") != "1":
            messages.error(
                request,
                f"{antal(len(ikke_godkendte), 'ramme er', 'rammer er')} ikke godkendt. "
                "Sæt hak i »Lås alligevel«, hvis runden skal låses "
                "uden deres godkendelse.",
            )
            return render(
                request,
                "budgetopfolgning/laas.html",
                {"opfoelgning": opfoelgning, "mangler": mangler, "ikke_godkendte": ikke_godkendte},
                status=400,
            )
        try:
            services.laas_opfoelgning(
                opfoelgning=opfoelgning, bruger=request.user, laas_alligevel=request.POST.get("laas_alligevel") == "1"
            )
        except services.OpfoelgningsFejl as exc:
            messages.error(request, str(exc))
            return redirect("laas", aar, nr)
        messages.success(request, f"{opfoelgning} er låst. Rettelser hører nu til i næste budgetopfølgning.")
        return redirect("opfoelgning", aar, nr)
    return render(
        request,
        "budgetopfolgning/laas.html",
        {"opfoelgning": opfoelgning, "mangler": mangler, "ikke_godkendte": ikke_godkendte},
    )


@require_POST
def dan_bilag(request: AuthenticatedHttpRequest, aar: int, nr: int) -> HttpResponse:
    """Center for Økonomi asks again for the Bilag of a locked round whose job has failed or not yet run."""
    opfoelgning = hent_opfoelgning(request, aar, nr, perm="budgetopfolgning.dan_bilag")
    if opfoelgning.bilag_dannes:
        jobs.bestil_bilag(opfoelgning.pk)
        messages.success(request, "Bilaget er bestilt igen.")
    return redirect("opfoelgning", aar, nr)


@require_http_methods(["GET", "POST"])
def ny_opfoelgning(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not rules.has_perm("budgetopfolgning.aabn_opfoelgning", request.user):
        raise PermissionDenied
    form = NyOpfoelgningForm(request.POST or None, initial=selectors.kontakt_fra_forrige_runde())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opfoelgning = services.aabn_opfoelgning(bruger=request.user, **data)
        except services.OpfoelgningsFejl as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"{opfoelgning} er åbnet med forventninger og forklaringer fra forrige runde."
            )
            return redirect("opfoelgning", opfoelgning.aar.aar, opfoelgning.nummer)
    return render(request, "budgetopfolgning/ny_opfoelgning.html", {"form": form}, status=400 if form.errors else 200)


@login_not_required
@require_safe
def tilgaengelighed(request: HttpRequest) -> HttpResponse:
    """The accessibility statement Danish public bodies must publish; public, like the login page."""
    kontakt = {
        "ansvarlig": settings.TILGAENGELIGHED_ANSVARLIG,
        "email": settings.TILGAENGELIGHED_EMAIL,
        "telefon": settings.TILGAENGELIGHED_TELEFON,
    }
    return render(request, "budgetopfolgning/tilgaengelighed.html", {"TILGAENGELIGHED": kontakt})


# --- Downloads: the Bilag, the workbook and the CSV files ---------------------------------------------------


def _filnavn(opfoelgning: Opfoelgning, navn: str, endelse: str) -> str:
    return f"{navn}-{opfoelgning.aar.aar}-{opfoelgning.nummer}.{endelse}"


def _pdf_svar(data: bytes, filnavn: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(filnavn, vedhaeft=False)
    response["Cache-Control"] = "private, no-cache"
    return response


@require_safe
def bilag_pdf(request: HttpRequest, aar: int, nr: int) -> HttpResponse:
    opfoelgning = hent_opfoelgning(request, aar, nr)
    noter_adgang(request, Adgangslog.BILAG, opfoelgning if opfoelgning.er_laast else f"{opfoelgning} (kladde)")
    if opfoelgning.er_laast:
        data = bilag.gemt_bilag(opfoelgning)
        response = _pdf_svar(data, _filnavn(opfoelgning, "bilag", "pdf"))
        response["ETag"] = f'"{opfoelgning.bilag_sha256}"'
        return response
    return _pdf_svar(bilag.render_bilag(opfoelgning, kladde=True), _filnavn(opfoelgning, "bilag-kladde", "pdf"))


@require_safe
def udvalg_bilag_pdf(request: HttpRequest, aar: int, nr: int, kode: str) -> HttpResponse:
    opfoelgning = hent_opfoelgning(request, aar, nr)
    valgt = get_object_or_404(Udvalg, aar=opfoelgning.aar, kode=kode)
    noter_adgang(request, Adgangslog.UDVALGSBILAG, f"{opfoelgning}, {valgt.kode}")
    runder = list(Opfoelgning.objects.for_user(request.user).filter(aar=opfoelgning.aar).order_by("nummer"))
    data = bilag.render_udvalg_bilag(opfoelgning, valgt, kladde=not opfoelgning.er_laast, runder=runder)
    navn = f"bilag-{valgt.kode.lower()}" if opfoelgning.er_laast else f"bilag-{valgt.kode.lower()}-kladde"
    return _pdf_svar(data, _filnavn(opfoelgning, navn, "pdf"))


@require_safe
def tabeller_xlsx(request: HttpRequest, aar: int, nr: int) -> HttpResponse:
    opfoelgning = hent_opfoelgning(request, aar, nr)
    noter_adgang(request, Adgangslog.REGNEARK, opfoelgning)
    response = HttpResponse(
        eksport.tabeller_workbook(opfoelgning),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    navn = "tabeller" if opfoelgning.er_laast else "tabeller-kladde"
    response["Content-Disposition"] = content_disposition(_filnavn(opfoelgning, navn, "xlsx"), vedhaeft=True)
    response["Cache-Control"] = "private, no-cache"
    return response


@require_safe
def tabel_csv(request: HttpRequest, aar: int, nr: int, tabel: int) -> HttpResponse:
    opfoelgning = hent_opfoelgning(request, aar, nr)
    if tabel not in (1, 2):
        raise Http404("Der er kun Tabel 1 og Tabel 2.")
    noter_adgang(request, Adgangslog.CSV, f"{opfoelgning}, Tabel {tabel}")
    response = HttpResponse(eksport.tabel_csv(opfoelgning, tabel), content_type="text/csv; charset=utf-8")
    navn = f"tabel-{tabel}" if opfoelgning.er_laast else f"tabel-{tabel}-kladde"
    response["Content-Disposition"] = content_disposition(_filnavn(opfoelgning, navn, "csv"), vedhaeft=True)
    response["Cache-Control"] = "private, no-cache"
    return response
