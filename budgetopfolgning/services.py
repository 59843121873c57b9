"""Write side of the follow-up: the budget import's writes and a round's life (opened, locked). What konsulenter
enter in an open round is saved by `indtastning.py`; its review by `gennemgang.py`.

An import is all or nothing: the file is read and checked first (indlaesning.py), the year's data is checked
against it, and only a file without problems is written, in one transaction.
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from budgetopfolgning import arbejdsliste, gennemgang, jobs, laasning, mellemlager, selectors
from budgetopfolgning.indlaesning import ImportFejl, laes_budgetfil, linjefejl
from budgetopfolgning.models import Aktivitetslinje, Opfoelgning, Opfoelgningslinje
from kerne import versioner
from kerne.beloeb import NUL
from kerne.models import Kommune
from kerne.tekst import antal, styretegn_fejl
from rammer.models import Aktivitetsdel, Bevillingsramme, Budgetaar, Rammedel, Udvalg

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class OpfoelgningsFejl(Exception):
    """A round cannot be opened, locked or changed as asked; the message says why, in Danish."""


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
) -> Importresultat:
    """Import a round's figures from a file; creates the year, udvalg, rammer and round as needed.

    Importing the same round again replaces that round's figures for the lines in the file. The adopted
    budget of a ramme part never changes during the year: a line that says otherwise refuses the file.
    """
    fejl = [
        f"Feltet »{felt}«: {besked}"
        for felt, value in (metadata or {}).items()
        if isinstance(value, str) and (besked := styretegn_fejl(value))
    ]
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
    if nummer > 1 and not Opfoelgning.objects.filter(aar=budgetaar, nummer=nummer - 1).exists():
        raise ImportFejl([f"{nummer - 1}. budgetopfølgning {aar} findes ikke; importér den først."])

    udvalg = {u.navn: u for u in Udvalg.objects.filter(aar=budgetaar)}
    koder = {u.kode for u in udvalg.values()}
    rammer = {r.nummer: r for r in Bevillingsramme.objects.filter(aar=budgetaar).select_related("udvalg")}
    dele = {
        (d.ramme.nummer, d.placering): d for d in Rammedel.objects.filter(ramme__aar=budgetaar).select_related("ramme")
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
        if ramme and ramme.udvalg.navn != linje.udvalg:
            fejl.append(
                linjefejl(linje.linjenr, "udvalg", f"Ramme {linje.ramme} hører til »{ramme.udvalg.navn}« i {aar}.")
            )
        eksisterende = dele.get((linje.ramme, linje.placering))
        if eksisterende and eksisterende.oprindeligt_budget != linje.oprindeligt_budget:
            fejl.append(
                linjefejl(
                    linje.linjenr,
                    "oprindeligt_budget",
                    f"Det oprindelige budget for ramme {linje.ramme} ({linje.placering} for servicerammen) er "
                    f"{eksisterende.oprindeligt_budget} kr. og kan ikke ændres i løbet af året.",
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
    if fejl:
        raise ImportFejl(fejl)

    if opfoelgning is None:
        idag = date.today()
        opfoelgning = Opfoelgning.objects.create(
            aar=budgetaar,
            nummer=nummer,
            pr_dato=pr_dato or idag,
            dokumentdato=dokumentdato or idag,
            **(metadata or {}),
        )
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

    naeste_orden = max((u.raekkefoelge for u in udvalg.values()), default=0) + 1
    oprettet = opdateret = 0
    reimporterede: set[int] = set()
    for linje in linjer:
        u = udvalg.get(linje.udvalg)
        if u is None:
            kode = linje.udvalg_kode or _udvalgskode(linje.udvalg, koder)
            if kode in koder:
                raise ImportFejl([linjefejl(linje.linjenr, "udvalg_kode", f"Forkortelsen {kode} er allerede brugt.")])
            koder.add(kode)
            u = udvalg[linje.udvalg] = Udvalg.objects.create(
                aar=budgetaar, navn=linje.udvalg, kode=kode, raekkefoelge=naeste_orden
            )
            naeste_orden += 1
        ramme = rammer.get(linje.ramme)
        if ramme is None:
            ramme = rammer[linje.ramme] = Bevillingsramme.objects.create(
                aar=budgetaar, udvalg=u, nummer=linje.ramme, navn=linje.ramme_navn
            )
        elif ramme.navn != linje.ramme_navn:
            ramme.navn = linje.ramme_navn
            ramme.save(update_fields=["navn"])
        rammedel = dele.get((linje.ramme, linje.placering))
        if rammedel is None:
            rammedel = dele[(linje.ramme, linje.placering)] = Rammedel.objects.create(
                ramme=ramme, placering=linje.placering, oprindeligt_budget=linje.oprindeligt_budget,
                overfoert_fra_sidste_aar=linje.overfoert_fra_sidste_aar or NUL,
            )
        elif linje.overfoert_fra_sidste_aar is not None and (
            rammedel.overfoert_fra_sidste_aar != linje.overfoert_fra_sidste_aar
        ):
            rammedel.overfoert_fra_sidste_aar = linje.overfoert_fra_sidste_aar
            rammedel.save(update_fields=["overfoert_fra_sidste_aar"])
        gemt = Opfoelgningslinje.objects.filter(opfoelgning=opfoelgning, rammedel=rammedel).first()
        if gemt is None:
            Opfoelgningslinje.objects.create(
                opfoelgning=opfoelgning,
                rammedel=rammedel,
                korrektioner=linje.korrektioner,
                forventet_forbrug=linje.forventet_forbrug,
                forklaring=linje.forklaring,
                aendret_af=bruger,
            )
            oprettet += 1
        else:
            gemt.korrektioner = linje.korrektioner
            gemt.forventet_forbrug = linje.forventet_forbrug
            gemt.forklaring = linje.forklaring
            # An import is a save too: a form opened before it must not overwrite the imported figures unseen.
            versioner.ny_version(gemt, bruger=bruger)
            gemt.save()
            opdateret += 1
            reimporterede.add(rammedel.ramme_id)
    if reimporterede:
        # Figures an import replaced in an open round are new figures: their review starts again.
        gennemgang.saet_i_gang(opfoelgning=opfoelgning, ramme_ids=reimporterede, bruger=bruger)
    if nummer > 1:
        # Ramme parts (and activities) the file does not mention continue from the previous round.
        _fortsaet_fra_forrige(opfoelgning, Opfoelgning.objects.get(aar=budgetaar, nummer=nummer - 1), bruger=bruger)
    # The rounds' cached figures (mellemlager.py) get a new version: rows written in bulk send no signals.
    mellemlager.tal_aendret(aar_id=budgetaar.pk)
    return Importresultat(opfoelgning=opfoelgning, oprettet=oprettet, opdateret=opdateret)


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
    bruger: "User | None" = None,
) -> Opfoelgning:
    """Open the year's next round. Forecasts and explanations start from the previous round's; korrektioner
    start from 0, since they are decided anew at every round."""
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
    )
    _fortsaet_fra_forrige(opfoelgning, forrige, bruger=bruger)
    mellemlager.tal_aendret(aar_id=aar.pk)  # the bulk insert above sends no signals
    return opfoelgning


@transaction.atomic
def laas_opfoelgning(
    *, opfoelgning: Opfoelgning, bruger: "User | None" = None, laas_alligevel: bool = True
) -> Opfoelgning:
    """Lock a round for good: it becomes a frozen snapshot, fingerprinted by a SHA-256 of its figures.

    Refused while a ramme part whose afvigelse reaches the year's threshold has no explanation, and, unless
    `laas_alligevel` (Center for Økonomi's explicit choice on the lock page), while a ramme is not approved: checked
    here under the round's row lock, so a save that lands after the lock page was shown is counted too.
    """
    opfoelgning = Opfoelgning.objects.select_for_update().select_related("aar").get(pk=opfoelgning.pk)
    if opfoelgning.er_laast:
        raise OpfoelgningsFejl(f"{opfoelgning} er allerede låst.")
    tidligere_aabne = Opfoelgning.objects.filter(
        aar=opfoelgning.aar, nummer__lt=opfoelgning.nummer, status=Opfoelgning.AABEN
    )
    if tidligere_aabne.exists():
        raise OpfoelgningsFejl(f"{tidligere_aabne.first()} er stadig åben og skal låses først.")
    # The lines are read once, under the round's row lock: the check and the hash see the same figures, and the
    # transaction (which every save in the round, and on SQLite every write, waits for) stays short.
    alle = selectors.linjer(opfoelgning)
    mangler = selectors.manglende_forklaringer(opfoelgning, alle)
    if mangler:
        navne = ", ".join(
            f"{linje.ramme.nummer} ({linje.rammedel.get_placering_display().lower()})" for linje in mangler
        )
        raise OpfoelgningsFejl(f"{opfoelgning} kan ikke låses: der mangler forklaring på {navne}.")
    if not laas_alligevel and (ikke_godkendte := arbejdsliste.ikke_godkendte(opfoelgning)):
        raise OpfoelgningsFejl(
            f"{opfoelgning} er ikke låst: {antal(len(ikke_godkendte), 'ramme er', 'rammer er')} ikke godkendt."
        )
    opfoelgning.status = Opfoelgning.LAAST
    opfoelgning.laast_tidspunkt = timezone.now()
    opfoelgning.laast_af = bruger
    opfoelgning.tal_sha256 = selectors.tal_sha256(opfoelgning, alle)
    opfoelgning.save(update_fields=["status", "laast_tidspunkt", "laast_af", "tal_sha256"])
    # The Bilag is rendered once, by a job that starts when this transaction has committed (saves wait for the
    # lock, not for the PDF), and every later download serves those bytes.
    jobs.bestil_bilag(opfoelgning.pk)
    # What the apps above the rounds keep about this round (the omstilling follow-up) is frozen in the same
    # transaction: a lock either freezes everything or nothing.
    for frysning in laasning.frysninger():
        frysning.frys(opfoelgning)
    return opfoelgning
