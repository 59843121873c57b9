"""Optimistic locking: the one scheme every edit page uses.

What a page edits carries a `version` that goes one up at every save (`Versioneret`). The page's form carries the
version it was opened at in a hidden field (`VersionFelt`, named `version` where a page edits one object). The
service locks the row inside its transaction (`laas_versioner`, `laas_version`), compares, and raises `Konflikt`
when someone saved in between, before anything is written; a save that changes something calls `ny_version`. The
view then answers 409 and shows the current values in the form with the user's own input beside them
(`templates/_konflikt.html`, with `indsendt`), so nothing typed is lost and nothing is overwritten unseen.

Nothing is held while a form is open: two people rarely edit the same thing at once, and a pessimistic lock would
strand the page of someone who went to lunch.
"""

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import F, QuerySet
from django.utils import timezone

from kerne.datoer import kort_dato

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Never a version (they start at 1, and 0 stands for "did not exist yet"): what a form without one counts as.
UKENDT = -1


class Versioneret(models.Model):
    """The columns optimistic locking needs: the version, and who saved last and when, for the conflict message."""

    # How the conflict message names the object and refers back to it, in Danish:
    # "Forslaget er ændret af … efter du åbnede det."
    konfliktnavn = ("Siden", "den")

    version = models.PositiveIntegerField(default=1, editable=False)
    aendret = models.DateTimeField("ændret", auto_now=True)
    aendret_af = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        abstract = True


V = TypeVar("V", bound=Versioneret)


class Konflikt(Exception):
    """Someone saved after the form was opened; nothing was written. The message says who and when, in Danish."""

    def __init__(self, objekt: Versioneret) -> None:
        self.objekt = objekt
        navn, pronomen = objekt.konfliktnavn
        if objekt.pk is None or objekt.aendret is None:
            # The row was created or removed by someone else meanwhile: there is no save of it to point at.
            besked = f"{navn} er ændret af en anden bruger, efter du åbnede {pronomen}."
        else:
            hvem = fuldt_navn(objekt.aendret_af) if objekt.aendret_af is not None else "en anden bruger"
            tid = timezone.localtime(objekt.aendret)
            besked = f"{navn} er ændret af {hvem} den {kort_dato(tid)} kl. {tid:%H.%M}, efter du åbnede {pronomen}."
        super().__init__(besked)


class VersionFelt(forms.IntegerField):
    """The hidden field that carries the version a form was opened at. A form shown again with its errors keeps it,
    so correcting a typo cannot skip the check. A missing or unreadable value becomes `UKENDT`, which never matches:
    leaving the field out cannot skip it either."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int:
        try:
            return int(value)
        except (TypeError, ValueError):
            return UKENDT


def fuldt_navn(bruger: "User") -> str:
    """How a person is named to other people: their full name, the username only for a user without one."""
    return bruger.get_full_name() or bruger.get_username()


def version_af(objekt: Versioneret | None) -> int:
    """The version a form opened now carries: 0 for what does not exist yet, so someone else creating it first is a
    conflict too."""
    return objekt.version if objekt is not None and objekt.pk is not None else 0


def _laast(queryset: QuerySet) -> QuerySet:
    # `of=("self",)`: PostgreSQL cannot lock the nullable side of the outer join to the user, which is read only to
    # name them in the message. SQLite ignores row locks; its IMMEDIATE transactions serialise the writers instead.
    return queryset.select_for_update(of=("self",)).select_related("aendret_af")


def laas_versioner(queryset: QuerySet[V], versioner: Mapping[int, int]) -> list[V]:
    """Lock the rows of `queryset` whose pk is in `versioner` and check each against the version its form was opened
    at. Rows are locked in pk order, so two saves of overlapping rows queue instead of deadlocking.

    Raises `Konflikt` for the first row that changed, or when a row is gone (or never belonged to `queryset`).
    """
    raekker = list(_laast(queryset).filter(pk__in=list(versioner)).order_by("pk"))
    fundne = {r.pk for r in raekker}
    if fundne != set(versioner):
        raise Konflikt(queryset.model())
    for raekke in raekker:
        if raekke.version != versioner[raekke.pk]:
            raise Konflikt(raekke)
    return raekker


def laas_version(queryset: QuerySet[V], version: int) -> V | None:
    """Lock the one row of `queryset` (or nothing, when there is none yet) and check it against `version`, which is
    0 when the form was opened before the row existed. Returns the row, or None while it still does not exist."""
    raekke = _laast(queryset).first()
    if version_af(raekke) != version:
        raise Konflikt(raekke or queryset.model())
    return raekke


def ny_version(objekt: Versioneret, *, bruger: "User | None") -> None:
    """Count a save through a page: the version goes one up and the row records who saved and when.

    Written as an UPDATE of those columns alone, so a parent whose own fields did not change (a ledelsesinformation
    whose estimate was edited) gets no history entry of its own; a row that also changed is saved by the caller
    afterwards, with the new version. Call it on a row locked by `laas_versioner` or `laas_version`.
    """
    nu = timezone.now()
    type(objekt)._default_manager.filter(pk=objekt.pk).update(version=F("version") + 1, aendret=nu, aendret_af=bruger)
    objekt.version += 1
    objekt.aendret = nu
    objekt.aendret_af = bruger


def _vist(felt: forms.BoundField) -> str:
    """A submitted value as the user chose it: a choice's label rather than its key, Ja/Nej for a tick box."""
    widget = felt.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "Ja" if widget.value_from_datadict(felt.form.data, felt.form.files, felt.html_name) else "Nej"
    return _vist_vaerdi(felt, felt.data)


def _vist_vaerdi(felt: forms.BoundField, vaerdi: Any) -> str:
    """A value of the field as the user knows it: a choice's label, Ja/Nej for a tick box."""
    if isinstance(felt.field.widget, forms.CheckboxInput):
        return "Ja" if vaerdi else "Nej"
    if isinstance(vaerdi, list):
        vaerdi = ", ".join(str(v) for v in vaerdi)
    vaerdi = "" if vaerdi is None else str(vaerdi)
    valg = getattr(felt.field, "choices", None)
    if valg is not None:
        for noegle, tekst in valg:
            if str(getattr(noegle, "value", noegle)) == vaerdi and vaerdi != "":
                return str(tekst)
    return vaerdi


def sammenlign(indsendte: Iterable[tuple[str, str]], formular: forms.BaseForm | None) -> list[dict[str, Any]]:
    """Per field: what is saved now (as the re-shown `formular` holds it) beside what the user submitted, so the
    conflict page can show the two side by side. A field the form does not hold has no saved value to show."""
    gemt: dict[str, str] = {}
    if formular is not None:
        for felt in formular:
            if not felt.is_hidden:
                gemt.setdefault(str(felt.label), _vist_vaerdi(felt, felt.value()))
    return [
        {
            "label": label,
            "indsendt": vaerdi,
            "gemt": gemt.get(label),
            "forskellig": label in gemt and gemt[label] != vaerdi,
        }
        for label, vaerdi in indsendte
    ]


def indsendt(formularer: Iterable[forms.BaseForm]) -> list[tuple[str, str]]:
    """(label, value) of everything the user submitted in bound forms, as typed: the conflict box lists it beside
    the form, which shows the current values again."""
    return [
        (str(felt.label), _vist(felt))
        for formular in formularer
        for felt in formular
        if not felt.is_hidden
    ]
