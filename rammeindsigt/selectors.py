"""Read side of a ramme in depth: its rounds, årsregnskab, ledelsesinformation and budget model.

Every total is a sum of exact amounts; rounding is left to the templates, as in `budgetopfolgning.selectors`.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from budgetopfolgning import selectors as opfoelgning_selectors
from budgetopfolgning.models import Opfoelgning
from kerne.beloeb import MIO, NUL, mio_kr, rund
from kerne.fortegn import afvigelse, resultat_efter_overfoersler
from rammer.models import (
    Aarsregnskab,
    Aktivitetskategori,
    Bevillingsramme,
    Estimatlinje,
    Ledelsesinformation,
    Rammebeskrivelse,
    Regnskabslinje,
    Ydelse,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

MAANEDER = [
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
]


def maanedsnavn(maaned: int) -> str:
    return MAANEDER[maaned - 1]


# --- The ramme ---------------------------------------------------------------------------------------------------


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


# --- Årsregnskab -------------------------------------------------------------------------------------------------


@dataclass
class Regnskabstal:
    """The columns of the årsregnskab per ramme, in exact kroner."""

    vedtaget_budget: Decimal = NUL
    korrigeret_budget: Decimal = NUL
    regnskab: Decimal = NUL
    overfoert: Decimal = NUL

    @property
    def resultat_efter_overfoersler(self) -> Decimal:
        return resultat_efter_overfoersler(self.regnskab, self.overfoert, self.korrigeret_budget)

    @property
    def regnskab_inkl_overfoert(self) -> Decimal:
        return self.regnskab + self.overfoert

    def __add__(self, other: "Regnskabstal") -> "Regnskabstal":
        return Regnskabstal(
            vedtaget_budget=self.vedtaget_budget + other.vedtaget_budget,
            korrigeret_budget=self.korrigeret_budget + other.korrigeret_budget,
            regnskab=self.regnskab + other.regnskab,
            overfoert=self.overfoert + other.overfoert,
        )


@dataclass
class Regnskabsraekke:
    navn: str
    tal: Regnskabstal
    forklaring: str = ""
    andet_navn: str = ""
    er_total: bool = False


@dataclass
class Regnskabsoversigt:
    ramme: Bevillingsramme
    aarsregnskab: Aarsregnskab
    raekker: list[Regnskabsraekke]
    total: Regnskabsraekke
    overfoert_fra_forrige: Decimal | None = None  # the previous year's overførsel, part of this korrigeret budget
    naeste_ramme: Bevillingsramme | None = None  # the same ramme next year, if it exists
    bemaerkninger: list = field(default_factory=list)

    @property
    def aar(self) -> int:
        return self.ramme.aar.aar

    @property
    def resume(self) -> list[str]:
        """A short generated summary of the accounts, from the exact figures, in mio. kr. with one decimal."""
        t = self.total.tal
        aar = self.aar
        saetninger = [
            f"Det vedtagne budget for {aar} var {mio_kr(t.vedtaget_budget)} mio. kr. I årets løb blev budgettet "
            f"korrigeret til {mio_kr(t.korrigeret_budget)} mio. kr., og regnskabet blev {mio_kr(t.regnskab)} mio. kr."
        ]
        if rund(t.overfoert / MIO, 1) == 0:
            saetninger.append(f"Der overføres ikke noget af betydning til {aar + 1}.")
        elif t.overfoert > 0:
            saetninger.append(
                f"Der overføres {mio_kr(t.overfoert)} mio. kr. til {aar + 1}, så regnskab og overførsel tilsammen "
                f"udgør {mio_kr(t.regnskab_inkl_overfoert)} mio. kr."
            )
        else:
            saetninger.append(f"Rammen tager et underskud på {mio_kr(-t.overfoert)} mio. kr. med til {aar + 1}.")
        saetninger.append(_punktum(f"Resultatet efter overførsler er {_retning(t.resultat_efter_overfoersler)}"))
        if len(self.raekker) > 1:
            stoerst = max(self.raekker, key=lambda r: abs(r.tal.resultat_efter_overfoersler))
            if rund(stoerst.tal.resultat_efter_overfoersler / MIO, 1) != 0:
                saetninger.append(
                    _punktum(
                        f"Den største afvigelse er på {stoerst.navn} med "
                        f"{_retning(stoerst.tal.resultat_efter_overfoersler)}"
                    )
                )
        return saetninger


def _punktum(saetning: str) -> str:
    """End a sentence with a full stop, unless it already ends with one ('… 7,7 mio. kr.')."""
    return saetning if saetning.endswith(".") else saetning + "."


def _retning(beloeb: Decimal) -> str:
    """'et merforbrug på 7,7 mio. kr.' – judged on the rounded figure, so 0,0 never reads as a gap."""
    if rund(beloeb / MIO, 1) == 0:
        return "et forbrug svarende til budgettet"
    retning = "merforbrug" if beloeb > 0 else "mindreforbrug"
    return f"et {retning} på {mio_kr(abs(beloeb))} mio. kr."


def _regnskab_total(aarsregnskab: Aarsregnskab) -> Regnskabstal:
    total = Regnskabstal()
    for linje in aarsregnskab.linjer.all():
        total = total + _tal(linje)
    return total


def _tal(linje: Regnskabslinje) -> Regnskabstal:
    return Regnskabstal(
        vedtaget_budget=linje.vedtaget_budget,
        korrigeret_budget=linje.korrigeret_budget,
        regnskab=linje.regnskab,
        overfoert=linje.overfoert,
    )


def regnskab(ramme: Bevillingsramme) -> Regnskabsoversigt | None:
    """The ramme's årsregnskab: a row per activity and I alt summed from the exact amounts.

    A ramme with activities is the sum of its activities; a ramme without has one line of its own.
    """
    aarsregnskab = Aarsregnskab.objects.filter(ramme=ramme).select_related("ramme__aar").first()
    if aarsregnskab is None:
        return None
    linjer = list(aarsregnskab.linjer.select_related("aktivitet").order_by("aktivitet__sortering", "aktivitet__navn"))
    raekker = [
        Regnskabsraekke(
            navn=linje.aktivitet.navn if linje.aktivitet is not None else f"{ramme.nummer} {ramme.navn}",
            andet_navn=linje.aktivitet.andet_navn if linje.aktivitet is not None else "",
            tal=_tal(linje),
            forklaring=linje.forklaring,
        )
        for linje in linjer
    ]
    total = Regnskabstal()
    for raekke in raekker:
        total = total + raekke.tal
    forrige = (
        Aarsregnskab.objects.filter(ramme__nummer=ramme.nummer, ramme__aar__aar=ramme.aar.aar - 1)
        .prefetch_related("linjer")
        .first()
    )
    return Regnskabsoversigt(
        ramme=ramme,
        aarsregnskab=aarsregnskab,
        raekker=raekker,
        total=Regnskabsraekke(navn="I alt", tal=total, er_total=True),
        overfoert_fra_forrige=_regnskab_total(forrige).overfoert if forrige else None,
        naeste_ramme=Bevillingsramme.objects.filter(nummer=ramme.nummer, aar__aar=ramme.aar.aar + 1).first(),
        bemaerkninger=list(aarsregnskab.bemaerkninger.all()),
    )


# --- Ledelsesinformation -----------------------------------------------------------------------------------------


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


# --- Budget model ------------------------------------------------------------------------------------------------


@dataclass
class Budgetmodel:
    ydelser: list[Ydelse]

    @property
    def brutto(self) -> Decimal:
        return sum((y.brutto for y in self.ydelser), NUL)

    @property
    def refusion(self) -> Decimal:
        return sum((y.refusion for y in self.ydelser), NUL)

    @property
    def netto(self) -> Decimal:
        return sum((y.netto for y in self.ydelser), NUL)

    @property
    def helaarspersoner(self) -> Decimal:
        return sum((y.helaarspersoner for y in self.ydelser), NUL)

    @property
    def eksempeltal(self) -> bool:
        return any(y.eksempeltal for y in self.ydelser)


@dataclass
class Scenarielinje:
    """A ydelse as saved beside the same ydelse with the user's what-if figures."""

    gemt: Ydelse
    scenarie: Ydelse

    @property
    def forskel(self) -> Decimal:
        return self.scenarie.netto - self.gemt.netto

    @property
    def aendret(self) -> bool:
        return (
            self.scenarie.helaarspersoner != self.gemt.helaarspersoner
            or self.scenarie.gennemsnitspris != self.gemt.gennemsnitspris
            or self.scenarie.statsrefusion_pct != self.gemt.statsrefusion_pct
        )


