import functools

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from budgetopfolgning import opslag
from budgetopfolgning.models import Opfoelgning
from kerne import versioner
from kerne.filer import content_disposition
from kerne.roller import AuthenticatedHttpRequest
from omstilling import eksport, forslagsstatus, mellemlager, selectors, services
from omstilling.forms import AarForm, ForslagForm, OpfoelgningForm, RammeFormSet, rammer_fra, rammer_initial
from omstilling.models import Forslag, Forslagsopfoelgning, Katalog

LAAST_BESKED = "Budgetopfølgningen er låst. Opfølgningen på forslagene kan ikke længere ændres."


# --- Lookups: one per model, each with its permission check ---------------------------------------------------------


def hent_katalog(request: HttpRequest, aar: int, perm: str | None = None) -> Katalog:
    """The catalogue of a budget year: 404 if there is none, 403 if `perm` is given and the user lacks it."""
    katalog = get_object_or_404(Katalog, aar=aar)
    if perm and not rules.has_perm(perm, request.user, katalog):
        raise PermissionDenied("Du har ikke adgang til at oprette omstillingsforslag.")
    return katalog


def hent_forslag(request: HttpRequest, aar: int, nr: str, *, rediger: bool = False) -> Forslag:
    """A proposal by catalogue year and number; with `rediger`, 403 unless the user may edit proposals."""
    forslag = get_object_or_404(Forslag.objects.select_related("katalog", "udvalg"), katalog__aar=aar, nr=nr)
    if rediger and not rules.has_perm("omstilling.rediger_forslag", request.user, forslag):
        raise PermissionDenied("Du har ikke adgang til at redigere omstillingsforslag.")
    return forslag


def hent_opfoelgning(request: HttpRequest, aar: int, nr: int, *, rediger: bool = False) -> Opfoelgning:
    """A round as the user may see it (open rounds are drafts, hidden from udvalgsmedlemmer: 404); with `rediger`,
    403 unless the user may edit follow-ups in it now (a locked round refuses everyone)."""
    opfoelgning = opslag.hent_opfoelgning(request, aar, nr)
    if rediger and not rules.has_perm("omstilling.rediger_forslagsopfoelgning", request.user, opfoelgning):
        raise PermissionDenied(
            LAAST_BESKED if opfoelgning.er_laast else "Du har ikke adgang til at redigere opfølgningen."
        )
    return opfoelgning


def hent_forslagsopfoelgning(
    request: HttpRequest, opfoelgning_aar: int, opfoelgning_nr: int, aar: int, nr: str, *, rediger: bool = False
) -> Forslagsopfoelgning:
    """A proposal's follow-up in a round (unsaved if none yet). 404 unless the proposal is taken into the budget and
    its catalogue runs in the round's year; 403 as for the round."""
    opfoelgning = hent_opfoelgning(request, opfoelgning_aar, opfoelgning_nr, rediger=rediger)
    forslag = hent_forslag(request, aar, nr)
    if forslag.status != Forslag.MEDTAGET or not forslag.katalog.daekker(opfoelgning.aar.aar):
        raise Http404("Forslaget følges ikke op i denne budgetopfølgning.")
    opf = Forslagsopfoelgning.objects.filter(forslag=forslag, opfoelgning=opfoelgning).first()
    return opf or Forslagsopfoelgning(forslag=forslag, opfoelgning=opfoelgning)


def _kan(request: HttpRequest, perm: str, obj=None) -> bool:
    return rules.has_perm(perm, request.user, obj)


# --- The catalogue ---------------------------------------------------------------------------------------------------


@require_safe
def katalog_liste(request: HttpRequest) -> HttpResponse:
    kataloger = Katalog.objects.annotate(antal=Count("forslag"))
    return render(request, "omstilling/katalog_liste.html", {"kataloger": kataloger})


def oversigt_kontekst(katalog: Katalog) -> dict:
    """What the overview page, its PDF and its workbook show: one function, so they cannot disagree."""
    return {"katalog": katalog, "oversigt": selectors.oversigt(katalog)}


