"""What konsulenter enter in an open round: a ramme's form (`gem_ramme`), the round's grid (`gem_raekker`), and
splitting a ramme part into activities.

Every save locks the round's row first, so a save and the round's lock never interleave, refuses a locked round,
checks each line's version (`kerne.versioner`) and keeps a ramme part with activities equal to their sum. A save
that changes a ramme's figures sets its review status back to *I gang* (`gennemgang.py`).
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from django.db import transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from budgetopfolgning import gennemgang, mellemlager
from budgetopfolgning.models import Aktivitetslinje, Opfoelgning, Opfoelgningslinje
from budgetopfolgning.services import OpfoelgningsFejl
from kerne import versioner
from kerne.beloeb import NUL
from rammer.models import Aktivitet, Aktivitetsdel, Bevillingsramme, Rammedel

if TYPE_CHECKING:
    from django.contrib.auth.models import User

L = TypeVar("L", Opfoelgningslinje, Aktivitetslinje)


@dataclass
class Indtastning:
    """What the edit form submits for one ramme part (or one activity), with the version it was based on.

    For a ramme part with activities, korrektioner and forventet forbrug are None: they are the activities' sum.
    """

    korrektioner: Decimal | None
    forventet_forbrug: Decimal | None
    forklaring: str
    version: int
    # Only where the year reports overførsler; None leaves the stored figure as it is.
    forventet_overfoersel: Decimal | None = None


def _aendr_linje(linje: L, bruger: "User | None", nu: datetime, **felter: object) -> bool:
    """Set changed fields of a line with a new version and who saved it (the caller writes them in bulk); False when
    nothing changed."""
    if all(getattr(linje, felt) == value for felt, value in felter.items()):
        return False
    for felt, value in felter.items():
        setattr(linje, felt, value)
    # The version, time and user `versioner.ny_version` would write; set here so one bulk UPDATE writes them all.
    linje.version, linje.aendret, linje.aendret_af = linje.version + 1, nu, bruger
    return True


@transaction.atomic
def gem_ramme(
    *,
    opfoelgning: Opfoelgning,
    indtastninger: dict[int, Indtastning],
    bruger: "User | None",
    aktiviteter: dict[int, Indtastning] | None = None,
) -> list[Opfoelgningslinje]:
    """Save a ramme's parts in a round, keyed by Opfoelgningslinje pk, and its activities, keyed by
    Aktivitetslinje pk, with optimistic locking.

    The round row is locked first, so a save and a lock of the round never interleave. A line whose version
    differs from the one the form was opened with (or that is gone) raises `versioner.Konflikt` and nothing is
    written. A ramme part with activities gets their sum as its korrektioner and forventet forbrug.
    """
    aktiviteter = aktiviteter or {}
    opfoelgning = Opfoelgning.objects.select_for_update().get(pk=opfoelgning.pk)
    if opfoelgning.er_laast:
        raise OpfoelgningsFejl(f"{opfoelgning} er låst. Ændringer hører til i næste budgetopfølgning.")
    linjer = versioner.laas_versioner(
        Opfoelgningslinje.objects.filter(opfoelgning=opfoelgning).select_related("rammedel"),
        {pk: ny.version for pk, ny in indtastninger.items()},
    )
    akt_linjer = versioner.laas_versioner(
        Aktivitetslinje.objects.filter(opfoelgning=opfoelgning).select_related("aktivitetsdel__aktivitet"),
        {pk: ny.version for pk, ny in aktiviteter.items()},
    )

    # Every changed row is written in bulk, with its history rows in bulk too: a constant number of queries however
    # many activities the ramme has.
    nu = timezone.now()
    felter = ["korrektioner", "forventet_forbrug", "version", "aendret", "aendret_af"]
    aendrede_akt = [
        akt_linje
        for akt_linje in akt_linjer
        if _aendr_linje(
            akt_linje, bruger, nu,
            korrektioner=aktiviteter[akt_linje.pk].korrektioner,
            forventet_forbrug=aktiviteter[akt_linje.pk].forventet_forbrug,
        )
    ]
    if aendrede_akt:
        bulk_update_with_history(aendrede_akt, Aktivitetslinje, felter, default_user=bruger)
    summer = {
        (row["aktivitetsdel__aktivitet__ramme_id"], row["aktivitetsdel__placering"]): row
        for row in Aktivitetslinje.objects.filter(opfoelgning=opfoelgning)
        .values("aktivitetsdel__aktivitet__ramme_id", "aktivitetsdel__placering")
        .annotate(k=Sum("korrektioner"), f=Sum("forventet_forbrug"))
    }
    aendrede = []
    for linje in linjer:
        ny = indtastninger[linje.pk]
        nye_felter: dict[str, object] = {"forklaring": ny.forklaring}
        if ny.forventet_overfoersel is not None:
            nye_felter["forventet_overfoersel"] = ny.forventet_overfoersel
        sum_ = summer.get((linje.rammedel.ramme_id, linje.rammedel.placering))
        if sum_ is not None:
            nye_felter.update(korrektioner=sum_["k"], forventet_forbrug=sum_["f"])
        else:
            nye_felter.update(korrektioner=ny.korrektioner, forventet_forbrug=ny.forventet_forbrug)
        if _aendr_linje(linje, bruger, nu, **nye_felter):
            aendrede.append(linje)
    if aendrede:
        bulk_update_with_history(
            aendrede, Opfoelgningslinje, [*felter, "forklaring", "forventet_overfoersel"], default_user=bruger
        )
    if aendrede or aendrede_akt:
        mellemlager.tal_aendret(aar_id=opfoelgning.aar_id)
        gennemgang.saet_i_gang(opfoelgning=opfoelgning, ramme_ids={linje.rammedel.ramme_id for linje in linjer}
                               | {a.aktivitetsdel.aktivitet.ramme_id for a in akt_linjer}, bruger=bruger)
    return linjer


@dataclass
class Aktivitetstal:
    navn: str
    oprindeligt_budget: Decimal
    korrektioner: Decimal
    forventet_forbrug: Decimal


@transaction.atomic
def indfoer_aktiviteter(
    *, opfoelgning: Opfoelgning, rammedel: Rammedel, aktiviteter: list[Aktivitetstal], bruger: "User | None" = None
) -> list[Aktivitetslinje]:
    """Split a ramme part into activities from this round on.

    The activities' figures must add up exactly to the ramme part's adopted budget and to its korrektioner
    and forventet forbrug in the round, so no figure already reported changes.
    """
    opfoelgning = Opfoelgning.objects.select_for_update().get(pk=opfoelgning.pk)
    if opfoelgning.er_laast:
        raise OpfoelgningsFejl(f"{opfoelgning} er låst.")
    linje = Opfoelgningslinje.objects.get(opfoelgning=opfoelgning, rammedel=rammedel)
    if Aktivitetsdel.objects.filter(aktivitet__ramme=rammedel.ramme, placering=rammedel.placering).exists():
        raise OpfoelgningsFejl(f"{rammedel} har allerede aktiviteter.")
    for felt, forventet in (
        ("oprindeligt_budget", rammedel.oprindeligt_budget),
        ("korrektioner", linje.korrektioner),
        ("forventet_forbrug", linje.forventet_forbrug),
    ):
        total = sum((getattr(a, felt) for a in aktiviteter), NUL)
        if total != forventet:
            raise OpfoelgningsFejl(
                f"Aktiviteternes {felt.replace('_', ' ')} giver {total} kr., men {rammedel} har {forventet} kr."
            )
    result = []
    with mellemlager.samlet(aar_id=opfoelgning.aar_id):
        for sortering, tal in enumerate(aktiviteter, start=1):
            aktivitet, _ = Aktivitet.objects.get_or_create(
                ramme=rammedel.ramme, navn=tal.navn, defaults={"sortering": sortering}
            )
            del_ = Aktivitetsdel.objects.create(
                aktivitet=aktivitet, placering=rammedel.placering, oprindeligt_budget=tal.oprindeligt_budget
            )
            result.append(
                Aktivitetslinje.objects.create(
                    opfoelgning=opfoelgning,
                    aktivitetsdel=del_,
                    korrektioner=tal.korrektioner,
                    forventet_forbrug=tal.forventet_forbrug,
                    aendret_af=bruger,
                )
            )
    return result




@dataclass
class Raekke:
    """One row of the round's grid as submitted: a ramme part without activities, or an activity."""

    korrektioner: Decimal
    forventet_forbrug: Decimal
    version: int


