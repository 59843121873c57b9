"""Read side of forbrug: forbrug til dato per ramme part, the periodisering (forbrugsprofil) of each ramme part,
and the four figures a round shows beside its forecast. Every formula of this issue is here.

Shares are kept as exact fractions (`Fraction`) and amounts as `Decimal`; a figure is turned into a Decimal once,
at the end, so a quotient that terminates (1.200.000 × 4/12) comes out exact, and one that does not is exact to
28 significant digits, far below one øre. Rounding is left to the templates.

The queries are a fixed handful per call, whatever the number of konti, months or ramme parts.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

from django.core.cache import cache
from django.db.models import BigIntegerField, Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Cast, Round

from forbrug.models import MAANEDSFELTER, Aarsperiodisering, Forbrug, Konto, Periodiseringsvalg, Rammeperiodisering
from kerne.beloeb import NUL
from rammer.models import Budgetaar, Rammedel

MAANEDER = range(1, 13)
HUNDREDE = Fraction(100)
TIDLIGERE_AAR = 3  # gennemsnit: the average over up to this many previous years

METODENAVNE = dict(Periodiseringsvalg.METODER)
CACHE_SEKUNDER = 60 * 60  # a kept sum is replaced at the next change anyway; this bounds what old versions occupy
T = TypeVar("T")


def som_decimal(x: Fraction) -> Decimal:
    """A fraction as a Decimal: exact when it terminates, else to the Decimal context's 28 significant digits."""
    return Decimal(x.numerator) / Decimal(x.denominator)


def oere_sum(felt: str = "beloeb") -> Sum:
    """The exact sum of an amount field, in øre (an integer).

    SQLite keeps decimals as binary floats and sums them as floats, which over 100.000 lines drifts by more than an
    øre; each amount is therefore made whole øre first and the integers summed, exact on SQLite and PostgreSQL alike.
    """
    return Sum(Cast(Round(F(felt) * 100), BigIntegerField()))


def kroner(oere: int | None) -> Decimal:
    return NUL if oere is None else Decimal(oere).scaleb(-2) + NUL


def _maanedssummer() -> dict[str, Sum]:
    """Each month's sum in øre, as s1 … s12: None for a month no row has."""
    return {f"s{m}": oere_sum(felt) for m, felt in enumerate(MAANEDSFELTER, 1)}


def _maaneder(raekke: dict) -> dict[int, Decimal]:
    """{month: kroner} of the months that have forbrug in a row of `_maanedssummer`."""
    return {m: kroner(raekke[f"s{m}"]) for m in MAANEDER if raekke[f"s{m}"] is not None}


# Forbrug on a konto of the year's kontoplan, and on one that is not (left out on purpose). The mapping is found by
# year and konto (Forbrug.kontoplan has no column), so "not mapped" is a konto with no match, not an empty column.
KORTLAGT = Q(kontoplan__rammedel__isnull=False)
IKKE_KORTLAGT = ~Exists(Konto.objects.filter(aar=OuterRef("aar"), konto=OuterRef("konto")))


# --- Forbrug per ramme part -------------------------------------------------------------------------------------


Noegle = tuple[str, str]  # (ramme number, placering): how a ramme part is recognised across years


def maanedsforbrug(aar: Iterable[int], *, nummer: str | None = None) -> dict[int, dict[Noegle, dict[int, Decimal]]]:
    """Mapped forbrug per year, ramme part and month, for the years given (and one ramme number). One query."""
    resultat: dict[int, dict[Noegle, dict[int, Decimal]]] = {}
    qs = Forbrug.objects.filter(KORTLAGT, aar__aar__in=list(aar))
    if nummer is not None:
        qs = qs.filter(kontoplan__rammedel__ramme__nummer=nummer)
    noegle = ("aar__aar", "kontoplan__rammedel__ramme__nummer", "kontoplan__rammedel__placering")
    for raekke in qs.values(*noegle).annotate(**_maanedssummer()).order_by():
        if maaneder := _maaneder(raekke):
            resultat.setdefault(raekke[noegle[0]], {})[(raekke[noegle[1]], raekke[noegle[2]])] = maaneder
    return resultat


