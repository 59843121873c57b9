"""Writes that span several models: saving a proposal with its figures and rammer, saving a follow-up, starting a
round's follow-ups from the previous round. Each runs in one transaction, so a failure leaves nothing half-written.
The catalogue loader (indlaesning.py) writes through the helpers here."""

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models, transaction

from budgetopfolgning.models import Opfoelgning
from kerne import historik, versioner
from omstilling.models import (
    AARSFELTER,
    FORSLAGSFELTER,
    MED_FORSLAGET,
    RAMMEFELTER,
    Forslag,
    Forslagsaar,
    Forslagsopfoelgning,
    Forslagsramme,
    Katalog,
    Katalogudvalg,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class OpfoelgningLaast(Exception):
    pass


# simple_history stores the reason in a varchar(100); a long file name must not make PostgreSQL refuse the save.
GRUND_MAKS = 100


def _gem(obj: models.Model, grund: str, bruger: "User | None" = None) -> None:
    historik.saet_grund(obj, grund[:GRUND_MAKS])
    if bruger is not None:
        historik.saet_bruger(obj, bruger)
    obj.save()


def _opdater_felter(obj: models.Model, ny: models.Model, felter: Iterable[str], grund: str) -> bool:
    """Copy the fields that differ from `ny` onto `obj` and save; untouched rows get no history entry."""
    aendret = [f for f in felter if getattr(obj, f) != getattr(ny, f)]
    if not aendret:
        return False
    for f in aendret:
        setattr(obj, f, getattr(ny, f))
    _gem(obj, grund)
    return True


def _rammer_ens(gamle: list[Forslagsramme], nye: list[Forslagsramme]) -> bool:
    return [tuple(getattr(r, f) for f in RAMMEFELTER) for r in gamle] == [
        tuple(getattr(r, f) for f in RAMMEFELTER) for r in nye
    ]


def _erstat_rammer(forslag: Forslag, nye: list[Forslagsramme], grund: str, bruger: "User | None" = None) -> None:
    """Make the proposal's rammer equal `nye`: unchanged ones stay (no history noise), the rest are removed/added."""
    gamle: dict[tuple[object, ...], list[Forslagsramme]] = {}
    for r in forslag.rammer.all():
        gamle.setdefault(tuple(getattr(r, f) for f in RAMMEFELTER), []).append(r)
    for i, ny in enumerate(nye, start=1):
        match = gamle.get(tuple(getattr(ny, f) for f in RAMMEFELTER))
        if match:
            beholdt = match.pop(0)
            if beholdt.raekkefoelge != i:
                beholdt.raekkefoelge = i
                _gem(beholdt, grund, bruger)
            continue
        ny.pk = None
        ny.forslag = forslag
        ny.raekkefoelge = i
        _gem(ny, grund, bruger)
    for rest in gamle.values():
        for gammel in rest:
            historik.saet_grund(gammel, grund[:GRUND_MAKS])
            if bruger is not None:
                historik.saet_bruger(gammel, bruger)
            gammel.delete()


def _opret_forslag(
    katalog: Katalog,
    udvalg: Katalogudvalg,
    forslag: Forslag,
    aarstal: list[Forslagsaar],
    rammer: list[Forslagsramme],
    grund: str,
    bruger: "User | None" = None,
) -> Forslag:
    forslag.katalog = katalog
    forslag.udvalg = udvalg
    _gem(forslag, grund, bruger)
    for aar in aarstal:
        aar.forslag = forslag
        _gem(aar, MED_FORSLAGET, bruger)
    for i, ramme in enumerate(rammer, start=1):
        ramme.forslag = forslag
        ramme.raekkefoelge = i
        _gem(ramme, MED_FORSLAGET, bruger)
    return forslag


@transaction.atomic
def gem_forslag(
    *,
    forslag: Forslag,
    aarstal: dict[int, dict[str, Decimal]],
    rammer: list[dict[str, str]],
    bruger: "User | None",
    version: int,
) -> Forslag:
    """Save a proposal from the browser with its per-year figures and its rammer, all or nothing.

    `version` is the proposal's version the form was opened at: if anyone saved the proposal, its figures or its
    rammer since, `versioner.Konflikt` is raised and nothing is written. A save that changes any of them gives the
    proposal a new version. A new proposal has nothing to compare against.
    """
    nye_rammer = [Forslagsramme(**r) for r in rammer]
    nye_aar = [Forslagsaar(aar=aar, **vaerdier) for aar, vaerdier in sorted(aarstal.items())]
    if forslag.pk is None:
        forslag.aendret_af = bruger
        return _opret_forslag(forslag.katalog, forslag.udvalg, forslag, nye_aar, nye_rammer, "oprettet", bruger)

    [gemt] = versioner.laas_versioner(Forslag.objects.filter(pk=forslag.pk), {forslag.pk: version})
    # The form's copy was read before the row was locked; the version to count on from is the locked row's.
    forslag.version = gemt.version
    egne = any(getattr(gemt, f) != getattr(forslag, f) for f in FORSLAGSFELTER + ("nr", "udvalg_id"))
    boern = False
    for ny in nye_aar:
        row = Forslagsaar.objects.filter(forslag=forslag, aar=ny.aar).first()
        if row is None:
            ny.forslag = forslag
            _gem(ny, "", bruger)
            boern = True
            continue
        aendret = [f for f in AARSFELTER if getattr(row, f) != getattr(ny, f)]
        if aendret:
            for f in aendret:
                setattr(row, f, getattr(ny, f))
            _gem(row, "", bruger)
            boern = True
    if not _rammer_ens(list(forslag.rammer.all()), nye_rammer):
        _erstat_rammer(forslag, nye_rammer, "", bruger)
        boern = True
    if egne or boern:
        versioner.ny_version(forslag, bruger=bruger)
    if egne:
        _gem(forslag, "", bruger)
    return forslag


@transaction.atomic
def gem_forslagsopfoelgning(
    *, forslagsopfoelgning: Forslagsopfoelgning, bruger: "User | None", version: int
) -> Forslagsopfoelgning:
    """Save a proposal's follow-up in a round, refusing once the round is locked.

    The round row is locked first, so a follow-up cannot slip in between the lock's check and its commit.
    `version` is the follow-up's version the form was opened at, 0 if it had none yet; if anyone saved it since,
    `versioner.Konflikt` is raised and nothing is written.
    """
    opfoelgning = Opfoelgning.objects.select_for_update().get(pk=forslagsopfoelgning.opfoelgning_id)
    if opfoelgning.er_laast:
        raise OpfoelgningLaast(f"{opfoelgning} er låst. Opfølgningen kan ikke længere ændres.")
    gemt = versioner.laas_version(
        Forslagsopfoelgning.objects.filter(forslag_id=forslagsopfoelgning.forslag_id, opfoelgning_id=opfoelgning.pk),
        version,
    )
    if gemt is None:
        forslagsopfoelgning.aendret_af = bruger
        _gem(forslagsopfoelgning, "", bruger)
        return forslagsopfoelgning
    felter = ("indsats", "oekonomi", "kommentar", "realiseret")
    if all(getattr(gemt, f) == getattr(forslagsopfoelgning, f) for f in felter):
        return gemt  # unchanged: no new version, no history entry
    for f in felter:
        setattr(gemt, f, getattr(forslagsopfoelgning, f))
    versioner.ny_version(gemt, bruger=bruger)
    _gem(gemt, "", bruger)
    return gemt


@transaction.atomic
def overfoer_fra_forrige(
    *, opfoelgning: Opfoelgning, forrige: Opfoelgning, forslag: list[Forslag], bruger: "User | None"
) -> int:
    """Start a round's follow-ups from the previous round's statuses and comments, as forecasts start from the
    previous round's. Only proposals without a follow-up in this round get one; the realised saving is not copied,
    since it belongs to its round. Returns how many were created."""
    opfoelgning = Opfoelgning.objects.select_for_update().get(pk=opfoelgning.pk)
    if opfoelgning.er_laast:
        raise OpfoelgningLaast(f"{opfoelgning} er låst. Opfølgningen kan ikke længere ændres.")
    har = set(Forslagsopfoelgning.objects.filter(opfoelgning=opfoelgning).values_list("forslag_id", flat=True))
    sidste = {o.forslag_id: o for o in Forslagsopfoelgning.objects.filter(opfoelgning=forrige, forslag__in=forslag)}
    antal = 0
    for f in forslag:
        if f.pk in har or f.pk not in sidste:
            continue
        gammel = sidste[f.pk]
        ny = Forslagsopfoelgning(
            forslag=f,
            opfoelgning=opfoelgning,
            indsats=gammel.indsats,
            oekonomi=gammel.oekonomi,
            kommentar=gammel.kommentar,
            aendret_af=bruger,
        )
        _gem(ny, f"overført fra {forrige}", bruger)
        antal += 1
    return antal
