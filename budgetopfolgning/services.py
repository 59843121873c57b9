"""Write side of the follow-up: the budget import's writes and a round's life (opened, locked). What konsulenter
enter in an open round is saved by `indtastning.py`; its review by `gennemgang.py`.

An import is all or nothing: the file is read and checked first (indlaesning.py), the year's data is checked
against it, and only a file without problems is written, in one transaction.
"""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from budgetopfolgning import arbejdsliste, gennemgang, jobs, laasning, mellemlager, selectors
from budgetopfolgning.indlaesning import MAKS_FEJL, ImportFejl, laes_budgetfil, linjefejl
from budgetopfolgning.models import Aktivitetslinje, Opfoelgning, Opfoelgningslinje
from kerne import massevis
from kerne.beloeb import NUL, dansk_tal
from kerne.jobs import Fremdrift
from kerne.models import Importjob, Kommune
from kerne.nummerering import naturlig_noegle
from kerne.tekst import antal, styretegn_fejl
from rammer.models import Aktivitetsdel, Bevillingsramme, Budgetaar, Rammedel, Udvalg

if TYPE_CHECKING:
    from django.contrib.auth.models import User

M = TypeVar("M")


class OpfoelgningsFejl(Exception):
    """A round cannot be opened, locked or changed as asked; the message says why, in Danish."""


class Delvaerdier(NamedTuple):
    pk: int
    oprindeligt_budget: Decimal
    overfoert_fra_sidste_aar: Decimal


class Rammeverdier(NamedTuple):
    pk: int
    navn: str
    udvalg: str


@dataclass
class Importresultat:
    opfoelgning: Opfoelgning
    oprettet: int
    opdateret: int


def _udvalgskode(navn: str, brugte: set[str]) -> str:
    """A short code from the capitalised words of a name: 'Klima- og Miljøudvalget' → 'KMU'."""
    ord_ = re.findall(r"\w+", navn)
    kode = "".join(o[0] for o in ord_ if o[0].isupper())
    if navn.lower().endswith("udvalget"):
        kode += "U"
    kode = kode or "U"
    kandidat, n = kode, 2
    while kandidat in brugte:
        kandidat, n = f"{kode}{n}", n + 1
    return kandidat


# Rows written per query. A batch is a handful of queries (the rows, their history), whatever the file's size.
BATCH = 2_000


def standard_pr_dato(aar: int, idag: date) -> date | None:
    """The pr. dato of a round imported without one: the last day of the month before today, if that lies in the
    budget year; otherwise none, and the import asks for one."""
    dato = idag.replace(day=1) - timedelta(days=1)
    return dato if dato.year == aar else None


def _i_batches(objekter: list[M], fremdrift: Fremdrift | None, gjort: int, i_alt: int) -> Iterator[list[M]]:
    for start in range(0, len(objekter), BATCH):
        yield objekter[start : start + BATCH]
        if fremdrift:
            fremdrift(gjort + min(start + BATCH, len(objekter)), i_alt)


