"""A ramme's budget model: the page, a what-if that computes without saving, and saving the figures."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from kerne import versioner
from kerne.beloeb import redigerbart
from kerne.roller import AuthenticatedHttpRequest
from rammeindsigt import services
from rammeindsigt.forms import BudgetmodelForm
from rammeindsigt.selectors import budgetmodel as selectors
from rammeindsigt.views.opslag import hent_ramme, kan_redigere


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
            "kan_redigere": kan_redigere(request, valgt),
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
