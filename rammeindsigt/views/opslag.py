"""The lookups of the ramme-in-depth views: one per model, each with its permission check."""

import rules
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from rammeindsigt.selectors.ledelsesinformation import hent_li
from rammer.models import Bevillingsramme, Ledelsesinformation
from rammer.rules import ingen_adgang_til


def hent_ramme(request: HttpRequest, aar: int, ramme_nr: str, *, rediger: bool = False) -> Bevillingsramme:
    """A ramme by year and number: 404 if it does not exist; with `rediger`, 403 unless the user may edit its data
    (Center for Økonomi, or an økonomikonsulent assigned to it that year)."""
    ramme = get_object_or_404(
        Bevillingsramme.objects.select_related("aar", "udvalg"), aar__aar=aar, nummer=ramme_nr
    )
    if rediger and not rules.has_perm("rammer.rediger_rammedata", request.user, ramme):
        raise PermissionDenied(ingen_adgang_til(ramme))
    return ramme


def hent_ledelsesinformation(
    request: HttpRequest, aar: int, ramme_nr: str, *, rediger: bool = False
) -> Ledelsesinformation:
    """The ramme's ledelsesinformation (404 if it has none), with the ramme's permission check."""
    ramme = hent_ramme(request, aar, ramme_nr, rediger=rediger)
    li = hent_li(ramme)
    if li is None:
        raise Http404("Rammen har ingen ledelsesinformation for året.")
    return li


def kan_redigere(request: HttpRequest, ramme: Bevillingsramme) -> bool:
    return rules.has_perm("rammer.rediger_rammedata", request.user, ramme)


def svarstatus(form: BaseForm, konflikt: str | None) -> int:
    """409 for a conflict (the form then shows what is saved now), 400 for refused input, else 200."""
    if konflikt:
        return 409
    return 400 if form.is_bound and form.errors else 200
