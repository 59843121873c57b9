"""Loading a catalogue of omstillingsforslag from its JSON file (the demo loads it through
`manage.py indlaes_omstilling`).

Everything is checked before anything is written, and the writes run in one transaction: a file with one bad amount
loads nothing. Proposals are written through the same helpers as the browser's saves (services.py), so the history
reads the same either way.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from kerne import versioner
from kerne.beloeb import NUL, UgyldigtTal, beloeb_fra_json
from kerne.tekst import styretegn_i
from omstilling.models import (
    AARSFELTER,
    FORSLAGSFELTER,
    RAMMEFELTER,
    Forslag,
    Forslagsaar,
    Forslagsramme,
    Katalog,
    Katalogudvalg,
    Krav,
)

if TYPE_CHECKING:
    pass


from omstilling.services import _erstat_rammer, _opdater_felter, _opret_forslag, _rammer_ens


class Katalogfejl(Exception):
    """The file cannot be loaded; `fejl` lists every problem found, in Danish, so all can be fixed in one go."""

    def __init__(self, fejl: list[str]) -> None:
        super().__init__("\n".join(fejl))
        self.fejl = fejl


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