@require_safe
def oversigt_side(request: HttpRequest, aar: int) -> HttpResponse:
    katalog = hent_katalog(request, aar)
    # The overview's tables are a cached fragment under the catalogue's key, built only when missing.
    kontekst = {"katalog": katalog, "oversigt": functools.cache(functools.partial(selectors.oversigt, katalog)),
                "katalog_noegle": mellemlager.noegle(katalog), "katalog_timeout": mellemlager.TIMEOUT}
    kontekst["kan_oprette"] = _kan(request, "omstilling.opret_forslag", katalog)
    kontekst["opfoelgninger"] = (
        Opfoelgning.objects.for_user(request.user)
        .select_related("aar")
        .filter(aar__aar__gte=katalog.aar_fra, aar__aar__lte=katalog.aar_til)
        .order_by("aar__aar", "nummer")
    )
    return render(request, "omstilling/oversigt.html", kontekst)


@require_safe
def oversigt_pdf(request: HttpRequest, aar: int) -> HttpResponse:
    katalog = hent_katalog(request, aar)
    data = eksport.render_pdf("omstilling/oversigt_pdf.html", oversigt_kontekst(katalog), titel=katalog.titel)
    return _fil(data, "application/pdf", f"omstillingsforslag-{katalog.aar}.pdf", vedhaeft=False)


@require_safe
def oversigt_xlsx(request: HttpRequest, aar: int) -> HttpResponse:
    katalog = hent_katalog(request, aar)
    data = eksport.oversigt_workbook(oversigt_kontekst(katalog))
    return _fil(
        data,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"omstillingsforslag-{katalog.aar}.xlsx",
        vedhaeft=True,
    )


def _fil(data: bytes, content_type: str, filnavn: str, *, vedhaeft: bool) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filnavn, vedhaeft=vedhaeft)
    response["Cache-Control"] = "private, no-cache"
    return response


# --- One proposal ----------------------------------------------------------------------------------------------------


def forslag_kontekst(forslag: Forslag) -> dict:
    """The proposal as its form prints it: facts, texts, the economics table and the serviceramme split."""
    katalog = forslag.katalog
    return {
        "katalog": katalog,
        "forslag": forslag,
        "aarene": katalog.aarene,
        "oekonomi": selectors.oekonomitabel(forslag, katalog),
        "serviceramme": selectors.servicerammetabel(forslag, katalog),
    }


@require_safe
def forslag_side(request: HttpRequest, aar: int, nr: str) -> HttpResponse:
    valgt = hent_forslag(request, aar, nr)
    kontekst = forslag_kontekst(valgt)
    kontekst.update(
        {
            "kan_redigere": _kan(request, "omstilling.rediger_forslag", valgt),
            "opfoelgninger": selectors.forslagets_opfoelgninger(valgt, request.user),
            "historik": selectors.historik(valgt, request.user),
        }
    )
    return render(request, "omstilling/forslag.html", kontekst)


@require_safe
def forslag_pdf(request: HttpRequest, aar: int, nr: str) -> HttpResponse:
    valgt = hent_forslag(request, aar, nr)
    data = eksport.render_pdf("omstilling/forslag_pdf.html", forslag_kontekst(valgt), titel=f"{valgt.nr} {valgt.titel}")
    return _fil(data, "application/pdf", f"omstillingsforslag-{aar}-{valgt.nr}.pdf", vedhaeft=False)


def _forslagsformer(katalog: Katalog, valgt: Forslag | None):
    """The proposal's forms as they open, filled with what is saved now."""
    instans = Forslag.objects.get(pk=valgt.pk) if valgt else Forslag(katalog=katalog)
    tal = {t.aar: t for t in valgt.aarstal.all()} if valgt else {}
    return (
        ForslagForm(instance=instans, katalog=katalog, initial={"version": versioner.version_af(valgt)}),
        [AarForm(aar=a, initial=AarForm.initial_for(tal.get(a))) for a in katalog.aarene],
        RammeFormSet(prefix="ramme", initial=rammer_initial(valgt) if valgt else []),
    )


