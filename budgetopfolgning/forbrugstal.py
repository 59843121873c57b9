"""Forbrug from the ERP beside a round's figures: per ramme part the four forbrug figures (`forbrug/selectors.py`)
against the round's korrigeret budget and the konsulent's forecast, and their sums per udvalg.

Forbrug is read live and never enters `tal_sha256` or the Bilag: a locked round's frozen figures stay what they were
when forbrug for later months (or the regnskab) arrives.
"""

from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

from budgetopfolgning.models import Opfoelgning
from budgetopfolgning.selectors import Linje
from forbrug import selectors as forbrug_selectors
from kerne.beloeb import NUL, dansk_tal, redigerbart, rund
from kerne.datoer import maanedsnavn
from rammer.models import Udvalg


@dataclass
class Forbrugsdel:
    """One ramme part's forbrug figures in a round, with the periodisering they rest on."""

    linje: Linje
    profil: forbrug_selectors.Profil
    tal: forbrug_selectors.Forbrugstal
    maaned: int
    # Whether any konto of the year's kontoplan reaches the part. One that none reaches has no known forbrug (not
    # 0): its forbrug figures and prognose are shown as "–" and it is left out of sums of forbrug.
    kortlagt: bool = True

    @property
    def prognose_til_felt(self) -> str | None:
        """The prognose as the edit form's field takes it: kroner to the øre, Danish notation."""
        return None if self.tal.prognose is None else redigerbart(rund(self.tal.prognose, 2))

    @property
    def andel_procent(self) -> str:
        """andel(m) in per cent with one decimal, as the page names it."""
        return dansk_tal(forbrug_selectors.som_decimal(self.profil.andel(self.maaned) * 100), 1)


@dataclass
class Forbrugsraekke:
    navn: str
    tal: forbrug_selectors.Forbrugstal | None  # None when no part of the row has konti
    antal_kortlagte: int
    antal_dele: int
    udvalg: Udvalg | None = None
    er_total: bool = False


def forbrugsmaaned(opfoelgning: Opfoelgning) -> int:
    """The last month "til dato" counts in a round: the month of its pr. dato."""
    return opfoelgning.pr_dato.month


def har_forbrug(opfoelgning: Opfoelgning) -> bool:
    return forbrug_selectors.har_forbrug(opfoelgning.aar)


def forbrugsdele(opfoelgning: Opfoelgning, alle: list[Linje], *, kun_disse: bool = False) -> list[Forbrugsdel]:
    """The forbrug figures of the lines `alle`: korrigeret budget is the round's forslag til nyt budget (oprindeligt
    + all korrektioner through this round), forventet the konsulent's forecast. A fixed handful of queries, whatever
    the number of lines, konti or months (the year's sums from the cache: a small query each for its version);
    `kun_disse` reads forbrug til dato for these parts only (one ramme's page).

    A part no konto reaches gets no prognose: dividing its unknown forbrug by the profile would forecast 0."""
    maaned = forbrugsmaaned(opfoelgning)
    aar = opfoelgning.aar
    dele = [linje.rammedel for linje in alle]
    # The year's sums are kept in the cache until its forbrug changes (forbrug_selectors.i_cachen): a save of a
    # forecast renews the round's figures, not these.
    version = forbrug_selectors.forbrugsversion(aar)
    tidligere = forbrug_selectors.i_cachen(
        aar, version, "tidligere", lambda: forbrug_selectors.tidligere_aars_forbrug(aar)
    )
    profiler = forbrug_selectors.profiler(aar, dele, tidligere)
    if kun_disse:
        til_dato = forbrug_selectors.forbrug_til_dato(aar, maaned, dele)
    else:
        til_dato = forbrug_selectors.i_cachen(
            aar, version, f"til_dato:{maaned}", lambda: forbrug_selectors.forbrug_til_dato(aar, maaned)
        )
    kortlagte = forbrug_selectors.i_cachen(aar, version, "kortlagte", lambda: forbrug_selectors.kortlagte_dele(aar))
    resultat = []
    for linje in alle:
        pk = linje.rammedel.pk
        tal = forbrug_selectors.forbrugstal(
            korrigeret=linje.tal.forslag,
            forventet=linje.tal.forventet,
            forbrug_til_dato=til_dato.get(pk, NUL),
            andel=profiler[pk].andel(maaned),
        )
        if pk not in kortlagte:
            tal = replace(tal, prognose=None)
        resultat.append(Forbrugsdel(linje=linje, profil=profiler[pk], maaned=maaned, tal=tal, kortlagt=pk in kortlagte))
    return resultat


def forbrug_pr_udvalg(opfoelgning: Opfoelgning, dele: list[Forbrugsdel]) -> list[Forbrugsraekke]:
    """The round page's compact view: I alt first, then one row per udvalg, inside and outside the serviceramme
    together, each a sum of exact parts. Only parts with konti are summed, forecast included, so that forbrug, its
    prognose and the konsulenters' forecast compare like with like; each row says how many parts that is."""
    per_udvalg: dict[int, list[Forbrugsdel]] = defaultdict(list)
    for d in dele:
        per_udvalg[d.linje.ramme.udvalg_id].append(d)

    def raekke(
        navn: str, dele_: list[Forbrugsdel], udvalg: Udvalg | None = None, er_total: bool = False
    ) -> Forbrugsraekke:
        kortlagte = [d.tal for d in dele_ if d.kortlagt]
        return Forbrugsraekke(
            navn=navn,
            tal=forbrug_selectors.summer(kortlagte) if kortlagte else None,
            antal_kortlagte=len(kortlagte),
            antal_dele=len(dele_),
            udvalg=udvalg,
            er_total=er_total,
        )

    raekker = [raekke(u.navn, per_udvalg[u.pk], udvalg=u) for u in Udvalg.objects.filter(aar_id=opfoelgning.aar_id)]
    return [raekke("I alt", dele, er_total=True), *raekker]


@dataclass
class Forbrugsvisning:
    """What a ramme's page (and its edit form) shows of forbrug."""

    maaned: int
    dele: list[Forbrugsdel]

    @property
    def maanedsnavn(self) -> str:
        return maanedsnavn(self.maaned)

    @property
    def alle_kortlagt(self) -> bool:
        return all(d.kortlagt for d in self.dele)

    @property
    def ingen_kortlagt(self) -> bool:
        return not any(d.kortlagt for d in self.dele)

    @property
    def total(self) -> forbrug_selectors.Forbrugstal:
        """The ramme in all; shown only when every part has konti (otherwise it would add a known to an unknown)."""
        return forbrug_selectors.summer(d.tal for d in self.dele)


def forbrugsvisning(opfoelgning: Opfoelgning, linjer_: list[Linje]) -> Forbrugsvisning | None:
    """A ramme's forbrug figures for its page, or None while its year has no forbrug."""
    if not linjer_ or not har_forbrug(opfoelgning):
        return None
    return Forbrugsvisning(maaned=forbrugsmaaned(opfoelgning), dele=forbrugsdele(opfoelgning, linjer_, kun_disse=True))


def ikke_fordelt(opfoelgning: Opfoelgning) -> Decimal:
    """Forbrug til dato on konti left out of the kontoplan on purpose: shown, so nothing vanishes silently."""
    maaned = forbrugsmaaned(opfoelgning)
    aar = opfoelgning.aar
    return forbrug_selectors.i_cachen(
        aar, forbrug_selectors.forbrugsversion(aar), f"ikke_fordelt:{maaned}",
        lambda: forbrug_selectors.ikke_fordelt(aar, maaned),
    )


