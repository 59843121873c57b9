"""Read side of a ramme's årsregnskab: rows per activity, I alt from the exact amounts, a generated summary."""

from dataclasses import dataclass, field
from decimal import Decimal

from kerne.beloeb import MIO, NUL, mio_kr, rund
from kerne.fortegn import resultat_efter_overfoersler
from rammer.models import Aarsregnskab, Bevillingsramme, Regnskabslinje


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
