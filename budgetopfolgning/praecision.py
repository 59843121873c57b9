"""Forecast precision: each locked round's forventet forbrug against the regnskab (a year with 12 months of
forbrug), as WAPE per round, udvalg and ramme part, and the rammer across years."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from budgetopfolgning.forbrugstal import forbrugsdele, forbrugsmaaned
from budgetopfolgning.models import Opfoelgning
from budgetopfolgning.selectors import Linje, linjer
from forbrug import selectors as forbrug_selectors
from kerne.beloeb import NUL
from kerne.datoer import maanedsnavn
from kerne.nummerering import naturlig_noegle
from rammer.models import Udvalg


@dataclass
class Praecisionsrunde:
    """One round measured against the regnskab: its forecast's WAPE, and the profile prognosis's at its month."""

    opfoelgning: Opfoelgning
    maaned: int
    forventet: Decimal
    prognose: Decimal
    regnskab: Decimal
    wape: Decimal | None
    wape_prognose: Decimal | None
    wape_udvalg: dict[int, Decimal | None]
    afvigelser: dict[int, Decimal]  # per ramme part id: forventet − regnskab

    @property
    def afvigelse(self) -> Decimal:
        return self.forventet - self.regnskab

    @property
    def maanedsnavn(self) -> str:
        return maanedsnavn(self.maaned)


@dataclass
class Praecisionsdel:
    linje: Linje
    regnskab: Decimal
    afvigelser: list[Decimal | None]  # per round, in the order of the rounds


@dataclass
class Praecision:
    runder: list[Praecisionsrunde]
    udvalg: list[tuple[Udvalg, list[Decimal | None]]]
    dele: list[Praecisionsdel]


def praecision(opfoelgninger: list[Opfoelgning]) -> Praecision | None:
    """How far each round's forventet forbrug was from the regnskab (the year's 12 months of forbrug), per ramme
    part, per udvalg and in all, as WAPE over the ramme parts; beside it the WAPE the profile prognosis would have
    had at the round's month (a part without a prognosis counts as forecasting 0). Ramme parts without forbrug in
    the year (no konto mapped to them) are left out. None until the year has all 12 months. `opfoelgninger` are
    the year's rounds the user may see, in order."""
    if not opfoelgninger:
        return None
    aar = opfoelgninger[0].aar
    regnskab = forbrug_selectors.regnskab(aar)
    if regnskab is None:
        return None
    runder: list[Praecisionsrunde] = []
    alle_linjer: list[Linje] = []
    for opfoelgning in opfoelgninger:
        # Only ramme parts with forbrug in the year are measured: a part no konto maps to has no regnskab here.
        alle_linjer = [linje for linje in linjer(opfoelgning) if linje.rammedel.pk in regnskab]
        fdele = forbrugsdele(opfoelgning, alle_linjer)
        faktisk = [regnskab.get(d.linje.rammedel.pk, NUL) for d in fdele]
        par = [(d.tal.forventet, r) for d, r in zip(fdele, faktisk, strict=True)]
        prognoser = [(d.tal.prognose or NUL, r) for d, r in zip(fdele, faktisk, strict=True)]
        per_udvalg: dict[int, list[tuple[Decimal, Decimal]]] = defaultdict(list)
        for d, r in zip(fdele, faktisk, strict=True):
            per_udvalg[d.linje.ramme.udvalg_id].append((d.tal.forventet, r))
        runder.append(
            Praecisionsrunde(
                opfoelgning=opfoelgning,
                maaned=forbrugsmaaned(opfoelgning),
                forventet=sum((f for f, _ in par), NUL),
                prognose=sum((p for p, _ in prognoser), NUL),
                regnskab=sum((r for _, r in par), NUL),
                wape=forbrug_selectors.wape(par),
                wape_prognose=forbrug_selectors.wape(prognoser),
                wape_udvalg={u: forbrug_selectors.wape(p) for u, p in per_udvalg.items()},
                afvigelser={d.linje.rammedel.pk: d.tal.forventet - r for d, r in zip(fdele, faktisk, strict=True)},
            )
        )
    udvalg = [
        (u, [r.wape_udvalg.get(u.pk) for r in runder]) for u in Udvalg.objects.filter(aar_id=aar.pk)
    ]
    dele = [
        Praecisionsdel(
            linje=linje,
            regnskab=regnskab.get(linje.rammedel.pk, NUL),
            afvigelser=[r.afvigelser.get(linje.rammedel.pk) for r in runder],
        )
        for linje in alle_linjer
    ]
    return Praecision(runder=runder, udvalg=udvalg, dele=dele)


@dataclass
class Tvaersraekke:
    """A ramme part across years: how far the year's last round's forventet forbrug was from the regnskab, signed,
    in per cent of |regnskab| (+ = forecast too high)."""

    nummer: str
    navn: str
    placering: str
    pr_aar: list[Decimal | None]

    @property
    def vurdering(self) -> str:
        maalt = [v for v in self.pr_aar if v is not None]
        if len(maalt) < 2:
            return ""
        if all(v > 0 for v in maalt):
            return "systematisk for højt"
        if all(v < 0 for v in maalt):
            return "systematisk for lavt"
        return ""


def praecision_paa_tvaers(aarets: list[tuple[int, Praecision]]) -> list[Tvaersraekke]:
    """The ramme parts of several years' precision (`aarets`: (year, its precision), in year order), each year's
    figure from its last round, so a ramme whose forecasts are too high or too low year after year stands out.
    Ramme parts are recognised across years by number and placering."""
    raekker: dict[tuple[str, str], Tvaersraekke] = {}
    for i, (_, p) in enumerate(aarets):
        for d in p.dele:
            noegle = (d.linje.ramme.nummer, d.linje.rammedel.placering)
            raekke = raekker.setdefault(
                noegle,
                Tvaersraekke(noegle[0], d.linje.ramme.navn, noegle[1], pr_aar=[None] * len(aarets)),
            )
            afvigelse = d.afvigelser[-1]
            if afvigelse is not None and d.regnskab != 0:
                raekke.pr_aar[i] = forbrug_selectors.som_decimal(Fraction(afvigelse) / Fraction(abs(d.regnskab)) * 100)
    return [raekker[k] for k in sorted(raekker, key=lambda k: (naturlig_noegle(k[0]), k[0], k[1]))]
