"""Changes to forbrug, the kontoplan or a periodisering, and the version that says so.

`meld(aar)` is called by the kontoplan and forbrug imports, which write in bulk, and by the receivers below for a
konto or periodisering saved or deleted one at a time (the admin). It sends `forbrug_aendret` with the years whose
figures show the change: the year itself and the TIDLIGERE_AAR years after it, whose periodisering reads its forbrug.
The receiver here gives those years a new `Budgetaar.forbrug_version`, the key of their forbrug sums in the cache
(`selectors.i_cachen`); the round pages' cache (`budgetopfolgning.mellemlager`) listens too.
"""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

from forbrug.models import Aarsperiodisering, Konto, Rammeperiodisering
from forbrug.selectors import TIDLIGERE_AAR
from kerne.models import ny_tal_version
from rammer.models import Budgetaar

forbrug_aendret = Signal()  # sent with aar_fra and aar_til, the years (as numbers) whose figures changed


def meld(*, aar: int, sender: Any = None) -> None:
    """The forbrug, kontoplan or periodisering of year `aar` changed."""
    forbrug_aendret.send(sender=sender, aar_fra=aar, aar_til=aar + TIDLIGERE_AAR)


def _forny_version(sender: Any, *, aar_fra: int, aar_til: int, **kwargs: Any) -> None:
    Budgetaar.objects.filter(aar__gte=aar_fra, aar__lte=aar_til).update(forbrug_version=ny_tal_version())


def _gemt(sender: type, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # loaddata restores rows as they were
    if isinstance(instance, Rammeperiodisering):
        aar = Budgetaar.objects.filter(rammer__dele__pk=instance.rammedel_id).values_list("aar", flat=True).first()
    else:
        aar = Budgetaar.objects.filter(pk=instance.aar_id).values_list("aar", flat=True).first()
    if aar is not None:
        meld(aar=aar, sender=sender)


def forbind() -> None:
    """Called from the app's ready()."""
    forbrug_aendret.connect(_forny_version, dispatch_uid="forbrug_version")
    for model in (Konto, Aarsperiodisering, Rammeperiodisering):
        post_save.connect(_gemt, sender=model, dispatch_uid=f"forbrug_gem_{model.__name__}")
        post_delete.connect(_gemt, sender=model, dispatch_uid=f"forbrug_slet_{model.__name__}")