def forbrug_til_dato(aar: Budgetaar, maaned: int, dele: Iterable[Rammedel] | None = None) -> dict[int, Decimal]:
    """Mapped forbrug of months 1 … `maaned` per ramme part id (only `dele` when given): the parts with forbrug in
    any of those months. One query."""
    qs = Forbrug.objects.filter(KORTLAGT, aar=aar)
    if dele is not None:
        qs = qs.filter(kontoplan__rammedel__in=[d.pk for d in dele])
    resultat = {}
    for raekke in qs.values("kontoplan__rammedel_id").annotate(**_maanedssummer()).order_by():
        if til_dato := [b for m, b in _maaneder(raekke).items() if m <= maaned]:
            resultat[raekke["kontoplan__rammedel_id"]] = sum(til_dato, NUL)
    return resultat


def ikke_fordelt(aar: Budgetaar, maaned: int = 12) -> Decimal:
    """Forbrug of months 1 … `maaned` on konti left out of the kontoplan on purpose. One query."""
    raekke = Forbrug.objects.filter(IKKE_KORTLAGT, aar=aar).aggregate(**_maanedssummer())
    return sum((b for m, b in _maaneder(raekke).items() if m <= maaned), NUL)


def kortlagte_dele(aar: Budgetaar) -> set[int]:
    """The ramme parts (pks) with at least one konto of the year's kontoplan: the only ones forbrug can reach."""
    return set(Konto.objects.filter(aar=aar).values_list("rammedel_id", flat=True).distinct())


def har_forbrug(aar: Budgetaar) -> bool:
    return Forbrug.objects.filter(aar=aar).exists()


def maaneder_med_forbrug(aar: Budgetaar) -> list[int]:
    """The months of the year that have any forbrug imported. One query."""
    antal = Forbrug.objects.filter(aar=aar).aggregate(
        **{f"n{m}": Count(felt) for m, felt in enumerate(MAANEDSFELTER, 1)}
    )
    return [m for m in MAANEDER if antal[f"n{m}"]]


def regnskab(aar: Budgetaar) -> dict[int, Decimal] | None:
    """The year's forbrug per ramme part id once all 12 months are imported (the regnskab), else None."""
    if maaneder_med_forbrug(aar) != list(MAANEDER):
        return None
    return forbrug_til_dato(aar, 12)


def forbrugsversion(aar: Budgetaar) -> str:
    """The year's forbrug version as the database has it now (one small query): the key of its sums in the cache."""
    return Budgetaar.objects.filter(pk=aar.pk).values_list("forbrug_version", flat=True).first() or ""


def i_cachen(aar: Budgetaar, version: str, navn: str, beregn: Callable[[], T]) -> T:
    """`beregn()`, one of the year's forbrug sums, kept in Django's cache under the year's `forbrugsversion`: every
    change to what the sums are made from renews it (forbrug/signaler.py), so a kept sum is never stale, and a round
    page a konsulent's save has just changed does not sum the year's forbrug again."""
    noegle = f"forbrug:{aar.pk}:{version}:{navn}"
    vaerdi = cache.get(noegle)
    if vaerdi is None:
        vaerdi = beregn()
        cache.set(noegle, vaerdi, CACHE_SEKUNDER)
    return vaerdi


# --- Periodisering ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profil:
    """A ramme part's periodisering: the cumulative share of the year's budget through each month."""

    metode: str  # the method used
    forklaring: str  # how it was chosen, in Danish
    andele: tuple[Fraction, ...]  # andel(1) … andel(12)

    def andel(self, maaned: int) -> Fraction:
        return self.andele[maaned - 1] if maaned >= 1 else Fraction(0)

    @property
    def metodenavn(self) -> str:
        return METODENAVNE[self.metode]


