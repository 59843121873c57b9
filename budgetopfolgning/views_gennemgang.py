"""The konsulent's workbench in an open round: the grid of every row the user may edit, and the review of each
ramme (ready, approved, sent back, comments)."""


import functools

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from budgetopfolgning import arbejdsliste, forbrugstal, gennemgang, indtastning
from budgetopfolgning.forms import GitterForm, KommentarForm
from budgetopfolgning.models import Aktivitetslinje, Opfoelgning, Rammekommentar, Rammestatus
from budgetopfolgning.opslag import hent_opfoelgning, hent_ramme_i_opfoelgning
from budgetopfolgning.rules import RammeIOpfoelgning
from budgetopfolgning.services import OpfoelgningsFejl
from budgetopfolgning.sider import fortegn
from forbrug import selectors as forbrug_selectors
from kerne.beloeb import redigerbart
from kerne.datoer import kort_dato
from kerne.roller import AuthenticatedHttpRequest, kun_laeser
from kerne.tekst import antal
from rammer.rules import redigerbare_rammer


def _navn(bruger) -> str:
    if bruger is None:
        return "en anden bruger"
    return bruger.get_full_name() or bruger.get_username()


def _initial(raekker: list[arbejdsliste.Gitterraekke]) -> dict:
    initial: dict[str, object] = {}
    for r in raekker:
        if r.redigerbar and r.linje is not None:
            initial[f"{r.noegle}_korrektioner"] = redigerbart(r.linje.korrektioner)
            initial[f"{r.noegle}_forventet_forbrug"] = redigerbart(r.linje.forventet_forbrug)
            initial[f"{r.noegle}_version"] = r.linje.version
            initial[f"{r.noegle}_aabnet"] = GitterForm.aabnet_vaerdi(r.linje.korrektioner, r.linje.forventet_forbrug)
    return initial


def _konfliktbesked(k: indtastning.Raekkekonflikt) -> str:
    hvad = k.ramme.nummer
    if isinstance(k.linje, Aktivitetslinje):
        hvad += f" ({k.linje.aktivitetsdel.aktivitet.navn})"
    tid = timezone.localtime(k.linje.aendret)
    return f"{hvad} er ændret af {_navn(k.linje.aendret_af)} den {kort_dato(tid)} kl. {tid:%H.%M}"


def _forbrugstal(
    opfoelgning: Opfoelgning, raekker: list[arbejdsliste.Gitterraekke]
) -> dict[int, forbrug_selectors.Forbrugstal]:
    """The forbrug figures per ramme part of the grid (by Rammedel pk), when the year has forbrug; a part no konto
    of the kontoplan reaches has no prognose (its forbrug is unknown, not 0)."""
    if not forbrugstal.har_forbrug(opfoelgning):
        return {}
    dele = [r.kilde for r in raekker if r.kilde is not None]
    return {d.linje.rammedel.pk: d.tal for d in forbrugstal.forbrugsdele(opfoelgning, dele)}