@transaction.atomic
def importer_budget(
    *,
    data: bytes,
    filnavn: str,
    aar: int,
    nummer: int,
    pr_dato: date | None = None,
    dokumentdato: date | None = None,
    metadata: dict[str, Any] | None = None,
    bruger: "User | None" = None,
    laas: bool = False,
    fremdrift: Fremdrift | None = None,
) -> Importresultat:
    """Import a round's figures from a file; creates the year, udvalg, rammer and round as needed.

    Importing the same round again replaces that round's figures for the lines in the file. The adopted
    budget of a ramme part never changes during the year: a line that says otherwise refuses the file. A new round
    is refused while an earlier round of the year is open (as opening one in the browser is), and its pr. dato
    must lie in the budget year. `laas` locks the round at once (`laas_opfoelgning`), for loading a past year's
    rounds in order. Rows are written in batches of BATCH, so the queries do not grow with the lines; `fremdrift`
    is told the lines written so far after each batch.
    """
    fejl = [
        f"Feltet »{felt}«: {besked}"
        for felt, value in (metadata or {}).items()
        if isinstance(value, str) and (besked := styretegn_fejl(value))
    ]
    if pr_dato and pr_dato.year != aar:
        fejl.append(f"Pr.-datoen {pr_dato:%d.%m.%Y} ligger ikke i budgetåret {aar}.")
    if fejl:
        raise ImportFejl(fejl)
    kommune = Kommune.hent()
    linjer = laes_budgetfil(data, filnavn, kommune)

    budgetaar, _ = Budgetaar.objects.get_or_create(
        aar=aar, defaults={"forklaringsgraense": kommune.forklaringsgraense}
    )
    opfoelgning = Opfoelgning.objects.select_for_update().filter(aar=budgetaar, nummer=nummer).first()
    if opfoelgning and opfoelgning.er_laast:
        raise ImportFejl([f"{opfoelgning} er låst og kan ikke ændres; ret i næste budgetopfølgning."])
    if opfoelgning is None:
        tidligere = list(Opfoelgning.objects.filter(aar=budgetaar, nummer__lt=nummer).order_by("nummer"))
        if nummer > 1 and not any(t.nummer == nummer - 1 for t in tidligere):
            raise ImportFejl([f"{nummer - 1}. budgetopfølgning {aar} findes ikke; importér den først."])
        if aabne := [t for t in tidligere if not t.er_laast]:
            raise ImportFejl(
                [f"{aabne[0]} er stadig åben. Lås den, før {nummer}. budgetopfølgning {aar} oprettes."]
            )
        pr_dato = pr_dato or standard_pr_dato(aar, date.today())
        if pr_dato is None:
            raise ImportFejl(
                [
                    f"Angiv budgetopfølgningens pr.-dato (--pr-dato ÅÅÅÅ-MM-DD): sidste dag i måneden før i dag "
                    f"ligger ikke i budgetåret {aar}."
                ]
            )

    udvalg = {u.navn: u for u in Udvalg.objects.filter(aar=budgetaar)}
    koder = {u.kode for u in udvalg.values()}
    # The year's rammer and parts as plain values: a year holds up to 20.000 parts, and model instances of them all
    # would cost more than the whole file.
    rammer = {
        nummer_: Rammeverdier(pk, navn, udvalgsnavn)
        for nummer_, pk, navn, udvalgsnavn in Bevillingsramme.objects.filter(aar=budgetaar).values_list(
            "nummer", "pk", "navn", "udvalg__navn"
        )
    }
    dele = {
        (nummer_, placering): Delvaerdier(pk, oprindeligt, overfoert)
        for nummer_, placering, pk, oprindeligt, overfoert in Rammedel.objects.filter(
            ramme__aar=budgetaar
        ).values_list("ramme__nummer", "placering", "pk", "oprindeligt_budget", "overfoert_fra_sidste_aar")
    }

    laast_aar = Opfoelgning.objects.aar_er_frosset(budgetaar.pk)
    med_aktiviteter = set(
        Aktivitetsdel.objects.filter(aktivitet__ramme__aar=budgetaar).values_list(
            "aktivitet__ramme__nummer", "placering"
        )
    )
    for linje in linjer:
        if (linje.ramme, linje.placering) in med_aktiviteter:
            fejl.append(
                linjefejl(
                    linje.linjenr,
                    "ramme",
                    f"Ramme {linje.ramme} ({linje.placering} for servicerammen) er delt i aktiviteter; dens tal "
                    "indtastes pr. aktivitet i browseren.",
                )
            )
        ramme = rammer.get(linje.ramme)
        if laast_aar and (linje.ramme, linje.placering) not in dele:
            # A locked round lists every ramme part of its year; a new one would change what it shows.
            fejl.append(
                linjefejl(
                    linje.linjenr,
                    "ramme",
                    f"{aar} har en låst budgetopfølgning, så ramme {linje.ramme} ({linje.placering} for "
                    "servicerammen) kan ikke tilføjes i løbet af året.",
                )
            )
        elif laast_aar and ramme and ramme.navn != linje.ramme_navn:
            fejl.append(
                linjefejl(
                    linje.linjenr,
                    "ramme_navn",
                    f"{aar} har en låst budgetopfølgning, så rammens navn »{ramme.navn}« kan ikke ændres.",
                )
            )
        if ramme and ramme.udvalg != linje.udvalg:
            fejl.append(
                linjefejl(linje.linjenr, "udvalg", f"Ramme {linje.ramme} hører til »{ramme.udvalg}« i {aar}.")
            )
        eksisterende = dele.get((linje.ramme, linje.placering))
        if eksisterende is not None and eksisterende.oprindeligt_budget != linje.oprindeligt_budget:
            fejl.append(
                linjefejl(
                    linje.linjenr,
                    "oprindeligt_budget",
                    f"Det oprindelige budget for ramme {linje.ramme} ({linje.placering} for servicerammen) er "
                    f"{dansk_tal(eksisterende.oprindeligt_budget, 2)} kr. og kan ikke ændres i løbet af året.",
                )
            )
        if linje.udvalg_kode and linje.udvalg in udvalg and udvalg[linje.udvalg].kode != linje.udvalg_kode:
            fejl.append(
                linjefejl(
                    linje.linjenr,
                    "udvalg_kode",
                    f"»{linje.udvalg}« har forkortelsen {udvalg[linje.udvalg].kode} i {aar}.",
                )
            )
        if len(fejl) >= MAKS_FEJL:
            break
    if fejl:
        raise ImportFejl(fejl[:MAKS_FEJL])

    # Master data first, each kind in bulk: new udvalg, new and renamed rammer, new ramme parts.
    naeste_orden = max((u.raekkefoelge for u in udvalg.values()), default=0) + 1
    nye_udvalg: list[Udvalg] = []
    for linje in linjer:
        if linje.udvalg not in udvalg:
            kode = linje.udvalg_kode or _udvalgskode(linje.udvalg, koder)
            if kode in koder:
                raise ImportFejl([linjefejl(linje.linjenr, "udvalg_kode", f"Forkortelsen {kode} er allerede brugt.")])
            koder.add(kode)
            udvalg[linje.udvalg] = Udvalg(aar=budgetaar, navn=linje.udvalg, kode=kode, raekkefoelge=naeste_orden)
            nye_udvalg.append(udvalg[linje.udvalg])
            naeste_orden += 1
    Udvalg.objects.bulk_create(nye_udvalg)
    nye_rammer: dict[str, tuple[int, str, str, int, str]] = {}
    omdoebte: dict[str, tuple[str, int]] = {}
    for linje in linjer:
        ramme = rammer.get(linje.ramme)
        if ramme is None:
            # The last line of a ramme names it, as when each line was saved in turn. The natural-order key is
            # given here: rows written in bulk skip the field's pre_save.
            nye_rammer[linje.ramme] = (
                budgetaar.pk, linje.ramme, naturlig_noegle(linje.ramme), udvalg[linje.udvalg].pk, linje.ramme_navn
            )
        elif ramme.navn != linje.ramme_navn:
            omdoebte[linje.ramme] = (linje.ramme_navn, ramme.pk)
    massevis.indsaet(
        Bevillingsramme, ["aar_id", "nummer", "sorteringsnoegle", "udvalg_id", "navn"], list(nye_rammer.values())
    )
    massevis.opdater(Bevillingsramme, ["navn"], list(omdoebte.values()))
    ramme_ids = dict(Bevillingsramme.objects.filter(aar=budgetaar).values_list("nummer", "pk"))
    nye_dele = {
        (linje.ramme, linje.placering): (
            ramme_ids[linje.ramme],
            linje.placering,
            linje.oprindeligt_budget,
            linje.overfoert_fra_sidste_aar or NUL,
        )
        for linje in linjer
        if (linje.ramme, linje.placering) not in dele
    }
    massevis.indsaet(
        Rammedel,
        ["ramme_id", "placering", "oprindeligt_budget", "overfoert_fra_sidste_aar"],
        list(nye_dele.values()),
    )
    # The optional column overfoert_fra_sidste_aar changes a part's carry-over where the file gives one.
    massevis.opdater(
        Rammedel,
        ["overfoert_fra_sidste_aar"],
        [
            (linje.overfoert_fra_sidste_aar, gammel.pk)
            for linje in linjer
            if (gammel := dele.get((linje.ramme, linje.placering))) is not None
            and linje.overfoert_fra_sidste_aar is not None
            and linje.overfoert_fra_sidste_aar != gammel.overfoert_fra_sidste_aar
        ],
    )
    del_ids = {
        (nummer_, placering): pk
        for nummer_, placering, pk in Rammedel.objects.filter(ramme__aar=budgetaar).values_list(
            "ramme__nummer", "placering", "pk"
        )
    }

    if opfoelgning is None:
        idag = date.today()
        opfoelgning = Opfoelgning.objects.create(
            aar=budgetaar,
            nummer=nummer,
            pr_dato=pr_dato or idag,
            dokumentdato=dokumentdato or idag,
            **(metadata or {}),
        )
        gemte: dict[int, Mapping[str, Any]] = {}
    else:
        changed = {k: v for k, v in (metadata or {}).items() if v}
        if pr_dato:
            changed["pr_dato"] = pr_dato
        if dokumentdato:
            changed["dokumentdato"] = dokumentdato
        for key, value in changed.items():
            setattr(opfoelgning, key, value)
        if changed:
            opfoelgning.save()
        # The round's lines, fetched once: a line in the file either updates one of these or is new.
        gemte = {
            g["rammedel_id"]: g
            for g in Opfoelgningslinje.objects.filter(opfoelgning=opfoelgning).values("rammedel_id", "id", "version")
        }

    nu = timezone.now()
    bruger_id = bruger.pk if bruger else None
    nye: list[dict[str, Any]] = []
    opdaterede: list[dict[str, Any]] = []
    reimporterede: set[int] = set()
    for linje in linjer:
        rammedel_id = del_ids[(linje.ramme, linje.placering)]
        vaerdier = {
            "korrektioner": linje.korrektioner,
            "forventet_forbrug": linje.forventet_forbrug,
            "forklaring": linje.forklaring,
            "aendret_af_id": bruger_id,
        }
        gemt = gemte.get(rammedel_id)
        if gemt is None:
            nye.append({"opfoelgning_id": opfoelgning.pk, "rammedel_id": rammedel_id, "version": 1, **vaerdier})
        else:
            # An import is a save too (kerne.versioner): the version goes up, so a form opened before it cannot
            # overwrite the imported figures unseen.
            opdaterede.append({**vaerdier, "id": gemt["id"], "version": gemt["version"] + 1})
            reimporterede.add(ramme_ids[linje.ramme])
    kolonner = ["korrektioner", "forventet_forbrug", "forklaring", "aendret_af_id", "version", "aendret"]
    for batch in _i_batches(nye, fremdrift, 0, len(linjer)):
        massevis.indsaet(
            Opfoelgningslinje,
            ["opfoelgning_id", "rammedel_id", *kolonner],
            [(r["opfoelgning_id"], r["rammedel_id"], *(r[k] for k in kolonner[:-1]), nu) for r in batch],
        )
    for batch in _i_batches(opdaterede, fremdrift, len(nye), len(linjer)):
        massevis.opdater(
            Opfoelgningslinje, kolonner, [(*(r[k] for k in kolonner[:-1]), nu, r["id"]) for r in batch]
        )
    # The history of every line written, copied from the lines in two statements. The lines this import wrote are
    # the round's lines stamped `nu`; those it created are at version 1, those it changed have gone past it.
    skrevet = Opfoelgningslinje.objects.filter(opfoelgning=opfoelgning, aendret=nu)
    if nye:
        massevis.historik_af(skrevet.filter(version=1), hvad="+", tidspunkt=nu, bruger_id=bruger_id)
    if opdaterede:
        massevis.historik_af(skrevet.filter(version__gt=1), hvad="~", tidspunkt=nu, bruger_id=bruger_id)
    if reimporterede:
        # Figures an import replaced in an open round are new figures: their review starts again.
        gennemgang.saet_i_gang(opfoelgning=opfoelgning, ramme_ids=reimporterede, bruger=bruger)
    if nummer > 1:
        # Ramme parts (and activities) the file does not mention continue from the previous round.
        _fortsaet_fra_forrige(opfoelgning, Opfoelgning.objects.get(aar=budgetaar, nummer=nummer - 1), bruger=bruger)
    # The rounds' cached figures (mellemlager.py) get a new version: rows written in bulk send no signals.
    mellemlager.tal_aendret(aar_id=budgetaar.pk)
    if laas:
        try:
            laas_opfoelgning(opfoelgning=opfoelgning, bruger=bruger, ved_import=True)
        except OpfoelgningsFejl as exc:
            raise ImportFejl([str(exc)]) from exc
    return Importresultat(opfoelgning=opfoelgning, oprettet=len(nye), opdateret=len(opdaterede))


