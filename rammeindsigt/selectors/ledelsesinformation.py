"""Read side of a ramme's ledelsesinformation: categories (unit price × users), the estimate, month status and
underretninger, and the points the charts draw.

Sums are exact; rounding is left to the templates.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kerne.beloeb import NUL
from kerne.datoer import maanedsnavn
from kerne.fortegn import afvigelse
from rammer.models import Aktivitetskategori, Bevillingsramme, Estimatlinje, Ledelsesinformation


@dataclass
class Kategorigruppe:
    """A group of activity categories (Forebyggende, …, or I alt) with its sums.

    Forventet forbrug and the previous estimate are summed only when every category in the group has one: a total of
    half the categories would read as the group's forecast.
    """

    navn: str
    kategorier: list[Aktivitetskategori]
    er_total: bool = False

    @property
    def budget(self) -> Decimal:
        return sum((k.budget for k in self.kategorier), NUL)

    def _fuld_sum(self, felt: str) -> Decimal | None:
        vaerdier = [getattr(k, felt) for k in self.kategorier]
        if not vaerdier or any(v is None for v in vaerdier):
            return None
        return sum(vaerdier, NUL)

    @property
    def forventet_forbrug(self) -> Decimal | None:
        return self._fuld_sum("forventet_forbrug")

    @property
    def forrige_skoen(self) -> Decimal | None:
        return self._fuld_sum("forrige_skoen")

    @property
    def udvikling(self) -> Decimal | None:
        if self.forventet_forbrug is None or self.forrige_skoen is None:
            return None
        return self.forventet_forbrug - self.forrige_skoen

    @property
    def antal_opgjort(self) -> int:
        return sum(1 for k in self.kategorier if k.forventet_forbrug is not None)


def kategorigrupper(li: Ledelsesinformation) -> tuple[list[Kategorigruppe], Kategorigruppe]:
    kategorier = list(li.kategorier.all())
    grupper = [
        Kategorigruppe(navn=navn, kategorier=[k for k in kategorier if k.gruppe == kode])
        for kode, navn in Aktivitetskategori.GRUPPER
    ]
    return [g for g in grupper if g.kategorier], Kategorigruppe(navn="I alt", kategorier=kategorier, er_total=True)


@dataclass
class Estimatraekke:
    navn: str
    korrigeret_budget: Decimal
    forventet_forbrug: Decimal
    er_sum: bool = False
    er_total: bool = False

    @property
    def afvigelse(self) -> Decimal:
        return afvigelse(self.forventet_forbrug, self.korrigeret_budget)


def _sum_raekke(navn: str, raekker: Sequence[Estimatraekke | Estimatlinje], **kwargs: bool) -> Estimatraekke:
    return Estimatraekke(
        navn=navn,
        korrigeret_budget=sum((r.korrigeret_budget for r in raekker), NUL),
        forventet_forbrug=sum((r.forventet_forbrug for r in raekker), NUL),
        **kwargs,
    )


@dataclass
class Estimattabel:
    raekker: list[Estimatraekke]
    total: Estimatraekke
    dele: list[Estimatraekke]
    dele_total: Estimatraekke | None

    @property
    def dele_stemmer(self) -> bool:
        """Inside + outside must make the same total as the rows, to the krone."""
        if self.dele_total is None:
            return True
        return (
            self.dele_total.korrigeret_budget == self.total.korrigeret_budget
            and self.dele_total.forventet_forbrug == self.total.forventet_forbrug
        )


ESTIMATGRUPPER = ((Estimatlinje.MYNDIGHED, "Samlet myndighed"), (Estimatlinje.AFDELING, "Samlet afdelinger"))


def estimattabel(li: Ledelsesinformation) -> Estimattabel:
    """Myndighed rows and their sum, afdelinger and their sum, I alt; and the inside/outside split."""
    linjer = list(li.estimat.all())
    raekker = []
    summer = []
    for kode, overskrift in ESTIMATGRUPPER:
        gruppe = sorted((linje for linje in linjer if linje.gruppe == kode), key=lambda linje: linje.sortering)
        if not gruppe:
            continue
        raekker += [
            Estimatraekke(navn=linje.navn, korrigeret_budget=linje.korrigeret_budget,
                          forventet_forbrug=linje.forventet_forbrug)
            for linje in gruppe
        ]
        sum_raekke = _sum_raekke(overskrift, gruppe, er_sum=True)
        raekker.append(sum_raekke)
        summer.append(sum_raekke)
    total = _sum_raekke("I alt", summer, er_total=True)
    dele = [
        Estimatraekke(navn=d.get_placering_display(), korrigeret_budget=d.korrigeret_budget,
                      forventet_forbrug=d.forventet_forbrug)
        for d in li.estimatdele.order_by("placering")
    ]
    return Estimattabel(
        raekker=raekker,
        total=total,
        dele=dele,
        dele_total=_sum_raekke("I alt", dele, er_total=True) if dele else None,
    )


def myndighed_i_alt(li: Ledelsesinformation) -> Estimatraekke:
    """Samlet myndighed of the estimate: what a new monthly snapshot starts from."""
    return _sum_raekke("Samlet myndighed", list(li.estimat.filter(gruppe=Estimatlinje.MYNDIGHED)))


@dataclass
class Underretningsraekke:
    etiket: str
    antal: int
    til_og_med: date | None = None


def underretninger(li: Ledelsesinformation) -> tuple[list[Underretningsraekke], list[Underretningsraekke]]:
    """Counts per year (a year not yet over says how far it goes) and per month."""
    pr_aar = []
    pr_maaned = []
    for u in li.underretninger.order_by("aar", "maaned"):
        if u.maaned is None:
            pr_aar.append(Underretningsraekke(etiket=str(u.aar), antal=u.antal, til_og_med=u.til_og_med))
        else:
            pr_maaned.append(Underretningsraekke(etiket=f"{maanedsnavn(u.maaned).capitalize()} {u.aar}", antal=u.antal))
    return pr_aar, pr_maaned


def underretninger_til_graf(pr_aar: list[Underretningsraekke]) -> list[tuple[str, int, bool]]:
    """(label, count, partial year?) for the chart: a year counted only part-way is marked on its label."""
    return [
        (
            f"{r.etiket}\n(til {r.til_og_med.day}.{r.til_og_med.month}.)" if r.til_og_med else r.etiket,
            r.antal,
            r.til_og_med is not None,
        )
        for r in pr_aar
    ]


def maanedspunkter(li: Ledelsesinformation) -> list[tuple[int, Decimal, Decimal]]:
    """(month, forventet forbrug, budget) per monthly snapshot, for the chart."""
    return [(m.maaned, m.forventet_forbrug, m.budget) for m in li.maanedsstatus.order_by("maaned")]


def hent_li(ramme: Bevillingsramme) -> Ledelsesinformation | None:
    return (
        Ledelsesinformation.objects.filter(ramme=ramme)
        .select_related("ramme__aar", "ramme__udvalg")
        .prefetch_related("kategorier", "estimat", "fokusomraader__kategori")
        .first()
    )