def _forslagsformular(request: AuthenticatedHttpRequest, katalog: Katalog, valgt: Forslag | None) -> HttpResponse:
    """Create or edit a proposal with its per-year figures and rammer: all forms valid, or nothing is saved."""
    konflikt = indsendt = None
    if request.method == "POST":
        # The form validates into its own copy, so the page heading keeps the saved title when the input is refused.
        instans = Forslag.objects.get(pk=valgt.pk) if valgt else Forslag(katalog=katalog)
        form = ForslagForm(request.POST, instance=instans, katalog=katalog)
        aarsformer = [AarForm(request.POST, aar=a) for a in katalog.aarene]
        rammeformer = RammeFormSet(request.POST, prefix="ramme")
        if form.is_valid() & all([f.is_valid() for f in aarsformer]) & rammeformer.is_valid():
            try:
                gemt = services.gem_forslag(
                    forslag=form.save(commit=False),
                    aarstal={f.aar: f.cleaned_data for f in aarsformer},
                    rammer=rammer_fra(rammeformer),
                    bruger=request.user,
                    version=form.cleaned_data["version"],
                )
            except versioner.Konflikt as exc:
                konflikt = str(exc)
                # The forms show what is saved now; what the user typed is listed beside them (empty ramme rows
                # left out).
                indsendt = versioner.indsendt([form, *aarsformer, *(f for f in rammeformer.forms if f.has_changed())])
                valgt = get_object_or_404(Forslag.objects.select_related("katalog", "udvalg"), pk=instans.pk)
                form, aarsformer, rammeformer = _forslagsformer(katalog, valgt)
            except IntegrityError:
                # Someone saved a proposal with the same number between our check and our write.
                form.add_error("nr", "Der findes allerede et forslag med dette nummer i kataloget.")
            else:
                messages.success(request, f"{gemt.nr} {gemt.titel} er gemt.")
                return redirect("omstilling:forslag", katalog.aar, gemt.nr)
    else:
        form, aarsformer, rammeformer = _forslagsformer(katalog, valgt)
    fejl = [
        (f"#{felt.id_for_label}", felt.label, fejl)
        for f in [form, *aarsformer, *rammeformer.forms]
        for felt in f
        for fejl in felt.errors
    ]
    fejl += [("", "", e) for f in [form, *aarsformer, *rammeformer.forms] for e in f.non_field_errors()]
    fejl += [("", "", e) for e in rammeformer.non_form_errors()]
    return render(
        request,
        "omstilling/rediger_forslag.html",
        {
            "katalog": katalog,
            "forslag": valgt,
            "form": form,
            "aarsformer": aarsformer,
            "rammeformer": rammeformer,
            "fejl": fejl,
            "konflikt": konflikt,
            "indsendt": indsendt,
        },
        status=409 if konflikt else 200,
    )


@require_http_methods(["GET", "POST"])
def nyt_forslag(request: AuthenticatedHttpRequest, aar: int) -> HttpResponse:
    katalog = hent_katalog(request, aar, perm="omstilling.opret_forslag")
    return _forslagsformular(request, katalog, None)


@require_http_methods(["GET", "POST"])
def rediger_forslag(request: AuthenticatedHttpRequest, aar: int, nr: str) -> HttpResponse:
    valgt = hent_forslag(request, aar, nr, rediger=True)
    return _forslagsformular(request, valgt.katalog, valgt)


# --- Follow-up in a round --------------------------------------------------------------------------------------------


@require_safe
def opfoelgning_side(request: HttpRequest, opfoelgning_aar: int, opfoelgning_nr: int) -> HttpResponse:
    valgt = hent_opfoelgning(request, opfoelgning_aar, opfoelgning_nr)
    kontekst = forslagsstatus.forslagsstatus(valgt, request.user)
    kontekst["kan_redigere"] = _kan(request, "omstilling.rediger_forslagsopfoelgning", valgt)
    return render(request, "omstilling/opfoelgning.html", kontekst)


