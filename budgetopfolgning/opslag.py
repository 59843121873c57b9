"""The lookups of a round's views: one per model, each with its permission check."""

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from budgetopfolgning.models import Opfoelgning
from budgetopfolgning.rules import RammeIOpfoelgning
from rammer.models import Bevillingsramme
from rammer.rules import ingen_adgang_til


def hent_opfoelgning(request: HttpRequest, aar: int, nr: int, perm: str | None = None) -> Opfoelgning:
    """The one lookup of a round: 404 when it does not exist or the user may not see it (open rounds are
    drafts, invisible to udvalgsmedlemmer); 403 when the user may see it but not do `perm` to it."""
    opfoelgning = get_object_or_404(_synlige(request), aar__aar=aar, nummer=nr)
    if perm and not rules.has_perm(perm, request.user, opfoelgning):
        raise PermissionDenied
    return opfoelgning


def _synlige(request: HttpRequest) -> QuerySet[Opfoelgning]:
    """The rounds the user may see, each with its year."""
    return Opfoelgning.objects.select_related("aar").defer("bilag_pdf").for_user(request.user)


def hent_ramme_i_opfoelgning(request: HttpRequest, aar: int, nr: int, ramme_nr: str, *, rediger: bool = False):
    """The one lookup of a ramme in a round; with `rediger`, 403 unless the user may edit it now."""
    opfoelgning = hent_opfoelgning(request, aar, nr)
    return opfoelgning, _ramme(request, opfoelgning, ramme_nr, rediger=rediger)


def hent_ramme_og_aarets_runder(
    request: HttpRequest, aar: int, nr: int, ramme_nr: str
) -> tuple[Opfoelgning, Bevillingsramme, list[Opfoelgning]]:
    """`hent_ramme_i_opfoelgning` for reading, and the year's other rounds the user may see, read with the round in
    one query (the ramme page links to the ramme in each of them)."""
    aarets = list(_synlige(request).filter(aar__aar=aar))
    opfoelgning = next((o for o in aarets if o.nummer == nr), None)
    if opfoelgning is None:
        raise Http404("Budgetopfølgningen findes ikke.")
    andre = [o for o in aarets if o.pk != opfoelgning.pk]
    return opfoelgning, _ramme(request, opfoelgning, ramme_nr), andre


def _ramme(request: HttpRequest, opfoelgning: Opfoelgning, ramme_nr: str, *, rediger: bool = False) -> Bevillingsramme:
    ramme = get_object_or_404(Bevillingsramme.objects.select_related("udvalg"), aar=opfoelgning.aar, nummer=ramme_nr)
    ramme.aar = opfoelgning.aar  # the same year, already read with the round
    if rediger and not rules.has_perm(
        "budgetopfolgning.rediger_ramme", request.user, RammeIOpfoelgning(opfoelgning, ramme)
    ):
        if opfoelgning.er_laast:
            raise PermissionDenied(f"{opfoelgning} er låst. Ændringer hører til i næste budgetopfølgning.")
        raise PermissionDenied(ingen_adgang_til(ramme))
    return ramme