def koer_budgetimport(job: Importjob, fremdrift: Fremdrift) -> str:
    """A budget file uploaded in the browser, run as a background job (`kerne.jobs`; registered in apps.py) and
    imported as `importer_budget` does from the command line."""
    p = job.parametre
    resultat = importer_budget(
        data=bytes(job.fil),
        filnavn=job.filnavn,
        aar=p["aar"],
        nummer=p["nummer"],
        pr_dato=date.fromisoformat(p["pr_dato"]) if p.get("pr_dato") else None,
        bruger=job.oprettet_af,
        fremdrift=fremdrift,
    )
    return (
        f"{resultat.opfoelgning}: {antal(resultat.oprettet, 'linje', 'linjer')} oprettet, "
        f"{antal(resultat.opdateret, 'linje', 'linjer')} opdateret."
    )


def _fortsaet_fra_forrige(opfoelgning: Opfoelgning, forrige: Opfoelgning | None, *, bruger: "User | None") -> None:
    """Give every ramme part (and activity) of the year that has no line in the round one that starts from the
    previous round: its forventet forbrug and explanation carried over, korrektioner 0, since they are decided
    anew at every round."""
    har_linje = set(opfoelgning.linjer.values_list("rammedel_id", flat=True))
    gamle = {linje.rammedel_id: linje for linje in forrige.linjer.all()} if forrige else {}
    bulk_create_with_history(
        [
            Opfoelgningslinje(
                opfoelgning=opfoelgning,
                rammedel=rammedel,
                korrektioner=NUL,
                forventet_forbrug=gamle[rammedel.pk].forventet_forbrug if rammedel.pk in gamle else NUL,
                forklaring=gamle[rammedel.pk].forklaring if rammedel.pk in gamle else "",
                forventet_overfoersel=gamle[rammedel.pk].forventet_overfoersel if rammedel.pk in gamle else NUL,
                aendret_af=bruger,
            )
            for rammedel in Rammedel.objects.filter(ramme__aar_id=opfoelgning.aar_id).exclude(pk__in=har_linje)
        ],
        Opfoelgningslinje,
        default_user=bruger,
    )
    if forrige:
        har_aktivitet = set(opfoelgning.aktivitetslinjer.values_list("aktivitetsdel_id", flat=True))
        bulk_create_with_history(
            [
                Aktivitetslinje(
                    opfoelgning=opfoelgning,
                    aktivitetsdel_id=gammel.aktivitetsdel_id,
                    korrektioner=NUL,
                    forventet_forbrug=gammel.forventet_forbrug,
                    aendret_af=bruger,
                )
                for gammel in forrige.aktivitetslinjer.exclude(aktivitetsdel_id__in=har_aktivitet)
            ],
            Aktivitetslinje,
            default_user=bruger,
        )


