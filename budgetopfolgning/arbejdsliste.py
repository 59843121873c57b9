"""Read side of the work in an open round: each ramme's review status, afvigelse and missing explanation ("Mine
rammer", and for Center for Økonomi all rammer with counts per status), and the rows of the round's grid.

A fixed handful of queries per round, whatever the number of rammer, activities or konsulenter.
"""

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from budgetopfolgning import selectors
from budgetopfolgning.models import Aktivitetslinje, Opfoelgning, Opfoelgningslinje, Rammestatus
from budgetopfolgning.selectors import Linje, Tal
from rammer.models import Aktivitetsdel, Bevillingsramme, Rammeansvar, Rammedel

if TYPE_CHECKING:
    from django.contrib.auth.models import User

STATUSNAVN = dict(Rammestatus.STATUSSER)
PLACERING_TEKST = {Rammedel.INDEN: "inden for servicerammen", Rammedel.UDEN: "uden for servicerammen"}


def _aendret(tal: Tal) -> bool:
    """Changed since last round: korrektioner in this round, or a forecast that moved."""
    return tal.korrektioner != 0 or (tal.forventet_forrige is not None and tal.forventet != tal.forventet_forrige)


def forrige_forklaringer(opfoelgning: Opfoelgning) -> dict[int, str]:
    """The previous round's explanation per ramme part (empty in a year's first round). One query."""
    if not opfoelgning.har_tidligere_opfoelgninger:
        return {}
    return dict(
        Opfoelgningslinje.objects.filter(
            opfoelgning__aar_id=opfoelgning.aar_id, opfoelgning__nummer=opfoelgning.nummer - 1
        ).values_list("rammedel_id", "forklaring")
    )


@dataclass
class Rammensstatus:
    """One ramme in a round's work list."""

    ramme: Bevillingsramme
    status: str
    tal: Tal
    mangler_forklaring: bool
    aendret_siden_sidst: bool
    konsulenter: list["User"] = field(default_factory=list)

    @property
    def status_navn(self) -> str:
        return STATUSNAVN[self.status]

    @property
    def afvigelse(self) -> Decimal:
        return self.tal.afvigelse

    @property
    def konsulentnavne(self) -> str:
        return ", ".join(k.get_full_name() or k.get_username() for k in self.konsulenter)


def rammestatusser(opfoelgning: Opfoelgning, alle: list[Linje] | None = None) -> list[Rammensstatus]:
    """Every ramme of the round's year with its status, summed figures, missing explanation and konsulenter."""
    if alle is None:
        alle = selectors.linjer(opfoelgning)
    status = dict(Rammestatus.objects.filter(opfoelgning=opfoelgning).values_list("ramme_id", "status"))
    ansvar: dict[int, list[User]] = defaultdict(list)
    for a in Rammeansvar.objects.filter(ramme__aar_id=opfoelgning.aar_id).select_related("bruger").order_by(
        "bruger__first_name", "bruger__username"
    ):
        ansvar[a.ramme_id].append(a.bruger)
    mangler = {linje.ramme.pk for linje in selectors.manglende_forklaringer(opfoelgning, alle)}
    forrige = forrige_forklaringer(opfoelgning)
    per_ramme: dict[int, list[Linje]] = defaultdict(list)
    for linje in alle:
        per_ramme[linje.ramme.pk].append(linje)
    result = []
    for ramme_id, dele in per_ramme.items():
        tal = selectors.summer([d.tal for d in dele], opfoelgning=opfoelgning)
        forklaring_aendret = opfoelgning.har_tidligere_opfoelgninger and any(
            d.forklaring.strip() != (forrige.get(d.rammedel.pk) or "").strip() for d in dele
        )
        result.append(
            Rammensstatus(
                ramme=dele[0].ramme,
                status=status.get(ramme_id, Rammestatus.IKKE_PAABEGYNDT),
                tal=tal,
                mangler_forklaring=ramme_id in mangler,
                aendret_siden_sidst=any(_aendret(d.tal) for d in dele) or forklaring_aendret,
                konsulenter=ansvar.get(ramme_id, []),
            )
        )
    return result


def filtrer(
    raekker: list[Rammensstatus],
    *,
    ramme_ids: set[int] | None = None,
    konsulent_id: int | None = None,
    udvalg_kode: str = "",
    status: str = "",
    kun_aendrede: bool = False,
) -> list[Rammensstatus]:
    return [
        r for r in raekker
        if (ramme_ids is None or r.ramme.pk in ramme_ids)
        and (konsulent_id is None or any(k.pk == konsulent_id for k in r.konsulenter))
        and (not udvalg_kode or r.ramme.udvalg.kode == udvalg_kode)
        and (not status or r.status == status)
        and (not kun_aendrede or r.aendret_siden_sidst)
    ]


def optaelling(raekker: list[Rammensstatus]) -> list[tuple[str, str, int]]:
    """(status, name, count) for every status, in the order of the review."""
    antal: dict[str, int] = defaultdict(int)
    for r in raekker:
        antal[r.status] += 1
    return [(kode, navn, antal[kode]) for kode, navn in Rammestatus.STATUSSER]


def optaelling_af_statusser(opfoelgning: Opfoelgning, alle: list[Linje]) -> list[tuple[str, str, int]]:
    """`optaelling(rammestatusser(opfoelgning, alle))` from the statuses alone: one query, no figures summed."""
    status = dict(Rammestatus.objects.filter(opfoelgning=opfoelgning).values_list("ramme_id", "status"))
    antal: dict[str, int] = defaultdict(int)
    for ramme_id in {linje.ramme.pk for linje in alle}:
        antal[status.get(ramme_id, Rammestatus.IKKE_PAABEGYNDT)] += 1
    return [(kode, navn, antal[kode]) for kode, navn in Rammestatus.STATUSSER]


