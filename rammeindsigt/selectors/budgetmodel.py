"""Read side of a ramme's budget model: ydelser (helårspersoner × gennemsnitspris, less statsrefusion) and a what-if
computed on unsaved copies."""

from dataclasses import dataclass
from decimal import Decimal

from kerne.beloeb import NUL
from rammer.models import Bevillingsramme, Ydelse


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