@transaction.atomic
def aabn_opfoelgning(
    *,
    aar: Budgetaar,
    pr_dato: date,
    dokumentdato: date,
    sagsnr: str = "",
    kontakt_center: str = "",
    kontakt_navn: str = "",
    kontakt_telefon: str = "",
    kontakt_email: str = "",
    frist: date | None = None,
    navn: str = "",
    bilagsbetegnelse: str = "",
    bruger: "User | None" = None,
) -> Opfoelgning:
    """Open the year's next round. Forecasts and explanations start from the previous round's; korrektioner
    start from 0, since they are decided anew at every round. Without a `navn` the round is called by its ordinal
    ("Anden budgetopfølgning 2024")."""
    forrige = Opfoelgning.objects.select_for_update().filter(aar=aar).order_by("-nummer").first()
    if forrige and not forrige.er_laast:
        raise OpfoelgningsFejl(f"{forrige} er stadig åben. Lås den, før en ny budgetopfølgning åbnes.")
    opfoelgning = Opfoelgning.objects.create(
        aar=aar,
        nummer=(forrige.nummer + 1) if forrige else 1,
        pr_dato=pr_dato,
        dokumentdato=dokumentdato,
        sagsnr=sagsnr,
        kontakt_center=kontakt_center,
        kontakt_navn=kontakt_navn,
        kontakt_telefon=kontakt_telefon,
        kontakt_email=kontakt_email,
        frist=frist,
        navn=navn,
        bilagsbetegnelse=bilagsbetegnelse,
    )
    _fortsaet_fra_forrige(opfoelgning, forrige, bruger=bruger)
    mellemlager.tal_aendret(aar_id=aar.pk)  # the bulk insert above sends no signals
    return opfoelgning


