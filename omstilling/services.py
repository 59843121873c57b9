"""Writes that span several models: loading a catalogue, saving a proposal with its figures and rammer, saving a
follow-up. Each runs in one transaction, so a failure leaves nothing half-written."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from budgetopfolgning.models import Opfoelgning
from kerne import historik, versioner
from kerne.beloeb import NUL, UgyldigtTal, beloeb_fra_json
from kerne.tekst import styretegn_i
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
    Krav,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Katalogfejl(Exception):
    """The file cannot be loaded; `fejl` lists every problem found, in Danish, so all can be fixed in one go."""

    def __init__(self, fejl: list[str]) -> None:
        super().__init__("\n".join(fejl))
        self.fejl = fejl


class OpfoelgningLaast(Exception):
    pass


@dataclass
class Indlaesning:
    katalog: Katalog
    oprettet: bool = False
    aendrede: int = 0
    kun_i_databasen: list[str] = field(default_factory=list)


def _beloeb(value: object, sted: str, fejl: list[str]) -> Decimal:
    """Amounts in the file are kroner in machine notation ("50000", "-1500000.50") or integers."""
    try:
        return beloeb_fra_json(value)
    except UgyldigtTal as exc:
        fejl.append(f"{sted}: {exc}")
        return NUL


def _dato(value: Any, sted: str, fejl: list[str]) -> datetime.date | None:
    """`value` is whatever the JSON holds there; anything but an ISO date is reported."""
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        fejl.append(f"{sted}: »{value}« er ikke en dato på formen ÅÅÅÅ-MM-DD.")
        return None


def _valider(obj: models.Model, sted: str, fejl: list[str], exclude: tuple[str, ...] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for navn, beskeder in exc.message_dict.items():
            for besked in beskeder:
                fejl.append(f"{sted}, {navn}: {besked}")


@dataclass
class _Plan:
    """The whole file as unsaved model instances, checked before anything is written."""

    katalog: Katalog
    krav: list[Krav]
    udvalg: list[Katalogudvalg]
    forslag: list[tuple[Forslag, str, list[Forslagsaar], list[Forslagsramme]]]


def _laes(data: dict[str, Any]) -> _Plan:
    fejl: list[str] = []
    if not isinstance(data, dict):
        raise Katalogfejl(["Filen skal indeholde ét JSON-objekt."])
    if fejl := styretegn_i(data, ""):
        raise Katalogfejl(fejl)
    for noegle in ("aar", "aar_fra", "aar_til", "titel", "krav", "udvalg", "forslag"):
        if noegle not in data:
            fejl.append(f"Feltet »{noegle}« mangler.")
    if fejl:
        raise Katalogfejl(fejl)

    katalog = Katalog(
        aar=data["aar"],
        aar_fra=data["aar_fra"],
        aar_til=data["aar_til"],
        titel=data["titel"],
        dato=_dato(data.get("dato"), "Kataloget", fejl),
        sagsnr=data.get("sagsnr", ""),
    )
    _valider(katalog, "Kataloget", fejl)
    if fejl:
        raise Katalogfejl(fejl)
    if katalog.aar_fra > katalog.aar_til:
        raise Katalogfejl([f"Kataloget: første år {katalog.aar_fra} ligger efter sidste år {katalog.aar_til}."])
    aarene = [str(a) for a in katalog.aarene]

    krav: list[Krav] = []
    if not isinstance(data["krav"], dict) or sorted(data["krav"]) != aarene:
        fejl.append(f"Krav: der skal være ét beløb for hvert af årene {', '.join(aarene)}.")
    else:
        krav = [Krav(aar=int(a), beloeb=_beloeb(v, f"Krav {a}", fejl)) for a, v in sorted(data["krav"].items())]

    udvalg: list[Katalogudvalg] = []
    for i, u in enumerate(data["udvalg"], start=1):
        nyt_udvalg = Katalogudvalg(kode=u.get("kode", ""), navn=u.get("navn", ""), raekkefoelge=i)
        _valider(nyt_udvalg, f"Udvalg {nyt_udvalg.kode or i}", fejl, exclude=("katalog",))
        udvalg.append(nyt_udvalg)
    koder = [u.kode for u in udvalg]
    if len(set(koder)) != len(koder):
        fejl.append("Udvalg: den samme forkortelse står mere end én gang.")

    forslag: list[tuple[Forslag, str, list[Forslagsaar], list[Forslagsramme]]] = []
    set_nr: set[str] = set()
    arter = {felt for felt, _ in Forslag.ARTER}
    for i, f in enumerate(data["forslag"], start=1):
        nr = f.get("nr", "")
        sted = f"Forslag {nr or i}"
        if nr in set_nr:
            fejl.append(f"{sted}: nummeret står mere end én gang.")
        set_nr.add(nr)
        if f.get("udvalg") not in koder:
            fejl.append(f"{sted}: udvalget »{f.get('udvalg')}« står ikke i listen over udvalg.")
        ukendte = set(f.get("arter", [])) - arter
        if ukendte:
            fejl.append(f"{sted}: ukendt art {', '.join(sorted(ukendte))}.")
        tekster = f.get("tekster", {})
        obj = Forslag(
            nr=nr,
            titel=f.get("titel", ""),
            effektivisering="effektivisering" in f.get("arter", []),
            serviceniveau="serviceniveau" in f.get("arter", []),
            besparelse="besparelse" in f.get("arter", []),
            forslagsstiller=f.get("forslagsstiller", ""),
            kontakt_navn=f.get("kontakt_navn", ""),
            kontakt_telefon=f.get("kontakt_telefon", ""),
            kontakt_email=f.get("kontakt_email", ""),
            dato=_dato(f.get("dato"), sted, fejl),
            sagsid=f.get("sagsid", ""),
            status=f.get("status", Forslag.MEDTAGET),
            **{felt: tekster.get(felt, "") for felt, _ in Forslag.TEKSTER},
        )
        _valider(obj, sted, fejl, exclude=("katalog", "udvalg"))

        aar_data = f.get("aar", {})
        aarstal: list[Forslagsaar] = []
        if not isinstance(aar_data, dict) or sorted(aar_data) != aarene:
            fejl.append(f"{sted}: der skal være tal for hvert af årene {', '.join(aarene)}.")
        else:
            aarstal = [
                Forslagsaar(
                    aar=int(a), **{felt: _beloeb(v.get(felt, "0"), f"{sted} {a} {felt}", fejl) for felt in AARSFELTER}
                )
                for a, v in sorted(aar_data.items())
            ]
        rammer: list[Forslagsramme] = []
        for j, r in enumerate(f.get("rammer", []), start=1):
            ramme = Forslagsramme(raekkefoelge=j, **{felt: r.get(felt, "") for felt in RAMMEFELTER})
            _valider(ramme, f"{sted}, ramme {ramme.nummer or j}", fejl, exclude=("forslag",))
            rammer.append(ramme)
        forslag.append((obj, f.get("udvalg"), aarstal, rammer))

    if fejl:
        raise Katalogfejl(fejl)
    return _Plan(katalog=katalog, krav=krav, udvalg=udvalg, forslag=forslag)


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


@transaction.atomic
def indlaes_katalog(*, data: dict[str, Any], kilde: str, opdater: bool = False) -> Indlaesning:
    """Load a catalogue of proposals from the JSON format of `fixtures/omstilling_2019.json`.

    Everything is checked before anything is written, and the writes run in one transaction: a file with one bad
    amount loads nothing. An existing catalogue is left as it is (edits made in the browser survive a second run of
    the demo) unless `opdater` is given; then fields that differ from the file are overwritten, each change in the
    history with the file as its reason. Proposals that are in the database but not in the file are kept.
    """
    plan = _laes(data)
    grund = f"indlæst fra {kilde}"
    eksisterende = Katalog.objects.select_for_update().filter(aar=plan.katalog.aar).first()
    if eksisterende is None:
        return _opret(plan, grund)
    resultat = Indlaesning(katalog=eksisterende)
    if not opdater:
        return resultat

    katalog = eksisterende
    katalogfelter = ("aar_fra", "aar_til", "titel", "dato", "sagsnr")
    resultat.aendrede += _opdater_felter(katalog, plan.katalog, katalogfelter, grund)
    for krav in plan.krav:
        gemt_krav, oprettet = Krav.objects.get_or_create(
            katalog=katalog, aar=krav.aar, defaults={"beloeb": krav.beloeb}
        )
        resultat.aendrede += oprettet or _opdater_felter(gemt_krav, krav, ("beloeb",), grund)
    udvalg: dict[str, Katalogudvalg] = {}
    for u in plan.udvalg:
        gemt_udvalg, oprettet = Katalogudvalg.objects.get_or_create(
            katalog=katalog, kode=u.kode, defaults={"navn": u.navn, "raekkefoelge": u.raekkefoelge}
        )
        resultat.aendrede += oprettet or _opdater_felter(gemt_udvalg, u, ("navn", "raekkefoelge"), grund)
        udvalg[u.kode] = gemt_udvalg
    i_filen: set[str] = set()
    for ny, kode, aarstal, rammer in plan.forslag:
        i_filen.add(ny.nr)
        gammel = Forslag.objects.filter(katalog=katalog, nr=ny.nr).first()
        if gammel is None:
            _opret_forslag(katalog, udvalg[kode], ny, aarstal, rammer, grund)
            resultat.aendrede += 1
            continue
        ny.udvalg = udvalg[kode]
        foer = resultat.aendrede
        resultat.aendrede += _opdater_felter(gammel, ny, FORSLAGSFELTER + ("udvalg",), grund)
        for aar in aarstal:
            row, oprettet = Forslagsaar.objects.get_or_create(
                forslag=gammel, aar=aar.aar, defaults={f: getattr(aar, f) for f in AARSFELTER}
            )
            resultat.aendrede += oprettet or _opdater_felter(row, aar, AARSFELTER, grund)
        if not _rammer_ens(list(gammel.rammer.all()), rammer):
            _erstat_rammer(gammel, rammer, grund)
            resultat.aendrede += 1
        if resultat.aendrede > foer:
            # A form opened before the file was loaded must not overwrite what the file changed.
            versioner.ny_version(gammel, bruger=None)
    resultat.kun_i_databasen = list(katalog.forslag.exclude(nr__in=i_filen).values_list("nr", flat=True))
    return resultat


def _opret(plan: _Plan, grund: str) -> Indlaesning:
    katalog = plan.katalog
    katalog.save()
    for krav in plan.krav:
        krav.katalog = katalog
        krav.save()
    udvalg: dict[str, Katalogudvalg] = {}
    for u in plan.udvalg:
        u.katalog = katalog
        u.save()
        udvalg[u.kode] = u
    for ny, kode, aarstal, rammer in plan.forslag:
        _opret_forslag(katalog, udvalg[kode], ny, aarstal, rammer, grund)
    return Indlaesning(katalog=katalog, oprettet=True, aendrede=len(plan.forslag))


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
