"""The catalogue overview's tables, kept in Django's cache until the catalogue changes.

The overview page's cached fragment is keyed on `Katalog.tal_version`, which gets a new random value, in the writing
transaction, with every save or delete of what the overview is made from: the catalogue, its krav and udvalg, its
proposals, their years and rammer (through the signals below; the services and the catalogue loader save row by
row). The key is read from the catalogue's own row, which the page loads anyway, so every process agrees on what is
current whatever cache it has.
"""

from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from kerne.models import ny_tal_version
from omstilling.models import Forslag, Forslagsaar, Forslagsramme, Katalog, Katalogudvalg, Krav

# A catalogue's entries are replaced at its next change; the timeout only bounds what old versions occupy.
TIMEOUT = 60 * 60


def noegle(katalog: Katalog) -> str:
    """The cache key of the catalogue's overview as it is now (read from its row, no query)."""
    return f"katalog:{katalog.pk}:{katalog.tal_version}"


def forslag_for_ramme(nummer: str, aar: int) -> list[dict]:
    """`selectors.forslag_for_ramme`, from the cache while no catalogue running in the year has changed (one small
    query for their versions instead of the proposals' joins): a ramme's page shows it."""
    from omstilling import selectors

    versioner = list(Katalog.objects.filter(aar_fra__lte=aar, aar_til__gte=aar).order_by("pk").values_list(
        "pk", "tal_version"
    ))
    key = f"forslag_for_ramme:{aar}:{nummer}:" + ",".join(f"{pk}.{v}" for pk, v in versioner)
    forslag = cache.get(key)
    if forslag is None:
        forslag = selectors.forslag_for_ramme(nummer, aar) if versioner else []
        cache.set(key, forslag, TIMEOUT)
    return forslag


def _aendret(sender: type, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, Katalog):
        kataloger = Katalog.objects.filter(pk=instance.pk)
    elif isinstance(instance, Krav | Katalogudvalg | Forslag):
        kataloger = Katalog.objects.filter(pk=instance.katalog_id)
    else:  # Forslagsaar, Forslagsramme
        kataloger = Katalog.objects.filter(forslag__pk=instance.forslag_id)
    kataloger.update(tal_version=ny_tal_version())


def forbind() -> None:
    """Called from the app's ready(): every model the overview is made from. Also for loaddata (raw saves), which
    may bring back other figures."""
    for model in (Katalog, Krav, Katalogudvalg, Forslag, Forslagsaar, Forslagsramme):
        post_save.connect(_aendret, sender=model, dispatch_uid=f"omstilling_mellemlager_gem_{model.__name__}")
        post_delete.connect(_aendret, sender=model, dispatch_uid=f"omstilling_mellemlager_slet_{model.__name__}")