# How often the lock reads the figures again when they changed while it read them, before it gives up.
LAAS_FORSOEG = 3


def laas_opfoelgning(
    *, opfoelgning: Opfoelgning, bruger: "User | None" = None, laas_alligevel: bool = True, ved_import: bool = False
) -> Opfoelgning:
    """Lock a round for good: it becomes a frozen snapshot, fingerprinted by a SHA-256 of its figures.

    Refused while a ramme part whose afvigelse reaches the year's threshold has no explanation, and, unless
    `laas_alligevel` (Center for Økonomi's explicit choice on the lock page), while a ramme is not approved: checked
    here under the round's row lock, so a save that lands after the lock page was shown is counted too.
    `ved_import` is a past round loaded from a file (`importer_budget --laas`): its figures are history, so no
    explanation is required, and the round records that it was locked so.

    The figures are read, checked and hashed before the write transaction, which every save in the year's rounds
    (and on SQLite every write) waits for: it only checks, under the round's row lock, that the round's
    `tal_version` is the one read before the figures (every change to them renews it in its own transaction), and
    writes. If they changed meanwhile, it reads them again.
    """
    for _ in range(LAAS_FORSOEG):
        laest = Opfoelgning.objects.select_related("aar").get(pk=opfoelgning.pk)
        if laest.er_laast:
            raise OpfoelgningsFejl(f"{laest} er allerede låst.")
        alle = selectors.linjer(laest)
        mangler = [] if ved_import else selectors.manglende_forklaringer(laest, alle)
        tal_sha256 = selectors.tal_sha256(laest, alle)
        with transaction.atomic():
            opfoelgning = Opfoelgning.objects.select_for_update().select_related("aar").get(pk=opfoelgning.pk)
            if opfoelgning.tal_version != laest.tal_version:
                continue  # a save landed while the figures were read: read them again
            _laas(opfoelgning, bruger=bruger, laas_alligevel=laas_alligevel, ved_import=ved_import,
                  alle=alle, mangler=mangler, tal_sha256=tal_sha256)
            return opfoelgning
    raise OpfoelgningsFejl(f"Tallene i {opfoelgning} blev ændret, mens den blev låst. Prøv igen.")