@require_http_methods(["GET", "POST"])
def rediger_opfoelgning(
    request: AuthenticatedHttpRequest, opfoelgning_aar: int, opfoelgning_nr: int, aar: int, nr: str
) -> HttpResponse:
    opf = hent_forslagsopfoelgning(request, opfoelgning_aar, opfoelgning_nr, aar, nr, rediger=True)
    valgt_opfoelgning = opf.opfoelgning
    forrige = forslagsstatus.forrige_opfoelgning(valgt_opfoelgning, request.user)
    sidst = Forslagsopfoelgning.objects.filter(forslag=opf.forslag, opfoelgning=forrige).first() if forrige else None
    konflikt = indsendt = None
    if request.method == "POST":
        form = OpfoelgningForm(request.POST, instance=opf)
        if form.is_valid():
            try:
                services.gem_forslagsopfoelgning(
                    forslagsopfoelgning=form.save(commit=False),
                    bruger=request.user,
                    version=form.cleaned_data["version"],
                )
            except services.OpfoelgningLaast as exc:
                raise PermissionDenied(str(exc)) from exc
            except versioner.Konflikt as exc:
                konflikt = str(exc)
                # The form shows what is saved now; what the user typed is listed beside it.
                indsendt = versioner.indsendt([form])
                opf = hent_forslagsopfoelgning(request, opfoelgning_aar, opfoelgning_nr, aar, nr, rediger=True)
                form = OpfoelgningForm(instance=opf, initial={"version": versioner.version_af(opf)})
            else:
                messages.success(request, f"Opfølgningen på {opf.forslag.nr} er gemt.")
                return redirect(
                    reverse("omstilling:opfoelgning", args=[opfoelgning_aar, opfoelgning_nr])
                    + f"#forslag-{opf.forslag.pk}"
                )
    else:
        initial = {"version": versioner.version_af(opf)}
        if opf.pk is None and sidst is not None:
            # Like forecasts, a round's follow-up starts from the previous round's.
            initial.update(indsats=sidst.indsats, oekonomi=sidst.oekonomi, kommentar=sidst.kommentar)
        form = OpfoelgningForm(instance=opf, initial=initial)
    tal = opf.forslag.aarstal.filter(aar=valgt_opfoelgning.aar.aar).first()
    return render(
        request,
        "omstilling/rediger_opfoelgning.html",
        {
            "opf": opf,
            "forslag": opf.forslag,
            "opfoelgning": valgt_opfoelgning,
            "forrige": forrige,
            "sidst": sidst,
            "planlagt": tal.nettodriftsbesparelse if tal is not None and tal.har_drift else None,
            "form": form,
            "konflikt": konflikt,
            "indsendt": indsendt,
        },
        status=409 if konflikt else 200,
    )


@require_POST
def overfoer_opfoelgning(request: AuthenticatedHttpRequest, opfoelgning_aar: int, opfoelgning_nr: int) -> HttpResponse:
    """Start every not yet followed-up proposal from the previous round's statuses and comment."""
    valgt = hent_opfoelgning(request, opfoelgning_aar, opfoelgning_nr, rediger=True)
    forrige = forslagsstatus.forrige_opfoelgning(valgt, request.user)
    if forrige is None:
        messages.error(request, "Der er ingen tidligere budgetopfølgning at overføre fra.")
        return redirect("omstilling:opfoelgning", opfoelgning_aar, opfoelgning_nr)
    forslag = list(
        Forslag.objects.filter(
            katalog__in=forslagsstatus.kataloger_i_aar(valgt.aar.aar), status=Forslag.MEDTAGET
        ).select_related("katalog")
    )
    try:
        antal = services.overfoer_fra_forrige(opfoelgning=valgt, forrige=forrige, forslag=forslag, bruger=request.user)
    except services.OpfoelgningLaast as exc:
        raise PermissionDenied(str(exc)) from exc
    messages.success(request, f"Status og kommentar er overført fra {forrige} for {antal} forslag.")
    return redirect("omstilling:opfoelgning", opfoelgning_aar, opfoelgning_nr)
