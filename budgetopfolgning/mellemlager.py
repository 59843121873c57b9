"""The round's figures, computed once and kept in Django's cache (settings.CACHES) until they change.

A locked round never changes, so its lines are kept for good, keyed on the round, the hash of its figures and the
moment it was locked. An open round's are keyed on its `tal_version`, which gets a new random value, in the writing
transaction, with every change to what its tables are made from: the services that write many rows at once call
`tal_aendret` themselves; every single-row save or delete (the admin's, a history revert) does so through the signals
below. The key is read from the round's own row, which every page loads anyway, so a page never shows a cached figure
that has since changed, and every process (gunicorn worker) agrees on what is current whatever cache it has.
"""

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

from budgetopfolgning import selectors
from budgetopfolgning.models import Aktivitetslinje, Opfoelgning, Opfoelgningslinje
from forbrug.signaler import forbrug_aendret
from kerne.models import Kommune, ny_tal_version
from rammer.models import Aktivitet, Aktivitetsdel, Bevillingsramme, Budgetaar, Rammedel, Udvalg

# An open round's entries are replaced at its next change; the timeout only bounds what old versions occupy.
AABEN_TIMEOUT = 60 * 60


def noegle(opfoelgning: Opfoelgning) -> str:
    """The cache key of the round's figures as they are now (read from the round's row, no query)."""
    if opfoelgning.er_laast and opfoelgning.laast_tidspunkt is not None:
        tid = opfoelgning.laast_tidspunkt.timestamp()
        return f"runde:{opfoelgning.pk}:laast:{opfoelgning.tal_sha256}:{tid}:{opfoelgning.tal_version}"
    return f"runde:{opfoelgning.pk}:aaben:{opfoelgning.tal_version}"


def timeout(opfoelgning: Opfoelgning) -> int | None:
    return None if opfoelgning.er_laast else AABEN_TIMEOUT


# The last few rounds' lines as objects in this process, in front of the shared cache: unpickling the model
# instances of 400 ramme parts costs more than the rest of a page. Safe to share because the key says exactly which
# figures they are, and nothing changes a Linje once made. A few rounds are open or looked at at a time.
_I_PROCESSEN: OrderedDict[str, list[selectors.Linje]] = OrderedDict()
_I_PROCESSEN_ANTAL = 8
_i_processen_laas = threading.Lock()


def linjer(opfoelgning: Opfoelgning) -> list[selectors.Linje]:
    """`selectors.linjer(opfoelgning)`, from the cache when the round has not changed since it was computed."""
    key = f"{noegle(opfoelgning)}:linjer"
    with _i_processen_laas:
        alle = _I_PROCESSEN.get(key)
        if alle is not None:
            _I_PROCESSEN.move_to_end(key)
            return alle
    alle = cache.get(key)
    if alle is None:
        alle = selectors.linjer(opfoelgning)
        cache.set(key, alle, timeout(opfoelgning))
    with _i_processen_laas:
        _I_PROCESSEN[key] = alle
        while len(_I_PROCESSEN) > _I_PROCESSEN_ANTAL:
            _I_PROCESSEN.popitem(last=False)
    return alle


def toem() -> None:
    """Forget every cached figure (tests: a rolled-back transaction brings back a round's old version)."""
    cache.clear()
    with _i_processen_laas:
        _I_PROCESSEN.clear()


def tal_aendret(*, aar_id: int) -> None:
    """Every round of the year gets a new version: a round's figures also show the year's earlier rounds (tidligere
    korrektioner, the previous forecast), its rammer, udvalg and serviceramme. One query."""
    Opfoelgning.objects.filter(aar_id=aar_id).update(tal_version=ny_tal_version())


_samlet = threading.local()


@contextmanager
def samlet(*, aar_id: int) -> Iterator[None]:
    """A service writing many rows of one year one by one: a single new version when it is done, not one per row."""
    forrige = getattr(_samlet, "aktiv", False)
    _samlet.aktiv = True
    try:
        yield
    finally:
        _samlet.aktiv = forrige
    tal_aendret(aar_id=aar_id)


def _aarets_runder(instance: Any) -> QuerySet[Opfoelgning] | None:
    """The rounds of the year a saved or deleted row belongs to (as a query, so the update below is one query)."""
    runder = Opfoelgning.objects
    if isinstance(instance, Kommune):
        return runder.all()  # its wording, names and number forms are in every round's tables
    if isinstance(instance, Budgetaar):
        return runder.filter(aar_id=instance.pk)
    if isinstance(instance, Udvalg | Bevillingsramme | Opfoelgning):
        return runder.filter(aar_id=instance.aar_id)
    if isinstance(instance, Opfoelgningslinje | Aktivitetslinje):
        return runder.filter(aar__opfoelgninger__pk=instance.opfoelgning_id)
    if isinstance(instance, Rammedel | Aktivitet):
        return runder.filter(aar__rammer__pk=instance.ramme_id)
    if isinstance(instance, Aktivitetsdel):
        return runder.filter(aar__rammer__aktiviteter__pk=instance.aktivitet_id)
    return None


def _aendret(sender: type, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw") or getattr(_samlet, "aktiv", False):
        return  # loaddata restores rows as they were; a `samlet` block renews the version once, at its end
    if sender is Opfoelgning and kwargs.get("update_fields") is not None and not (
        set(kwargs["update_fields"]) & {"nummer", "pr_dato", "aar", "status"}
    ):
        return  # a change to the round's row that shows in no table
    runder = _aarets_runder(instance)
    if runder is not None:
        runder.update(tal_version=ny_tal_version())


def _forbrug_aendret(*, aar_fra: int, aar_til: int, **kwargs: Any) -> None:
    """Forbrug, the kontoplan or a periodisering changed for the years `aar_fra` … `aar_til` (forbrug/signaler.py):
    their rounds show it. One query."""
    Opfoelgning.objects.filter(aar__aar__gte=aar_fra, aar__aar__lte=aar_til).update(tal_version=ny_tal_version())


def forbind() -> None:
    """Called from the app's ready(): every model the round's figures are made from."""
    for model in (Opfoelgning, Opfoelgningslinje, Aktivitetslinje, Budgetaar, Udvalg, Bevillingsramme, Rammedel,
                  Aktivitet, Aktivitetsdel, Kommune):
        post_save.connect(_aendret, sender=model, dispatch_uid=f"mellemlager_gem_{model.__name__}")
        post_delete.connect(_aendret, sender=model, dispatch_uid=f"mellemlager_slet_{model.__name__}")
    # Forbrug, the kontoplan and the periodisering, imported or saved in the admin (forbrug/signaler.py).
    forbrug_aendret.connect(_forbrug_aendret, dispatch_uid="mellemlager_forbrug")