@require_http_methods(["GET", "POST"])
def indtastning_side(request: AuthenticatedHttpRequest, aar: int, nr: int) -> HttpResponse:
    """Every ramme part and activity the user may edit in the round, as rows of one form."""
    opfoelgning = hent_opfoelgning(request, aar, nr)
    if opfoelgning.er_laast:
        raise PermissionDenied(f"{opfoelgning} er låst. Ændringer hører til i næste budgetopfølgning.")
    ramme_ids = redigerbare_rammer(request.user, opfoelgning.aar_id)
    if ramme_ids is not None and not ramme_ids:
        raise PermissionDenied("Du er ikke ansvarlig for nogen rammer i denne budgetopfølgning.")
    kun_aendrede = request.GET.get("kun_aendrede") == "1"
    raekker = arbejdsliste.gitterraekker(opfoelgning, ramme_ids)
    if kun_aendrede:
        raekker = [r for r in raekker if r.aendret_siden_sidst]
    konflikter: list[indtastning.Raekkekonflikt] = []
    status = 200
    if request.method == "POST":
        form = GitterForm(request.POST, raekker=raekker)
        if form.is_valid():
            aendrede = form.aendrede()
            dele = {r.linje.pk: indtastning.Raekke(k, f, v) for r, k, f, v in aendrede if not r.er_aktivitet}
            akt = {r.linje.pk: indtastning.Raekke(k, f, v) for r, k, f, v in aendrede if r.er_aktivitet}
            try:
                resultat = indtastning.gem_raekker(
                    opfoelgning=opfoelgning, dele=dele, aktiviteter=akt, bruger=request.user
                )
            except OpfoelgningsFejl as exc:
                raise PermissionDenied(str(exc)) from exc
            konflikter = resultat.konflikter
            besked = f"{antal(len(resultat.gemte_rammer), 'ramme', 'rammer')} gemt"
            if not konflikter:
                messages.success(request, besked + "." if aendrede else "Der var ingen ændringer at gemme.")
                url = request.path + ("?kun_aendrede=1" if kun_aendrede else "")
                return redirect(url)
            ikke_gemt = len({k.ramme.pk for k in konflikter})
            besked += f", {ikke_gemt} ikke gemt: " + "; ".join(_konfliktbesked(k) for k in konflikter) + "."
            messages.warning(request, besked)
            status = 409
            # The grid again with what is saved now; each refused row shows what the user typed beside it.
            raekker = arbejdsliste.gitterraekker(opfoelgning, ramme_ids)
            if kun_aendrede:
                raekker = [r for r in raekker if r.aendret_siden_sidst]
            form = GitterForm(raekker=raekker, initial=_initial(raekker))
        else:
            status = 400
    else:
        form = GitterForm(raekker=raekker, initial=_initial(raekker))
    indtastet = {
        ("a" if isinstance(k.linje, Aktivitetslinje) else "d") + str(k.linje.pk): k for k in konflikter
    }
    forbrug = _forbrugstal(opfoelgning, raekker)
    return render(
        request,
        "budgetopfolgning/indtastning.html",
        {
            "opfoelgning": opfoelgning,
            "form": form,
            "raekker": [
                {
                    "r": r,
                    "korrektioner": form[f"{r.noegle}_korrektioner"] if r.redigerbar else None,
                    "forventet": form[f"{r.noegle}_forventet_forbrug"] if r.redigerbar else None,
                    "version": form[f"{r.noegle}_version"] if r.redigerbar else None,
                    "aabnet": form[f"{r.noegle}_aabnet"] if r.redigerbar else None,
                    "bekraeft": form[f"{r.noegle}_bekraeft"] if r.noegle in form.skal_bekraeftes else None,
                    "konflikt": indtastet.get(r.noegle),
                    "konflikt_tekst": _konfliktbesked(indtastet[r.noegle]) if r.noegle in indtastet else "",
                    "prognose": forbrug[r.kilde.rammedel.pk].prognose if r.kilde and forbrug else None,
                }
                for r in raekker
            ],
            "total": arbejdsliste.sum_tal(raekker, opfoelgning),
            "vis_prognose": bool(forbrug),
            "antal_kolonner": 6 + 2 * opfoelgning.har_tidligere_opfoelgninger + bool(forbrug),
            # A sum has a prognose only when every part has one: forbrug's own rule.
            "prognose_total": forbrug_selectors.summer(forbrug.values()).prognose if forbrug else None,
            "kun_aendrede": kun_aendrede,
            **fortegn(),
        },
        status=status,
    )


HANDLINGER = {
    "klar": "budgetopfolgning.meld_klar",
    "kommentar": "budgetopfolgning.kommenter_ramme",
    "godkend": "budgetopfolgning.godkend_ramme",
    "tilbage": "budgetopfolgning.godkend_ramme",
}