LIGELIG = tuple(Fraction(m, 12) for m in MAANEDER)


def _kumulativ(maanedlig: list[Fraction]) -> tuple[Fraction, ...]:
    andele, i_alt = [], Fraction(0)
    for andel in maanedlig:
        i_alt += andel
        andele.append(i_alt)
    return tuple(andele)


def profil_af_aar(maanedsbeloeb: dict[int, Decimal] | None) -> tuple[Fraction, ...] | None:
    """A year's cumulative monthly shares for one ramme part: None unless it has all 12 months and a positive total."""
    if not maanedsbeloeb or set(maanedsbeloeb) != set(MAANEDER):
        return None
    i_alt = sum((maanedsbeloeb[m] for m in MAANEDER), NUL)
    if i_alt <= 0:
        return None
    return _kumulativ([Fraction(maanedsbeloeb[m]) / Fraction(i_alt) for m in MAANEDER])


def _profil(
    valg: Periodiseringsvalg | None, aar: int, noegle: Noegle, tidligere: dict[int, dict[Noegle, dict[int, Decimal]]]
) -> Profil:
    sidste = profil_af_aar(tidligere.get(aar - 1, {}).get(noegle))
    if valg is None:
        if sidste is not None:
            return Profil(Periodiseringsvalg.SIDSTE_AAR, f"standard: {aar - 1} har forbrug i alle 12 måneder", sidste)
        return Profil(Periodiseringsvalg.LIGELIG, f"standard: {aar - 1} har ikke forbrug i alle 12 måneder", LIGELIG)
    hvor = "rammedelens valg" if isinstance(valg, Rammeperiodisering) else f"årets valg for {aar}"
    if valg.metode == Periodiseringsvalg.MANUEL:
        procenter = [Fraction(p) / HUNDREDE for p in valg.maanedsprocenter()]
        return Profil(Periodiseringsvalg.MANUEL, hvor, _kumulativ(procenter))
    if valg.metode == Periodiseringsvalg.SIDSTE_AAR:
        if sidste is not None:
            return Profil(Periodiseringsvalg.SIDSTE_AAR, hvor, sidste)
        return Profil(
            Periodiseringsvalg.LIGELIG, f"{hvor} er sidste år, men {aar - 1} har ikke 12 måneders forbrug", LIGELIG
        )
    if valg.metode == Periodiseringsvalg.GENNEMSNIT:
        profiler = [
            p
            for a in range(aar - 1, aar - 1 - TIDLIGERE_AAR, -1)
            if (p := profil_af_aar(tidligere.get(a, {}).get(noegle))) is not None
        ]
        if profiler:
            gennemsnit = tuple(sum(p[i] for p in profiler) / Fraction(len(profiler)) for i in range(12))
            return Profil(Periodiseringsvalg.GENNEMSNIT, f"{hvor}, over {len(profiler)} år", gennemsnit)
        return Profil(
            Periodiseringsvalg.LIGELIG, f"{hvor} er gennemsnit, men intet tidligere år har 12 måneders forbrug", LIGELIG
        )
    return Profil(Periodiseringsvalg.LIGELIG, hvor, LIGELIG)


def tidligere_aars_forbrug(aar: Budgetaar) -> dict[int, dict[Noegle, dict[int, Decimal]]]:
    """The mapped forbrug per month of the TIDLIGERE_AAR years before `aar`: what its periodisering reads."""
    return maanedsforbrug(range(aar.aar - TIDLIGERE_AAR, aar.aar))