@dataclass
class Raekkekonflikt:
    """A row someone else saved after the grid was opened: not written; the page shows both values."""

    linje: Opfoelgningslinje | Aktivitetslinje
    indtastet: Raekke

    @property
    def ramme(self) -> Bevillingsramme:
        if isinstance(self.linje, Aktivitetslinje):
            return self.linje.aktivitetsdel.aktivitet.ramme
        return self.linje.rammedel.ramme


@dataclass
class Gitterresultat:
    gemte_rammer: list[Bevillingsramme]
    konflikter: list[Raekkekonflikt]


@transaction.atomic
def gem_raekker(
    *,
    opfoelgning: Opfoelgning,
    dele: dict[int, Raekke],
    aktiviteter: dict[int, Raekke],
    bruger: "User | None",
) -> Gitterresultat:
    """Save the grid: ramme parts keyed by Opfoelgningslinje pk, activities keyed by Aktivitetslinje pk.

    Unlike a ramme's form, each row keeps its own optimistic lock: a row whose version differs from the one the
    grid was opened with is left as it is and reported, and every other changed row is saved. A ramme part with
    activities takes their sum. The number of queries does not grow with the number of rows.
    """
    opfoelgning = Opfoelgning.objects.select_for_update().get(pk=opfoelgning.pk)
    if opfoelgning.er_laast:
        raise OpfoelgningsFejl(f"{opfoelgning} er låst. Ændringer hører til i næste budgetopfølgning.")
    nu = timezone.now()
    konflikter: list[Raekkekonflikt] = []
    rammer: dict[int, Bevillingsramme] = {}

    def skriv(linjer: list[L], indtastet: dict[int, Raekke]) -> list[L]:
        aendrede = []
        for linje in linjer:
            ny = indtastet[linje.pk]
            if linje.version != ny.version:
                konflikter.append(Raekkekonflikt(linje=linje, indtastet=ny))
                continue
            if linje.korrektioner == ny.korrektioner and linje.forventet_forbrug == ny.forventet_forbrug:
                continue
            linje.korrektioner, linje.forventet_forbrug = ny.korrektioner, ny.forventet_forbrug
            linje.version, linje.aendret, linje.aendret_af = linje.version + 1, nu, bruger
            aendrede.append(linje)
        return aendrede

    # Lines of this round only: a pk from another round, or a part that takes its activities' sum, is not a row.
    del_linjer = list(
        Opfoelgningslinje.objects.filter(opfoelgning=opfoelgning, pk__in=list(dele))
        .exclude(_har_aktiviteter())
        .select_for_update(of=("self",)).select_related("rammedel__ramme", "aendret_af").order_by("pk")
    )
    akt_linjer = list(
        Aktivitetslinje.objects.filter(opfoelgning=opfoelgning, pk__in=list(aktiviteter))
        .select_for_update(of=("self",)).select_related("aktivitetsdel__aktivitet__ramme", "aendret_af").order_by("pk")
    )
    aendrede_dele = skriv(del_linjer, dele)
    aendrede_akt = skriv(akt_linjer, aktiviteter)
    felter = ["korrektioner", "forventet_forbrug", "version", "aendret", "aendret_af"]
    if aendrede_akt:
        bulk_update_with_history(aendrede_akt, Aktivitetslinje, felter, default_user=bruger)
        aendrede_dele += _opdater_summer(opfoelgning, {a.aktivitetsdel.aktivitet.ramme_id for a in aendrede_akt}, nu,
                                         bruger)
    if aendrede_dele:
        bulk_update_with_history(aendrede_dele, Opfoelgningslinje, felter, default_user=bruger)
    for linje in aendrede_dele:
        rammer[linje.rammedel.ramme_id] = linje.rammedel.ramme
    for a in aendrede_akt:
        rammer[a.aktivitetsdel.aktivitet.ramme_id] = a.aktivitetsdel.aktivitet.ramme
    if rammer:
        mellemlager.tal_aendret(aar_id=opfoelgning.aar_id)
        gennemgang.saet_i_gang(opfoelgning=opfoelgning, ramme_ids=set(rammer), bruger=bruger)
    return Gitterresultat(
        gemte_rammer=sorted(rammer.values(), key=lambda r: r.sorteringsnoegle),
        konflikter=sorted(konflikter, key=lambda k: k.ramme.sorteringsnoegle),
    )