def budgetmodel(ramme: Bevillingsramme) -> Budgetmodel:
    return Budgetmodel(ydelser=list(Ydelse.objects.filter(ramme=ramme).order_by("sortering", "navn")))


def scenarie(model: Budgetmodel, vaerdier: dict[int, tuple[Decimal, Decimal, Decimal]]) -> list[Scenarielinje]:
    """The budget model with the user's figures, computed on unsaved copies: nothing reaches the database."""
    linjer = []
    for y in model.ydelser:
        antal, pris, pct = vaerdier.get(y.pk, (y.helaarspersoner, y.gennemsnitspris, y.statsrefusion_pct))
        kopi = Ydelse(
            ramme_id=y.ramme_id, navn=y.navn, gruppe=y.gruppe, sortering=y.sortering, eksempeltal=y.eksempeltal,
            helaarspersoner=antal, gennemsnitspris=pris, statsrefusion_pct=pct,
        )
        linjer.append(Scenarielinje(gemt=y, scenarie=kopi))
    return linjer


# --- Overview ----------------------------------------------------------------------------------------------------


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
        .order_by("-aar__aar", "nummer")
    )
    result: dict[int, list[Rammeoversigt]] = {}
    for ramme in qs:
        result.setdefault(ramme.aar.aar, []).append(
            Rammeoversigt(ramme=ramme, regnskab=ramme.pk in regnskaber, ledelsesinformation=ramme.pk in li,
                          budgetmodel=ramme.pk in modeller)
        )
    return result
