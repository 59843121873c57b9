"""Read side of a ramme across years and rounds: its description, the rounds it appears in, the overview of rammer
with in-depth data."""

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from budgetopfolgning import selectors as opfoelgning_selectors
from budgetopfolgning.models import Opfoelgning
from rammer.models import Aarsregnskab, Bevillingsramme, Ledelsesinformation, Rammebeskrivelse, Ydelse

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def beskrivelse(ramme: Bevillingsramme) -> tuple[str, int | None]:
    """The ramme's description and the year it was written for.

    A ramme is re-created every year, but what it covers rarely changes, so a year without its own text shows the
    nearest earlier year's (or else a later one's) and says which year that is.
    """
    egen = Rammebeskrivelse.objects.filter(ramme=ramme).first()
    if egen:
        return egen.tekst, None
    andre = Rammebeskrivelse.objects.filter(ramme__nummer=ramme.nummer).select_related("ramme__aar")
    foer = andre.filter(ramme__aar__aar__lt=ramme.aar.aar).order_by("-ramme__aar__aar").first()
    valgt = foer or andre.order_by("ramme__aar__aar").first()
    if valgt:
        return valgt.tekst, valgt.ramme.aar.aar
    return "", None


@dataclass
class RammensOpfoelgning:
    """A round of the ramme's year with the ramme's parts and their sum."""

    opfoelgning: Opfoelgning
    linjer: list[opfoelgning_selectors.Linje]
    total: opfoelgning_selectors.Tal

    @property
    def korrektioner_i_aaret(self) -> Decimal:
        return self.total.korrektioner_i_aaret


def opfoelgninger(user: "User | AnonymousUser", ramme: Bevillingsramme) -> list[RammensOpfoelgning]:
    """The year's rounds the user may see (udvalgsmedlemmer: locked ones only), each with the ramme's figures."""
    result = []
    synlige = Opfoelgning.objects.for_user(user).filter(aar=ramme.aar_id).select_related("aar").order_by("nummer")
    for opfoelgning in synlige:
        linjer = opfoelgning_selectors.linjer(opfoelgning, ramme=ramme)
        total = opfoelgning_selectors.summer([linje.tal for linje in linjer], opfoelgning=opfoelgning)
        result.append(RammensOpfoelgning(opfoelgning=opfoelgning, linjer=linjer, total=total))
    return result


def andre_aar(ramme: Bevillingsramme) -> list[Bevillingsramme]:
    """The same ramme number in the other years, for moving between years."""
    return list(
        Bevillingsramme.objects.filter(nummer=ramme.nummer).exclude(pk=ramme.pk).select_related("aar")
        .order_by("aar__aar")
    )


@dataclass
class Rammeoversigt:
    ramme: Bevillingsramme
    regnskab: bool
    ledelsesinformation: bool
    budgetmodel: bool


def rammer_med_data() -> dict[int, list[Rammeoversigt]]:
    """Per year, the rammer with an årsregnskab, ledelsesinformation or budget model, for the overview page."""
    regnskaber = set(Aarsregnskab.objects.values_list("ramme_id", flat=True))
    li = set(Ledelsesinformation.objects.values_list("ramme_id", flat=True))
    modeller = set(Ydelse.objects.values_list("ramme_id", flat=True))
    qs = (
        Bevillingsramme.objects.filter(pk__in=regnskaber | li | modeller)
        .select_related("aar", "udvalg")
        .order_by("-aar__aar", "sorteringsnoegle", "nummer")
    )
    result: dict[int, list[Rammeoversigt]] = {}
    for ramme in qs:
        result.setdefault(ramme.aar.aar, []).append(
            Rammeoversigt(ramme=ramme, regnskab=ramme.pk in regnskaber, ledelsesinformation=ramme.pk in li,
                          budgetmodel=ramme.pk in modeller)
        )
    return result