def _har_aktiviteter() -> Exists:
    """A ramme part that has activities on its side of the serviceramme: its figures are their sum."""
    return Exists(
        Aktivitetsdel.objects.filter(aktivitet__ramme_id=OuterRef("rammedel__ramme_id"),
                                     placering=OuterRef("rammedel__placering"))
    )


def _opdater_summer(
    opfoelgning: Opfoelgning, ramme_ids: set[int], nu: datetime, bruger: "User | None"
) -> list[Opfoelgningslinje]:
    """The ramme parts of `ramme_ids` that have activities, set to their activities' sums; those that changed."""
    summer = {
        (row["aktivitetsdel__aktivitet__ramme_id"], row["aktivitetsdel__placering"]): (row["k"], row["f"])
        for row in Aktivitetslinje.objects.filter(opfoelgning=opfoelgning,
                                                  aktivitetsdel__aktivitet__ramme_id__in=ramme_ids)
        .values("aktivitetsdel__aktivitet__ramme_id", "aktivitetsdel__placering")
        .annotate(k=Sum("korrektioner"), f=Sum("forventet_forbrug"))
    }
    aendrede = []
    for linje in (
        Opfoelgningslinje.objects.filter(opfoelgning=opfoelgning, rammedel__ramme_id__in=ramme_ids)
        .select_for_update(of=("self",)).select_related("rammedel__ramme").order_by("pk")
    ):
        sum_ = summer.get((linje.rammedel.ramme_id, linje.rammedel.placering))
        if sum_ is None or (linje.korrektioner, linje.forventet_forbrug) == sum_:
            continue
        linje.korrektioner, linje.forventet_forbrug = sum_
        linje.version, linje.aendret, linje.aendret_af = linje.version + 1, nu, bruger
        aendrede.append(linje)
    return aendrede
