"""Loading the ramme-in-depth data files (årsregnskab, ledelsesinformation, budget model) that the demo loads
through `manage.py indlaes_rammedata`.

A file is checked as a whole before anything is written, and every load is one transaction. Amounts and numbers
are read in machine notation through the kernel (`kerne.beloeb`), texts are checked for characters a workbook
cannot hold (`kerne.tekst`).
"""

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
    Ydelse,
)

if TYPE_CHECKING:
    pass

class Rammedatafejl(ValueError):
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
        raise Rammedatafejl(f"{sted}: {exc}") from exc


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
        raise Rammedatafejl(f"{sted}: {exc}") from exc


def _dato(vaerdi: Any, sted: str) -> date | None:
    if vaerdi is None:
        return None
    try:
        return date.fromisoformat(vaerdi)
    except (TypeError, ValueError) as exc:
        raise Rammedatafejl(f"{sted}: {vaerdi!r} er ikke en dato (ÅÅÅÅ-MM-DD).") from exc


def _tjek_tekst(data: object, sted: str) -> None:
    """Refuse the file if any text in it holds a character that cannot be stored, naming each place."""
    if fejl := styretegn_i(data, sted):
        raise Rammedatafejl("\n".join(fejl))


def _felt(data: dict[str, Any], noegle: str, sted: str) -> Any:
    try:
        return data[noegle]
    except (KeyError, TypeError) as exc:
        raise Rammedatafejl(f"{sted}: feltet »{noegle}« mangler.") from exc


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
        raise Rammedatafejl("regnskab: listen »aktiviteter« er tom.")
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
            raise Rammedatafejl(f"{sted}: ukendt gruppe »{gruppe}«.")
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
            raise Rammedatafejl(f"{sted}: måneden {p['maaned']} ligger ikke i {aar}.")
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
        raise Rammedatafejl(f"{sted}: {vaerdi!r} er ikke et helt tal.") from exc
    if tal < 0 or str(tal) != str(vaerdi).strip():
        raise Rammedatafejl(f"{sted}: {vaerdi!r} er ikke et helt, ikke-negativt tal.")
    return tal


T = TypeVar("T")


def _paakraevet(vaerdi: T | None, sted: str) -> T:
    """A value its column cannot store empty: null in the file is refused here, not by the database."""
    if vaerdi is None:
        raise Rammedatafejl(f"{sted}: feltet må ikke være tomt.")
    return vaerdi


def _aar_maaned(vaerdi: object, sted: str) -> tuple[int, int]:
    """'2023-02' → (2023, 2)."""
    try:
        aar, maaned = (int(x) for x in str(vaerdi).split("-"))
    except ValueError as exc:
        raise Rammedatafejl(f"{sted}: {vaerdi!r} er ikke en måned (ÅÅÅÅ-MM).") from exc
    if not 1 <= maaned <= 12:
        raise Rammedatafejl(f"{sted}: {vaerdi!r} er ikke en måned (ÅÅÅÅ-MM).")
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
            raise Rammedatafejl(f"{sted}: statsrefusion skal ligge mellem 0 og 100 pct.")
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
