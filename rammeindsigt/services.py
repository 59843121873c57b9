"""Write side of a ramme in depth: entry from the browser. The data files are loaded by indlaesning.py.

Every function is one transaction: either all of it is written or nothing is. The user is recorded in the history
by django-simple-history's middleware. Entry from the browser is locked optimistically (`kerne.versioner`): the
årsregnskab, the ledelsesinformation and each ydelse of a budget model carry the version their page was opened at.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from kerne import versioner
from rammer.models import (
    Aarsregnskab,
    Aktivitet,
    Aktivitetskategori,
    Bevillingsramme,
    Estimatdel,
    Estimatlinje,
    Ledelsesinformation,
    Maanedsstatus,
    Regnskabslinje,
    Underretningstal,
    Ydelse,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# --- Entry from the browser ----------------------------------------------------------------------------------------


@dataclass
class Regnskabsindtastning:
    vedtaget_budget: Decimal
    korrigeret_budget: Decimal
    regnskab: Decimal
    overfoert: Decimal
    forklaring: str


def _laas_li(ledelsesinformation: Ledelsesinformation, version: int) -> Ledelsesinformation:
    """The ledelsesinformation locked and checked against the version its page was opened at: every one of its edit
    pages carries it, since they change parts of one report."""
    [li] = versioner.laas_versioner(
        Ledelsesinformation.objects.filter(pk=ledelsesinformation.pk), {ledelsesinformation.pk: version}
    )
    return li


@transaction.atomic
def gem_regnskab(
    *,
    ramme: Bevillingsramme,
    version: int,
    korrigeret_budget_pr: date | None,
    forklaring: str,
    linjer: dict[Aktivitet | None, Regnskabsindtastning],
    bruger: "User | None",
) -> Aarsregnskab:
    """Save the ramme's årsregnskab, creating it on first entry. `linjer` is keyed by activity (None: the ramme's
    own line, for a ramme without activities).

    `version` is the årsregnskab's version the form was opened at, 0 if there was none yet; if anyone saved it
    since, `versioner.Konflikt` is raised and nothing is written.
    """
    # The ramme row is locked first: while there is no årsregnskab there is no row of it to lock, and two first
    # entries must queue rather than both create one.
    Bevillingsramme.objects.select_for_update().get(pk=ramme.pk)
    aarsregnskab = versioner.laas_version(Aarsregnskab.objects.filter(ramme=ramme), version)
    ny = aarsregnskab is None
    if aarsregnskab is None:
        aarsregnskab = Aarsregnskab.objects.create(
            ramme=ramme, korrigeret_budget_pr=korrigeret_budget_pr, forklaring=forklaring, aendret_af=bruger
        )
    egne = (aarsregnskab.korrigeret_budget_pr, aarsregnskab.forklaring) != (korrigeret_budget_pr, forklaring)
    aendret = egne
    for aktivitet, ind in linjer.items():
        linje = Regnskabslinje.objects.filter(aarsregnskab=aarsregnskab, aktivitet=aktivitet).first()
        if linje is None:
            linje = Regnskabslinje(aarsregnskab=aarsregnskab, aktivitet=aktivitet)
        nye = {
            "vedtaget_budget": ind.vedtaget_budget,
            "korrigeret_budget": ind.korrigeret_budget,
            "regnskab": ind.regnskab,
            "overfoert": ind.overfoert,
            "forklaring": ind.forklaring,
        }
        if linje.pk and all(getattr(linje, felt) == vaerdi for felt, vaerdi in nye.items()):
            continue  # unchanged: no history entry
        for felt, vaerdi in nye.items():
            setattr(linje, felt, vaerdi)
        linje.save()
        aendret = True
    if aendret and not ny:
        versioner.ny_version(aarsregnskab, bruger=bruger)
    if egne:
        aarsregnskab.korrigeret_budget_pr = korrigeret_budget_pr
        aarsregnskab.forklaring = forklaring
        aarsregnskab.save()
    return aarsregnskab


@transaction.atomic
def gem_skoen(
    *,
    ledelsesinformation: Ledelsesinformation,
    version: int,
    skoen: dict[int, tuple[Decimal | None, Decimal | None]],
    nyt_skoen: bool,
    bruger: "User | None",
) -> int:
    """Save aktuel enhedspris and helårsbrugere per category (keyed by pk). Returns how many categories changed.

    With `nyt_skoen` this is a new estimate: every category's forecast so far becomes its "forrige skøn", so the
    page shows the development since then (also 0 for a category whose figures stayed). Without it the figures are
    corrected in place and the previous estimate is kept. `version` is the ledelsesinformation's, as for every
    page of it.
    """
    li = _laas_li(ledelsesinformation, version)
    aendret = 0
    for kategori in Aktivitetskategori.objects.select_for_update().filter(ledelsesinformation=li).order_by("pk"):
        if kategori.pk not in skoen:
            continue
        pris, brugere = skoen[kategori.pk]
        hidtidig = kategori.forventet_forbrug
        forrige = hidtidig if nyt_skoen and hidtidig is not None else kategori.forrige_skoen
        if (kategori.aktuel_enhedspris, kategori.aktuelle_helaarsbrugere, kategori.forrige_skoen) == (
            pris,
            brugere,
            forrige,
        ):
            continue
        kategori.aktuel_enhedspris = pris
        kategori.aktuelle_helaarsbrugere = brugere
        kategori.forrige_skoen = forrige
        kategori.save()
        aendret += 1
    if aendret:
        versioner.ny_version(li, bruger=bruger)
    return aendret


@transaction.atomic
def gem_estimat(
    *,
    ledelsesinformation: Ledelsesinformation,
    version: int,
    estimat_pr: date,
    linjer: dict[int, tuple[Decimal, Decimal]],
    dele: dict[int, tuple[Decimal, Decimal]],
    bruger: "User | None",
) -> None:
    """Save the estimate table (korrigeret budget, forventet forbrug per row, keyed by pk) and its date."""
    li = _laas_li(ledelsesinformation, version)
    egne = li.estimat_pr != estimat_pr
    aendret = egne
    for model, vaerdier in ((Estimatlinje, linjer), (Estimatdel, dele)):
        for obj in model.objects.select_for_update().filter(ledelsesinformation=li, pk__in=vaerdier).order_by("pk"):
            korrigeret, forventet = vaerdier[obj.pk]
            if (obj.korrigeret_budget, obj.forventet_forbrug) != (korrigeret, forventet):
                obj.korrigeret_budget = korrigeret
                obj.forventet_forbrug = forventet
                obj.save()
                aendret = True
    if aendret:
        versioner.ny_version(li, bruger=bruger)
    if egne:
        li.estimat_pr = estimat_pr
        li.save()


@transaction.atomic
def gem_maanedsstatus(
    *,
    ledelsesinformation: Ledelsesinformation,
    version: int,
    maaned: int,
    forventet_forbrug: Decimal,
    budget: Decimal,
    bruger: "User | None",
) -> Maanedsstatus:
    """Record the forecast at the end of a month; a month already recorded gets the new figures.

    A point entered by a person is a reported snapshot, so an earlier assumed point for the month stops being one.
    """
    li = _laas_li(ledelsesinformation, version)
    status, oprettet = Maanedsstatus.objects.select_for_update().get_or_create(
        ledelsesinformation=li,
        maaned=maaned,
        defaults={"forventet_forbrug": forventet_forbrug, "budget": budget},
    )
    aendret = oprettet
    if (status.forventet_forbrug, status.budget, status.antaget) != (forventet_forbrug, budget, False):
        status.forventet_forbrug = forventet_forbrug
        status.budget = budget
        status.antaget = False
        status.kilde = ""
        status.save()
        aendret = True
    if aendret:
        versioner.ny_version(li, bruger=bruger)
    return status


@transaction.atomic
def gem_underretninger(
    *,
    ledelsesinformation: Ledelsesinformation,
    version: int,
    aar: int,
    maaned: int | None,
    antal: int,
    til_og_med: date | None,
    bruger: "User | None",
) -> Underretningstal:
    """Record how many underretninger came in during a year or a month; a period already recorded gets the new
    count."""
    li = _laas_li(ledelsesinformation, version)
    tal = Underretningstal.objects.select_for_update().filter(ledelsesinformation=li, aar=aar, maaned=maaned).first()
    if tal is not None and (tal.antal, tal.til_og_med) == (antal, til_og_med):
        return tal
    if tal is None:
        tal = Underretningstal(ledelsesinformation=li, aar=aar, maaned=maaned)
    tal.antal = antal
    tal.til_og_med = til_og_med
    tal.save()
    versioner.ny_version(li, bruger=bruger)
    return tal


@transaction.atomic
def gem_budgetmodel(
    *,
    ramme: Bevillingsramme,
    vaerdier: dict[int, tuple[Decimal, Decimal, Decimal]],
    ydelsesversioner: dict[int, int],
    bruger: "User | None",
) -> int:
    """Save helårspersoner, gennemsnitspris and statsrefusion per ydelse (keyed by pk). Returns how many changed.

    `ydelsesversioner` holds each ydelse's version as the page was opened; if anyone saved one since,
    `versioner.Konflikt` is raised and nothing is written. A price or rate typed by a person is the kommune's own
    figure, so the ydelse stops being marked as example data.
    """
    aendret = 0
    for y in versioner.laas_versioner(Ydelse.objects.filter(ramme=ramme), ydelsesversioner):
        antal, pris, pct = vaerdier[y.pk]
        if (y.helaarspersoner, y.gennemsnitspris, y.statsrefusion_pct) == (antal, pris, pct):
            continue
        if (y.gennemsnitspris, y.statsrefusion_pct) != (pris, pct):
            y.eksempeltal = False
        y.helaarspersoner, y.gennemsnitspris, y.statsrefusion_pct = antal, pris, pct
        versioner.ny_version(y, bruger=bruger)
        y.save()
        aendret += 1
    return aendret