def ikke_godkendte_rammer(opfoelgning: Opfoelgning, alle: list[Linje]) -> set[int]:
    """The ids of the rammer of `alle` not yet approved in the round: one query (the lock's check)."""
    godkendte = set(
        Rammestatus.objects.filter(opfoelgning=opfoelgning, status=Rammestatus.GODKENDT).values_list(
            "ramme_id", flat=True
        )
    )
    return {linje.ramme.pk for linje in alle} - godkendte


def ikke_godkendte(opfoelgning: Opfoelgning) -> list[Rammensstatus]:
    """The rammer the lock page names: every one not yet approved."""
    return [r for r in rammestatusser(opfoelgning) if r.status != Rammestatus.GODKENDT]


@dataclass
class Gitterraekke:
    """A row of the round's grid: a ramme part (its own figures, or the sum of its activities) or an activity."""

    noegle: str  # "d<pk>" for a ramme part's line, "a<pk>" for an activity's line
    ramme: Bevillingsramme
    navn: str
    placering: str
    tal: Tal
    linje: Opfoelgningslinje | Aktivitetslinje | None
    redigerbar: bool
    er_aktivitet: bool = False
    kilde: Linje | None = None  # a ramme part's line as the round's selectors read it (for its forbrug figures)

    @property
    def placering_tekst(self) -> str:
        return PLACERING_TEKST[self.placering]

    @property
    def aendret_siden_sidst(self) -> bool:
        return _aendret(self.tal)


def gitterraekker(opfoelgning: Opfoelgning, ramme_ids: set[int] | None) -> list[Gitterraekke]:
    """The grid's rows for the rammer in `ramme_ids` (None: all), in ramme order; a part with activities is
    followed by its activities. Seven queries, however many rows."""
    alle = [linje for linje in selectors.linjer(opfoelgning) if ramme_ids is None or linje.ramme.pk in ramme_ids]
    dele_qs = Aktivitetsdel.objects.filter(aktivitet__ramme__aar_id=opfoelgning.aar_id)
    if ramme_ids is not None:
        dele_qs = dele_qs.filter(aktivitet__ramme_id__in=ramme_ids)
    aktiviteter: dict[tuple[int, str], list[selectors.AktivitetLinje]] = defaultdict(list)
    for a in selectors.aktivitetslinjer_for(opfoelgning, dele_qs):
        aktiviteter[(a.aktivitetsdel.aktivitet.ramme_id, a.aktivitetsdel.placering)].append(a)
    result = []
    for linje in alle:
        egne = aktiviteter.get((linje.ramme.pk, linje.rammedel.placering), [])
        result.append(
            Gitterraekke(
                noegle=f"d{linje.linje.pk}" if linje.linje else f"x{linje.rammedel.pk}",
                ramme=linje.ramme,
                navn=f"{linje.ramme.nummer} {linje.ramme.navn}",
                placering=linje.rammedel.placering,
                tal=linje.tal,
                linje=linje.linje,
                redigerbar=linje.linje is not None and not egne,
                kilde=linje,
            )
        )
        for a in egne:
            result.append(
                Gitterraekke(
                    noegle=f"a{a.linje.pk}" if a.linje else f"y{a.aktivitetsdel.pk}",
                    ramme=linje.ramme,
                    navn=a.aktivitetsdel.aktivitet.navn,
                    placering=a.aktivitetsdel.placering,
                    tal=a.tal,
                    linje=a.linje,
                    redigerbar=a.linje is not None,
                    er_aktivitet=True,
                )
            )
    return result


def sum_tal(raekker: list[Gitterraekke], opfoelgning: Opfoelgning) -> Tal:
    """The grid's total: its ramme part rows (activities are already in their part)."""
    return selectors.summer([r.tal for r in raekker if not r.er_aktivitet], opfoelgning=opfoelgning)


@dataclass
class Forklaringsaendring:
    """A ramme part's explanation against the previous round's, word by word: ("lige" | "slettet" | "tilfoejet",
    text) pieces for the page to mark up."""

    placering_tekst: str
    stykker: list[tuple[str, str]]

    @property
    def uaendret(self) -> bool:
        return all(art == "lige" for art, _ in self.stykker)


def _ord(tekst: str) -> list[str]:
    return re.findall(r"\s+|\S+", tekst)


def forklaringsaendringer(opfoelgning: Opfoelgning, ramme: Bevillingsramme) -> list[Forklaringsaendring]:
    """How the ramme's explanations changed since the previous round (none in a year's first round)."""
    if not opfoelgning.har_tidligere_opfoelgninger:
        return []
    forrige = dict(
        Opfoelgningslinje.objects.filter(
            opfoelgning__aar_id=opfoelgning.aar_id, opfoelgning__nummer=opfoelgning.nummer - 1,
            rammedel__ramme=ramme,
        ).values_list("rammedel__placering", "forklaring")
    )
    result = []
    for placering, nu in Opfoelgningslinje.objects.filter(opfoelgning=opfoelgning, rammedel__ramme=ramme).order_by(
        "rammedel__placering"
    ).values_list("rammedel__placering", "forklaring"):
        gammel = _ord(forrige.get(placering, ""))
        ny = _ord(nu)
        stykker: list[tuple[str, str]] = []
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=gammel, b=ny, autojunk=False).get_opcodes():
            if op == "equal":
                stykker.append(("lige", "".join(ny[j1:j2])))
                continue
            if i2 > i1:
                stykker.append(("slettet", "".join(gammel[i1:i2])))
            if j2 > j1:
                stykker.append(("tilfoejet", "".join(ny[j1:j2])))
        if gammel or ny:
            result.append(Forklaringsaendring(placering_tekst=PLACERING_TEKST[placering], stykker=stykker))
    return result