def _laas(
    opfoelgning: Opfoelgning, *, bruger: "User | None", laas_alligevel: bool, ved_import: bool,
    alle: list[selectors.Linje], mangler: list[selectors.Linje], tal_sha256: str,
) -> None:
    """The lock's writes, in its transaction under the round's row lock, with the figures read before."""
    if opfoelgning.er_laast:
        raise OpfoelgningsFejl(f"{opfoelgning} er allerede låst.")
    tidligere_aabne = Opfoelgning.objects.filter(
        aar=opfoelgning.aar, nummer__lt=opfoelgning.nummer, status=Opfoelgning.AABEN
    )
    if tidligere_aabne.exists():
        raise OpfoelgningsFejl(f"{tidligere_aabne.first()} er stadig åben og skal låses først.")
    if mangler:
        navne = ", ".join(
            f"{linje.ramme.nummer} ({linje.rammedel.get_placering_display().lower()})" for linje in mangler
        )
        raise OpfoelgningsFejl(f"{opfoelgning} kan ikke låses: der mangler forklaring på {navne}.")
    # Statuses are no figures (they renew no tal_version), so they are read here, under the lock.
    if not laas_alligevel and (ikke_godkendte := arbejdsliste.ikke_godkendte_rammer(opfoelgning, alle)):
        raise OpfoelgningsFejl(
            f"{opfoelgning} er ikke låst: {antal(len(ikke_godkendte), 'ramme er', 'rammer er')} ikke godkendt."
        )
    opfoelgning.status = Opfoelgning.LAAST
    opfoelgning.laast_tidspunkt = timezone.now()
    opfoelgning.laast_af = bruger
    opfoelgning.laast_ved_import = ved_import
    opfoelgning.tal_sha256 = tal_sha256
    opfoelgning.save(update_fields=["status", "laast_tidspunkt", "laast_af", "laast_ved_import", "tal_sha256"])
    # The Bilag is rendered once, by a job that starts when this transaction has committed (saves wait for the
    # lock, not for the PDF), and every later download serves those bytes.
    jobs.bestil_bilag(opfoelgning.pk)
    # What the apps above the rounds keep about this round (the omstilling follow-up) is frozen in the same
    # transaction: a lock either freezes everything or nothing.
    for frysning in laasning.frysninger():
        frysning.frys(opfoelgning)