@require_POST
def gennemgang_handling(request: AuthenticatedHttpRequest, aar: int, nr: int, ramme_nr: str) -> HttpResponse:
    """A step in a ramme's review, or a comment, posted from the ramme's page."""
    handling = request.POST.get("handling", "")
    if handling not in HANDLINGER:
        raise PermissionDenied("Ukendt handling.")
    opfoelgning, valgt = hent_ramme_i_opfoelgning(request, aar, nr, ramme_nr)
    perm_objekt = RammeIOpfoelgning(opfoelgning, valgt) if handling in ("klar", "kommentar") else opfoelgning
    if not rules.has_perm(HANDLINGER[handling], request.user, perm_objekt):
        raise PermissionDenied("Du kan ikke gøre dette ved rammen i denne budgetopfølgning.")
    form = KommentarForm(request.POST) if handling in ("kommentar", "tilbage") else None
    if form is not None and not form.is_valid():
        fejl = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, f"Kommentaren er ikke gemt: {fejl}")
        return redirect("ramme", aar, nr, valgt.nummer)
    tekst = form.cleaned_data["tekst"] if form is not None else ""
    navn = f"{valgt.nummer} {valgt.navn}"
    try:
        if handling == "klar":
            gennemgang.marker_klar(opfoelgning=opfoelgning, ramme=valgt, bruger=request.user)
            messages.success(request, f"{navn} er meldt klar til godkendelse.")
        elif handling == "godkend":
            gennemgang.godkend(opfoelgning=opfoelgning, ramme=valgt, bruger=request.user)
            messages.success(request, f"{navn} er godkendt.")
        elif handling == "tilbage":
            gennemgang.send_tilbage(opfoelgning=opfoelgning, ramme=valgt, bruger=request.user, kommentar=tekst)
            messages.success(request, f"{navn} er sendt tilbage til konsulenten med din kommentar.")
        else:
            gennemgang.skriv_kommentar(opfoelgning=opfoelgning, ramme=valgt, bruger=request.user, tekst=tekst)
            messages.success(request, "Kommentaren er gemt.")
    except gennemgang.GennemgangsFejl as exc:
        messages.error(request, str(exc))
    return redirect("ramme", aar, nr, valgt.nummer)


def arbejdsliste_kontekst(request: AuthenticatedHttpRequest, opfoelgning: Opfoelgning, alle) -> dict:
    """What the round page of an open round starts with: a konsulent's own rammer; for Center for Økonomi the counts
    per status, linking to the page of all rammer. Center for Økonomi's counts need only the statuses (one query);
    a konsulent's list is worked out for the konsulent's own rammer only."""
    ramme_ids = redigerbare_rammer(request.user, opfoelgning.aar_id)
    kun_aendrede = request.GET.get("kun_aendrede") == "1"
    if ramme_ids is None:
        raekker = []
        optaelling = arbejdsliste.optaelling_af_statusser(opfoelgning, alle)
    else:
        raekker = arbejdsliste.rammestatusser(opfoelgning, [linje for linje in alle if linje.ramme.pk in ramme_ids])
        optaelling = arbejdsliste.optaelling(raekker)
    return {
        "arbejdsliste": arbejdsliste.filtrer(raekker, ramme_ids=ramme_ids, kun_aendrede=kun_aendrede),
        "arbejdsliste_alle": ramme_ids is None,
        "optaelling": optaelling,
        "kun_aendrede": kun_aendrede,
        "har_egne_rammer": ramme_ids is None or bool(ramme_ids),
    }


@require_safe
def rammestatus_side(request: AuthenticatedHttpRequest, aar: int, nr: int) -> HttpResponse:
    """The rammer of a round with status, afvigelse, missing explanation and konsulent: all of them for Center for
    Økonomi, filterable by konsulent, udvalg and status; a konsulent's own for a konsulent."""
    opfoelgning = hent_opfoelgning(request, aar, nr)
    if kun_laeser(request.user):
        raise PermissionDenied("Rammernes status er for Center for Økonomi og økonomikonsulenterne.")
    ramme_ids = redigerbare_rammer(request.user, opfoelgning.aar_id)
    raekker = arbejdsliste.filtrer(arbejdsliste.rammestatusser(opfoelgning), ramme_ids=ramme_ids)
    konsulent = request.GET.get("konsulent", "")
    udvalg_kode = request.GET.get("udvalg", "")
    status = request.GET.get("status", "")
    kun_aendrede = request.GET.get("kun_aendrede") == "1"
    valgte = arbejdsliste.filtrer(
        raekker,
        konsulent_id=int(konsulent) if konsulent.isascii() and konsulent.isdecimal() else None,
        udvalg_kode=udvalg_kode,
        status=status, kun_aendrede=kun_aendrede,
    )
    return render(
        request,
        "budgetopfolgning/rammestatus.html",
        {
            "opfoelgning": opfoelgning,
            "arbejdsliste": valgte,
            "antal_i_alt": len(raekker),
            "arbejdsliste_alle": ramme_ids is None,
            "optaelling": arbejdsliste.optaelling(raekker),
            "filtre": {"konsulent": konsulent, "udvalg": udvalg_kode, "status": status, "kun_aendrede": kun_aendrede},
            "konsulenter": sorted(
                {k.pk: k for r in raekker for k in r.konsulenter}.values(), key=lambda k: _navn(k).lower()
            ),
            "udvalg_liste": sorted(
                {r.ramme.udvalg.kode: r.ramme.udvalg for r in raekker}.values(), key=lambda u: u.raekkefoelge
            ),
            "statusser": arbejdsliste.STATUSNAVN.items(),
        },
    )


