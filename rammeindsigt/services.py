"""Write side of a ramme in depth: entry from the browser and the load of the transcribed seed data.

Every function is one transaction: either all of it is written or nothing is. The user is recorded in the history
by django-simple-history's middleware. Entry from the browser is locked optimistically (`kerne.versioner`): the
årsregnskab, the ledelsesinformation and each ydelse of a budget model carry the version their page was opened at.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from django.db import transaction

from kerne import versioner
from kerne.beloeb import NUL, UgyldigtTal, beloeb_fra_json, tal_fra_json
from kerne.tekst import styretegn_i
from rammer.models import (
    Aarsregnskab,
    Aktivitet,
    Aktivitetskategori,
    Bevillingsramme,
    Budgetaar,
    Estimatdel,
    Estimatlinje,
    Fokusomraade,
    Ledelsesinformation,
    Maanedsstatus,
    Rammebeskrivelse,
    Rammedel,
    Regnskabsbemaerkning,
    Regnskabslinje,
    Udvalg,
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


# --- Loading the transcribed seed data -------------------------------------------------------------------------------


class Indlaesningsfejl(ValueError):
    """The data file cannot be loaded as it is; the message says where, in Danish."""


@overload
def _beloeb(vaerdi: object, sted: str, *, tom_tilladt: Literal[False] = False) -> Decimal: ...
@overload
def _beloeb(vaerdi: object, sted: str, *, tom_tilladt: bool) -> Decimal | None: ...
def _beloeb(vaerdi: object, sted: str, *, tom_tilladt: bool = False) -> Decimal | None:
    """An amount in kroner from the JSON, in machine notation ("1250000.00")."""
    if vaerdi is None and tom_tilladt:
        return None
    try:
        return beloeb_fra_json(vaerdi)
    except UgyldigtTal as exc:
        raise Indlaesningsfejl(f"{sted}: {exc}") from exc


@overload
def _decimal(vaerdi: object, sted: str, *, tom_tilladt: Literal[False] = False) -> Decimal: ...
@overload
def _decimal(vaerdi: object, sted: str, *, tom_tilladt: bool) -> Decimal | None: ...
def _decimal(vaerdi: object, sted: str, *, tom_tilladt: bool = False) -> Decimal | None:
    """A number that is not money (helårspersoner, a percentage) from the JSON, in the same machine notation."""
    if vaerdi is None and tom_tilladt:
        return None
    try:
        return tal_fra_json(vaerdi, decimaler=2)
    except UgyldigtTal as exc:
        raise Indlaesningsfejl(f"{sted}: {exc}") from exc


def _dato(vaerdi: Any, sted: str) -> date | None:
    if vaerdi is None:
        return None
    try:
        return date.fromisoformat(vaerdi)
    except (TypeError, ValueError) as exc:
        raise Indlaesningsfejl(f"{sted}: {vaerdi!r} er ikke en dato (ÅÅÅÅ-MM-DD).") from exc


def _tjek_tekst(data: object, sted: str) -> None:
    """Refuse the file if any text in it holds a character that cannot be stored, naming each place."""
    if fejl := styretegn_i(data, sted):
        raise Indlaesningsfejl("\n".join(fejl))


def _felt(data: dict[str, Any], noegle: str, sted: str) -> Any:
    try:
        return data[noegle]
    except (KeyError, TypeError) as exc:
        raise Indlaesningsfejl(f"{sted}: feltet »{noegle}« mangler.") from exc


def sikr_ramme(*, aar: int, nummer: str, navn: str, udvalg_navn: str, udvalg_kode: str) -> Bevillingsramme:
    """The ramme of a year, with its year and udvalg, created if missing; an existing ramme is left as it is."""
    budgetaar, _ = Budgetaar.objects.get_or_create(aar=aar)
    ramme = Bevillingsramme.objects.filter(aar=budgetaar, nummer=nummer).first()
    if ramme:
        return ramme
    udvalg = (
        Udvalg.objects.filter(aar=budgetaar, navn=udvalg_navn).first()
        or Udvalg.objects.filter(aar=budgetaar, kode=udvalg_kode).first()
        or Udvalg.objects.create(aar=budgetaar, navn=udvalg_navn, kode=udvalg_kode)
    )
    ramme = Bevillingsramme(aar=budgetaar, udvalg=udvalg, nummer=nummer, navn=navn)
    ramme.full_clean()
    ramme.save()
    return ramme


BSU = {"udvalg_navn": "Børne- og Skoleudvalget", "udvalg_kode": "BSU"}


@transaction.atomic
def indlaes_regnskab(*, data: dict[str, Any], overskriv: bool = False) -> str:
    """Load an årsregnskab file (fixtures/regnskab_*.json): the ramme, its activities and their accounts.

    An årsregnskab already loaded is left alone (so entries made since are kept), unless `overskriv`.
    """
    _tjek_tekst(data, "regnskab")
    aar = _felt(data, "aar", "regnskab")
    r = _felt(data, "bevillingsramme", "regnskab")
    ramme = sikr_ramme(
        aar=aar, nummer=_felt(r, "nummer", "bevillingsramme"), navn=_felt(r, "navn", "bevillingsramme"),
        udvalg_navn=r.get("udvalg") or BSU["udvalg_navn"], udvalg_kode=r.get("udvalg_kode") or BSU["udvalg_kode"],
    )
    eksisterende = Aarsregnskab.objects.filter(ramme=ramme).first()
    if eksisterende and not overskriv:
        return f"Årsregnskab {aar} for {ramme.nummer} findes allerede; sprunget over."
    forrige_version = versioner.version_af(eksisterende)
    if eksisterende:
        eksisterende.delete()
    if data.get("opgavebeskrivelse"):
        Rammebeskrivelse.objects.update_or_create(ramme=ramme, defaults={"tekst": data["opgavebeskrivelse"]})
    aarsregnskab = Aarsregnskab.objects.create(
        ramme=ramme,
        # A replaced årsregnskab counts on from the old one's version, so a form opened on the old one is stale.
        version=forrige_version + 1,
        korrigeret_budget_pr=_dato(data.get("korrigeret_budget_pr"), "korrigeret_budget_pr"),
        forklaring=data.get("forklaring", ""),
    )
    aktiviteter = _felt(data, "aktiviteter", "regnskab")
    if not aktiviteter:
        raise Indlaesningsfejl("regnskab: listen »aktiviteter« er tom.")
    for i, a in enumerate(aktiviteter, start=1):
        sted = f"aktiviteter[{i}]"
        aktivitet, _ = Aktivitet.objects.update_or_create(
            ramme=ramme,
            navn=_felt(a, "navn", sted),
            defaults={"sortering": a.get("sortering", i), "andet_navn": a.get("andet_navn", "")},
        )
        Regnskabslinje.objects.create(
            aarsregnskab=aarsregnskab,
            aktivitet=aktivitet,
            vedtaget_budget=_beloeb(_felt(a, "vedtaget_budget", sted), f"{sted}.vedtaget_budget"),
            korrigeret_budget=_beloeb(_felt(a, "korrigeret_budget", sted), f"{sted}.korrigeret_budget"),
            regnskab=_beloeb(_felt(a, "regnskab", sted), f"{sted}.regnskab"),
            overfoert=_beloeb(a.get("overfoert", "0.00"), f"{sted}.overfoert"),
            forklaring=a.get("forklaring", ""),
        )
    sortering = 0
    for flytning in data.get("budgetflytninger_" + str(aar), []):
        sortering += 1
        Regnskabsbemaerkning.objects.create(
            aarsregnskab=aarsregnskab,
            sortering=sortering,
            overskrift=f"Budgetflytning: {flytning['omraade']}",
            tekst=f"Fra {flytning['fra_ramme']} til {flytning['til_ramme']}. Beløbet fremgår ikke af regnskabet.",
        )
    for punkt in data.get(f"budgetaftale_{aar}", []):
        sortering += 1
        Regnskabsbemaerkning.objects.create(
            aarsregnskab=aarsregnskab,
            sortering=sortering,
            overskrift=f"Budgetaftale {aar}, punkt {punkt['nummer']}: {punkt['titel']}",
            tekst=punkt.get("tekst", ""),
        )
    return f"Årsregnskab {aar} for {ramme.nummer} indlæst med {len(aktiviteter)} aktiviteter."


GRUPPER = {kode for kode, _ in Aktivitetskategori.GRUPPER}


@transaction.atomic
def indlaes_ledelsesinformation(*, data: dict[str, Any], overskriv: bool = False) -> str:
    """Load a ledelsesinformation file (fixtures/ledelsesinformation_*.json) onto the ramme of its year.

    Already loaded ledelsesinformation is left alone (entries made since are kept), unless `overskriv`.
    """
    _tjek_tekst(data, "ledelsesinformation")
    aar = _felt(data, "aar", "ledelsesinformation")
    r = _felt(data, "bevillingsramme", "ledelsesinformation")
    ramme = sikr_ramme(
        aar=aar, nummer=_felt(r, "nummer", "bevillingsramme"), navn=_felt(r, "navn", "bevillingsramme"),
        udvalg_navn=r.get("udvalg") or BSU["udvalg_navn"], udvalg_kode=r.get("udvalg_kode") or BSU["udvalg_kode"],
    )
    eksisterende = Ledelsesinformation.objects.filter(ramme=ramme).first()
    if eksisterende and not overskriv:
        return f"Ledelsesinformation {aar} for {ramme.nummer} findes allerede; sprunget over."
    forrige_version = versioner.version_af(eksisterende)
    if eksisterende:
        eksisterende.delete()
    estimat = _felt(data, "estimat", "ledelsesinformation")
    noegletal = data.get("noegletal") or {}
    snapshots = data.get("maanedlige_snapshots") or {}
    underretninger = data.get("underretninger") or {}
    kategoridata = _felt(data, "aktivitetskategorier", "ledelsesinformation")
    li = Ledelsesinformation.objects.create(
        ramme=ramme,
        # Replaced ledelsesinformation counts on from the old version, so a form opened on the old one is stale.
        version=forrige_version + 1,
        rapportdato=_paakraevet(_dato(_felt(data, "rapportdato", "ledelsesinformation"), "rapportdato"), "rapportdato"),
        navn_i_rapporten=r.get("navn_i_rapporten", ""),
        resume=data.get("resume", ""),
        estimat_pr=_dato(estimat.get("pr_dato"), "estimat.pr_dato"),
        estimat_forklaring=estimat.get("forklaring", ""),
        kategori_note=kategoridata.get("note", ""),
        maaned_beskrivelse=snapshots.get("beskrivelse", ""),
        underretninger_tekst=underretninger.get("tekst", ""),
        boern_og_unge_ca=_heltal(noegletal.get("boern_og_unge_0_18_aar_ca"), "noegletal"),
        med_specialiseret_indsats_ca=_heltal(noegletal.get("boern_og_unge_med_specialiseret_indsats_ca"), "noegletal"),
    )
    kategorier: dict[str, Aktivitetskategori] = {}
    for i, k in enumerate(_felt(kategoridata, "kategorier", "aktivitetskategorier"), start=1):
        sted = f"aktivitetskategorier.kategorier[{i}]"
        gruppe = _felt(k, "gruppe", sted)
        if gruppe not in GRUPPER:
            raise Indlaesningsfejl(f"{sted}: ukendt gruppe »{gruppe}«.")
        kategori = Aktivitetskategori.objects.create(
            ledelsesinformation=li,
            sortering=k.get("sortering", i),
            gruppe=gruppe,
            konto=_felt(k, "konto", sted),
            navn=_felt(k, "navn", sted),
            budget_enhedspris=_beloeb(_felt(k, "budget_enhedspris", sted), f"{sted}.budget_enhedspris"),
            budget_helaarsbrugere=_decimal(_felt(k, "budget_helaarsbrugere", sted), f"{sted}.budget_helaarsbrugere"),
            aktuel_enhedspris=_beloeb(k.get("aktuel_enhedspris"), f"{sted}.aktuel_enhedspris", tom_tilladt=True),
            aktuelle_helaarsbrugere=_decimal(
                k.get("aktuelle_helaarsbrugere"), f"{sted}.aktuelle_helaarsbrugere", tom_tilladt=True
            ),
            forrige_skoen=_beloeb(
                k.get("seneste_estimat_forventet_forbrug"), f"{sted}.seneste_estimat_forventet_forbrug",
                tom_tilladt=True,
            ),
        )
        kategorier[kategori.konto] = kategori
    for gruppe, noegle in ((Estimatlinje.MYNDIGHED, "myndighed"), (Estimatlinje.AFDELING, "afdelinger")):
        for i, e in enumerate(estimat.get(noegle, []), start=1):
            sted = f"estimat.{noegle}[{i}]"
            Estimatlinje.objects.create(
                ledelsesinformation=li,
                gruppe=gruppe,
                sortering=e.get("sortering", i),
                navn=_felt(e, "navn", sted),
                korrigeret_budget=_beloeb(_felt(e, "korrigeret_budget", sted), f"{sted}.korrigeret_budget"),
                forventet_forbrug=_beloeb(_felt(e, "forventet_forbrug", sted), f"{sted}.forventet_forbrug"),
            )
    for i, d in enumerate(estimat.get("serviceramme", []), start=1):
        sted = f"estimat.serviceramme[{i}]"
        Estimatdel.objects.create(
            ledelsesinformation=li,
            placering=Rammedel.INDEN if _felt(d, "inden_for_servicerammen", sted) else Rammedel.UDEN,
            korrigeret_budget=_beloeb(_felt(d, "korrigeret_budget", sted), f"{sted}.korrigeret_budget"),
            forventet_forbrug=_beloeb(_felt(d, "forventet_forbrug", sted), f"{sted}.forventet_forbrug"),
        )
    for i, p in enumerate(snapshots.get("punkter", []), start=1):
        sted = f"maanedlige_snapshots.punkter[{i}]"
        punkt_aar, maaned = _aar_maaned(_felt(p, "maaned", sted), sted)
        if punkt_aar != aar:
            raise Indlaesningsfejl(f"{sted}: måneden {p['maaned']} ligger ikke i {aar}.")
        Maanedsstatus.objects.create(
            ledelsesinformation=li,
            maaned=maaned,
            forventet_forbrug=_beloeb(_felt(p, "forventet_forbrug", sted), f"{sted}.forventet_forbrug"),
            budget=_beloeb(_felt(p, "korrigeret_budget", sted), f"{sted}.korrigeret_budget"),
            antaget=bool(p.get("antaget")),
            kilde=p.get("kilde", ""),
        )
    for i, u in enumerate(underretninger.get("pr_aar", []), start=1):
        sted = f"underretninger.pr_aar[{i}]"
        li.underretninger.create(
            aar=_felt(u, "aar", sted),
            antal=_paakraevet(_heltal(_felt(u, "antal", sted), sted), f"{sted}.antal"),
            til_og_med=_dato(u.get("til_og_med"), f"{sted}.til_og_med"),
        )
    for i, u in enumerate(underretninger.get("pr_maaned", []), start=1):
        sted = f"underretninger.pr_maaned[{i}]"
        u_aar, maaned = _aar_maaned(_felt(u, "maaned", sted), sted)
        li.underretninger.create(
            aar=u_aar, maaned=maaned, antal=_paakraevet(_heltal(_felt(u, "antal", sted), sted), f"{sted}.antal")
        )
    for i, f in enumerate(data.get("fokusomraader", []), start=1):
        sted = f"fokusomraader[{i}]"
        Fokusomraade.objects.create(
            ledelsesinformation=li,
            sortering=f.get("sortering", i),
            titel=_felt(f, "titel", sted),
            kategori=kategorier.get(f.get("konto")),
            tekst=_felt(f, "tekst", sted),
            mangler=f.get("mangler") or "",
        )
    return f"Ledelsesinformation {aar} for {ramme.nummer} indlæst med {len(kategorier)} aktivitetskategorier."


def _heltal(vaerdi: Any, sted: str) -> int | None:
    if vaerdi is None:
        return None
    try:
        tal = int(vaerdi)
    except (TypeError, ValueError) as exc:
        raise Indlaesningsfejl(f"{sted}: {vaerdi!r} er ikke et helt tal.") from exc
    if tal < 0 or str(tal) != str(vaerdi).strip():
        raise Indlaesningsfejl(f"{sted}: {vaerdi!r} er ikke et helt, ikke-negativt tal.")
    return tal


T = TypeVar("T")


def _paakraevet(vaerdi: T | None, sted: str) -> T:
    """A value its column cannot store empty: null in the file is refused here, not by the database."""
    if vaerdi is None:
        raise Indlaesningsfejl(f"{sted}: feltet må ikke være tomt.")
    return vaerdi


def _aar_maaned(vaerdi: object, sted: str) -> tuple[int, int]:
    """'2023-02' → (2023, 2)."""
    try:
        aar, maaned = (int(x) for x in str(vaerdi).split("-"))
    except ValueError as exc:
        raise Indlaesningsfejl(f"{sted}: {vaerdi!r} er ikke en måned (ÅÅÅÅ-MM).") from exc
    if not 1 <= maaned <= 12:
        raise Indlaesningsfejl(f"{sted}: {vaerdi!r} er ikke en måned (ÅÅÅÅ-MM).")
    return aar, maaned


EBU = {"udvalg_navn": "Erhvervs- og Beskæftigelsesudvalget", "udvalg_kode": "EBU"}


@transaction.atomic
def indlaes_budgetmodel(*, data: dict[str, Any], overskriv: bool = False) -> str:
    """Load a budget model file (fixtures/budgetmodel_*.json): the ydelser on the ramme the file names.

    The seed gives no prices or refund rates; where the file carries the demo's `eksempel_*` figures instead, the
    ydelse is marked as example data. A model already loaded is left alone, unless `overskriv`.
    """
    _tjek_tekst(data, "budgetmodel")
    aar = _felt(data, "budgetaar", "budgetmodel")
    r = _felt(data, "eksempel_bevillingsramme", "budgetmodel")
    udvalg = data.get("udvalg") or {}
    ramme = sikr_ramme(
        aar=aar,
        nummer=_felt(r, "nummer", "eksempel_bevillingsramme"),
        navn=_felt(r, "navn", "eksempel_bevillingsramme"),
        udvalg_navn=udvalg.get("navn") or EBU["udvalg_navn"],
        udvalg_kode=udvalg.get("forkortelse") or EBU["udvalg_kode"],
    )
    if Ydelse.objects.filter(ramme=ramme).exists() and not overskriv:
        return f"Budgetmodellen {aar} for {ramme.nummer} findes allerede; sprunget over."
    ydelser = _felt(data, "ydelser", "budgetmodel")
    for i, y in enumerate(ydelser, start=1):
        sted = f"ydelser[{i}]"
        pris = _beloeb(y.get("gennemsnitspris"), f"{sted}.gennemsnitspris", tom_tilladt=True)
        pct = _decimal(y.get("statsrefusion_pct"), f"{sted}.statsrefusion_pct", tom_tilladt=True)
        eksempel = pris is None or pct is None
        if pris is None:
            pris = _beloeb(_felt(y, "eksempel_gennemsnitspris", sted), f"{sted}.eksempel_gennemsnitspris")
        if pct is None:
            pct = _decimal(_felt(y, "eksempel_statsrefusion_pct", sted), f"{sted}.eksempel_statsrefusion_pct")
        if not NUL <= pct <= Decimal("100"):
            raise Indlaesningsfejl(f"{sted}: statsrefusion skal ligge mellem 0 og 100 pct.")
        ydelse, oprettet = Ydelse.objects.update_or_create(
            ramme=ramme,
            navn=_felt(y, "navn", sted),
            defaults={
                "sortering": y.get("sortering", i),
                "gruppe": y.get("gruppe", ""),
                "helaarspersoner": _decimal(_felt(y, "helaarspersoner", sted), f"{sted}.helaarspersoner"),
                "gennemsnitspris": pris,
                "statsrefusion_pct": pct,
                "eksempeltal": eksempel,
            },
        )
        if not oprettet:
            versioner.ny_version(ydelse, bruger=None)  # a budget model page opened before the load is stale
    return f"Budgetmodel {aar} for {ramme.nummer} indlæst med {len(ydelser)} ydelser."