def profiler(
    aar: Budgetaar, dele: Iterable[Rammedel], tidligere: dict[int, dict[Noegle, dict[int, Decimal]]] | None = None
) -> dict[int, Profil]:
    """Each ramme part's periodisering, by id. Three queries, whatever the number of parts.

    A part's own choice wins over the year's; without either the default rule applies: last year's profile when
    last year has forbrug in all 12 months for the part and a positive total, else 1/12 a month. Earlier years'
    ramme parts are recognised by ramme number and placering.

    `dele` must have `ramme` loaded; `tidligere` is `tidligere_aars_forbrug(aar)` when the caller has it.
    """
    dele = list(dele)
    aarsvalg = Aarsperiodisering.objects.filter(aar=aar).first()
    egne = {v.rammedel_id: v for v in Rammeperiodisering.objects.filter(rammedel__in=[d.pk for d in dele])}
    if tidligere is None:
        tidligere = tidligere_aars_forbrug(aar)
    return {
        d.pk: _profil(egne.get(d.pk, aarsvalg), aar.aar, (d.ramme.nummer, d.placering), tidligere) for d in dele
    }


# --- The four figures -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Forbrugstal:
    """Forbrug til dato against the periodised budget, for a ramme part or a sum of parts, in exact kroner.

    korrigeret: oprindeligt budget + all korrektioner through the round; forventet: the konsulent's forecast.
    prognose is None where the periodised share through the month is not positive (shown as "–"); a sum has one
    only when all its parts have.
    """

    korrigeret: Decimal
    forventet: Decimal
    forbrug_til_dato: Decimal
    periodiseret: Decimal
    prognose: Decimal | None

    @property
    def bagudrettet(self) -> Decimal:
        """Bagudrettet afvigelse = forbrug til dato − periodiseret budget til dato."""
        return self.forbrug_til_dato - self.periodiseret

    @property
    def fremadrettet(self) -> Decimal:
        """Fremadrettet afvigelse = (forventet forbrug − forbrug til dato) − (korrigeret budget − periodiseret)."""
        return (self.forventet - self.forbrug_til_dato) - (self.korrigeret - self.periodiseret)

    @property
    def forventet_minus_prognose(self) -> Decimal | None:
        return None if self.prognose is None else self.forventet - self.prognose

    def __add__(self, other: "Forbrugstal") -> "Forbrugstal":
        prognose = None
        if self.prognose is not None and other.prognose is not None:
            prognose = self.prognose + other.prognose
        return Forbrugstal(
            korrigeret=self.korrigeret + other.korrigeret,
            forventet=self.forventet + other.forventet,
            forbrug_til_dato=self.forbrug_til_dato + other.forbrug_til_dato,
            periodiseret=self.periodiseret + other.periodiseret,
            prognose=prognose,
        )


INGEN = Forbrugstal(korrigeret=NUL, forventet=NUL, forbrug_til_dato=NUL, periodiseret=NUL, prognose=NUL)


def forbrugstal(*, korrigeret: Decimal, forventet: Decimal, forbrug_til_dato: Decimal, andel: Fraction) -> Forbrugstal:
    """The figures of one ramme part from its korrigeret budget, forecast, forbrug til dato and andel(m).

    Periodiseret budget til dato = korrigeret × andel(m); prognose efter forbrugsprofil = forbrug til dato ÷ andel(m).
    """
    return Forbrugstal(
        korrigeret=korrigeret,
        forventet=forventet,
        forbrug_til_dato=forbrug_til_dato,
        periodiseret=som_decimal(Fraction(korrigeret) * andel),
        prognose=som_decimal(Fraction(forbrug_til_dato) / andel) if andel > 0 else None,
    )


def summer(tal: Iterable[Forbrugstal]) -> Forbrugstal:
    total = INGEN
    for t in tal:
        total = total + t
    return total


# --- Precision --------------------------------------------------------------------------------------------------


def wape(par: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Weighted absolute percentage error of (forecast, regnskab) pairs: Σ|forecast − regnskab| ÷ Σ|regnskab| × 100.
    None when Σ|regnskab| is 0."""
    fejl = naevner = NUL
    for forventet, faktisk in par:
        fejl += abs(forventet - faktisk)
        naevner += abs(faktisk)
    if naevner == 0:
        return None
    return som_decimal(Fraction(fejl) / Fraction(naevner) * HUNDREDE)
