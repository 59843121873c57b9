"""A ramme's forbrug chart: cumulative forbrug by month against the periodised budget and each round's forventet
forbrug, as an SVG drawn here (plain figures in, markup out) with a text alternative beside it.

Figures are converted from Decimal to float only here, at the drawing boundary.
"""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Sum
from django.utils.html import escape

from budgetopfolgning import forbrugstal
from budgetopfolgning.forbrugstal import Forbrugsdel
from budgetopfolgning.models import Opfoelgning, Opfoelgningslinje
from budgetopfolgning.selectors import Linje
from forbrug import selectors as forbrug_selectors
from kerne.beloeb import NUL, mio_kr
from kerne.datoer import KORTE_MAANEDER
from rammer.models import Bevillingsramme

BREDDE, HOEJDE = 640, 300
VENSTRE, HOEJRE, TOP, BUND = 70, 90, 20, 40
KORT_MAANED = [m.rstrip(".") for m in KORTE_MAANEDER]  # axis labels: "jan", "feb", …


@dataclass
class Forbrugsgraf:
    svg: str
    beskrivelse: list[str]  # the text alternative, one line per month and round


def forbrugsgraf(
    opfoelgning: Opfoelgning, ramme: Bevillingsramme, dele: list[Forbrugsdel], runder: list[Opfoelgning]
) -> Forbrugsgraf:
    """The chart for one ramme in a round. `runder` are the year's rounds the user may see. Two queries.

    The title's id carries the ramme's pk, so several charts can share one document (the udvalg's PDF)."""
    maaned_forbrug = forbrug_selectors.maanedsforbrug([opfoelgning.aar.aar], nummer=ramme.nummer).get(
        opfoelgning.aar.aar, {}
    )
    pr_maaned = [sum((maaned_forbrug.get(n, {}).get(m, NUL) for n in maaned_forbrug), NUL) for m in range(1, 13)]
    med_data = sorted({m for n in maaned_forbrug for m in maaned_forbrug[n]})
    sidste = max(med_data) if med_data else 0
    kumulativ: list[Decimal] = []
    i_alt = NUL
    for m in range(1, sidste + 1):
        i_alt += pr_maaned[m - 1]
        kumulativ.append(i_alt)
    periodiseret = [
        sum(
            (forbrug_selectors.som_decimal(Fraction(d.tal.korrigeret) * d.profil.andel(m)) for d in dele),
            NUL,
        )
        for m in range(1, 13)
    ]
    forventet = dict(
        Opfoelgningslinje.objects.filter(opfoelgning__in=runder, rammedel__ramme__nummer=ramme.nummer,
                                         rammedel__ramme__aar_id=opfoelgning.aar_id)
        .values("opfoelgning__nummer")
        .annotate(s=Sum("forventet_forbrug"))
        .values_list("opfoelgning__nummer", "s")
    )
    alle = [*kumulativ, *periodiseret, *forventet.values(), NUL]
    laveste, hoejeste = float(min(alle)), float(max(alle))
    if hoejeste == laveste:
        hoejeste = laveste + 1

    def x(m: float) -> float:
        return VENSTRE + (m - 1) / 11 * (BREDDE - VENSTRE - HOEJRE)

    def y(v: Decimal) -> float:
        return TOP + (hoejeste - float(v)) / (hoejeste - laveste) * (HOEJDE - TOP - BUND)

    def linje(punkter: list[tuple[float, float]], **attr: str) -> str:
        p = " ".join(f"{a:.1f},{b:.1f}" for a, b in punkter)
        ekstra = " ".join(f'{k.replace("_", "-")}="{v}"' for k, v in attr.items())
        return f'<polyline fill="none" points="{p}" {ekstra}/>'

    dele_svg = [
        f'<line x1="{VENSTRE}" y1="{y(NUL):.1f}" x2="{BREDDE - HOEJRE}" y2="{y(NUL):.1f}" stroke="#767676"/>',
    ]
    for i in range(5):
        v = Decimal(str(laveste + (hoejeste - laveste) * i / 4))
        dele_svg.append(
            f'<text x="{VENSTRE - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="11">{mio_kr(v)}</text>'
        )
    for m in range(1, 13):
        dele_svg.append(
            f'<text x="{x(m):.1f}" y="{HOEJDE - BUND + 16}" text-anchor="middle" font-size="11">'
            f"{KORT_MAANED[m - 1]}</text>"
        )
    dele_svg.append(linje([(x(m), y(v)) for m, v in enumerate(periodiseret, 1)], stroke="#4a4a4a",
                          stroke_width="2", stroke_dasharray="6 4"))
    if kumulativ:
        dele_svg.append(linje([(x(m), y(v)) for m, v in enumerate(kumulativ, 1)], stroke="#00517a", stroke_width="3"))
    # Rounds with the same forecast share one line and one label ("1., 2. BO").
    samme: dict[Decimal, list[int]] = {}
    for nummer, beloeb in sorted(forventet.items()):
        samme.setdefault(beloeb, []).append(nummer)
    for beloeb, numre in samme.items():
        dele_svg.append(linje([(x(1), y(beloeb)), (x(12), y(beloeb))], stroke="#8a3b00", stroke_width="1.5",
                              stroke_dasharray="2 3"))
        navn = ", ".join(f"{n}." for n in numre) + " BO"
        dele_svg.append(
            f'<text x="{x(12) + 4:.1f}" y="{y(beloeb) + 4:.1f}" font-size="11" fill="#8a3b00">{navn}</text>'
        )
    titel = f"Akkumuleret forbrug {opfoelgning.aar.aar} for {ramme.nummer} {ramme.navn} (mio. kr.)"
    beskrivelse = [
        f"{KORT_MAANED[m - 1]}: forbrug til og med måneden {mio_kr(kumulativ[m - 1])} mio. kr., "
        f"periodiseret budget {mio_kr(periodiseret[m - 1])} mio. kr."
        for m in range(1, sidste + 1)
    ]
    beskrivelse += [f"Forventet forbrug ved {n}. budgetopfølgning: {mio_kr(b)} mio. kr." for n, b in
                    sorted(forventet.items())]
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {BREDDE} {HOEJDE}" width="100%" role="img" '
        f'aria-labelledby="forbrugsgraf-titel-{ramme.pk}" class="forbrugsgraf">'
        f'<title id="forbrugsgraf-titel-{ramme.pk}">{escape(titel)}'
        f"</title>{''.join(dele_svg)}</svg>"
    )
    return Forbrugsgraf(svg=svg, beskrivelse=beskrivelse)


@dataclass
class Rammegraf:
    ramme: Bevillingsramme
    graf: Forbrugsgraf


def udvalgets_grafer(opfoelgning: Opfoelgning, linjer: list[Linje], runder: list[Opfoelgning]) -> list[Rammegraf]:
    """The chart of each ramme among `linjer` (one udvalg's) that any konto reaches, in the lines' order; none
    while the year has no forbrug. Two queries per ramme, plus forbrugstal's five."""
    if not linjer or not forbrugstal.har_forbrug(opfoelgning):
        return []
    pr_ramme: dict[int, list[Forbrugsdel]] = {}
    for d in forbrugstal.forbrugsdele(opfoelgning, linjer, kun_disse=True):
        pr_ramme.setdefault(d.linje.ramme.pk, []).append(d)
    return [
        Rammegraf(ramme=dele[0].linje.ramme, graf=forbrugsgraf(opfoelgning, dele[0].linje.ramme, dele, runder))
        for dele in pr_ramme.values()
        if any(d.kortlagt for d in dele)
    ]