def ramme_gennemgang_kontekst(request: AuthenticatedHttpRequest, opfoelgning: Opfoelgning, ramme) -> dict:
    """What a ramme's page in a round shows of its review: status, thread, the steps the user may take, and how
    the explanations changed since the previous round."""
    status = Rammestatus.objects.filter(opfoelgning=opfoelgning, ramme=ramme).select_related("aendret_af").first()
    kode = status.status if status else Rammestatus.IKKE_PAABEGYNDT
    i_runden = RammeIOpfoelgning(opfoelgning, ramme)
    kan_kommentere = rules.has_perm("budgetopfolgning.kommenter_ramme", request.user, i_runden)
    kan_godkende = rules.has_perm("budgetopfolgning.godkend_ramme", request.user, opfoelgning)
    return {
        "rammestatus": status,
        "status_kode": kode,
        "status_navn": arbejdsliste.STATUSNAVN[kode],
        "kommentarer": list(
            Rammekommentar.objects.filter(opfoelgning=opfoelgning, ramme=ramme).select_related("forfatter")
        ) if kan_kommentere or kan_godkende else [],
        "kan_kommentere": kan_kommentere or kan_godkende,
        "kan_melde_klar": kode in (Rammestatus.IKKE_PAABEGYNDT, Rammestatus.I_GANG)
        and rules.has_perm("budgetopfolgning.meld_klar", request.user, i_runden),
        "kan_godkende": kan_godkende and kode == Rammestatus.KLAR,
        "kan_sende_tilbage": kan_godkende and kode in (Rammestatus.KLAR, Rammestatus.GODKENDT),
        "kommentarform": KommentarForm(),
        # Built only when the page's cached fragment of them is missing (ramme.html, under the round's key).
        "forklaringsaendringer": functools.cache(
            functools.partial(arbejdsliste.forklaringsaendringer, opfoelgning, ramme)
        ),
    }


def laast_traad_kontekst(request: AuthenticatedHttpRequest, opfoelgning: Opfoelgning, ramme) -> dict:
    """A locked round's comment thread on a ramme, read-only, for Center for Økonomi and the ramme's konsulent."""
    if not rules.has_perm("budgetopfolgning.se_kommentarer", request.user, RammeIOpfoelgning(opfoelgning, ramme)):
        return {}
    return {
        "laast_traad": list(
            Rammekommentar.objects.filter(opfoelgning=opfoelgning, ramme=ramme).select_related("forfatter")
        )
    }


def forside_arbejdsliste(request: AuthenticatedHttpRequest, opfoelgninger: list[Opfoelgning]) -> list[dict]:
    """Per open round the front page shows: a konsulent's own rammer, or Center for Økonomi's counts per status."""
    result = []
    for opfoelgning in opfoelgninger:
        if opfoelgning.er_laast:
            continue
        ramme_ids = redigerbare_rammer(request.user, opfoelgning.aar_id)
        if ramme_ids is not None and not ramme_ids:
            continue
        raekker = arbejdsliste.rammestatusser(opfoelgning)
        result.append(
            {
                "opfoelgning": opfoelgning,
                "alle": ramme_ids is None,
                "raekker": arbejdsliste.filtrer(raekker, ramme_ids=ramme_ids),
                "optaelling": arbejdsliste.optaelling(raekker),
            }
        )
    return result
