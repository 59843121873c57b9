"""Writes of forbrug and the kontoplan: the two imports. Each is all or nothing, in one transaction.

A forbrug file replaces the year's forbrug for every month it contains and leaves the other months alone, so a month
imported again is never counted twice. Forbrug is not among a locked round's frozen figures (its hash and Bilag),
so importing into a year whose rounds are locked, as the regnskab arrives, changes nothing locked.
"""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter

from django.db import transaction

from forbrug import signaler
from forbrug.indlaesning import Maanedsbeloeb, laes_forbrug, laes_kontoplan
from forbrug.models import MAANEDSFELTER, Forbrug, Konto
from kerne import massevis
from kerne.beloeb import NUL, dansk_tal
from kerne.indlaesning import MAKS_FEJL, ImportFejl, linjefejl
from kerne.jobs import Fremdrift
from kerne.models import Importjob, Kommune
from rammer.models import Aktivitet, Budgetaar, Rammedel

BATCH = 5_000
PLACERING = {Rammedel.INDEN: "inden for servicerammen", Rammedel.UDEN: "uden for servicerammen"}


@dataclass
class Kontoplanresultat:
    oprettet: int
    opdateret: int


@dataclass
class Forbrugsresultat:
    maaneder: list[int]
    linjer: int
    ikke_fordelt: Decimal  # the forbrug of konti left out of the mapping on purpose
    udeladte_konti: int


def _budgetaar(aar: int) -> Budgetaar:
    """The year, locked for the rest of the transaction so two imports into one year run one after the other."""
    budgetaar = Budgetaar.objects.select_for_update().filter(aar=aar).first()
    if budgetaar is None:
        raise ImportFejl([f"Budgetåret {aar} findes ikke. Importér først årets budget."])
    return budgetaar


@transaction.atomic
def importer_kontoplan(*, data: bytes, filnavn: str, aar: int) -> Kontoplanresultat:
    """Map the file's konti to the year's ramme parts: new konti are added, konti already in the kontoplan take the
    file's mapping, konti not in the file keep theirs. Forbrug imported earlier on a konto then unknown becomes
    fordelt once the konto is mapped."""
    linjer = laes_kontoplan(data, filnavn, Kommune.hent())
    budgetaar = _budgetaar(aar)
    dele = {
        (d.ramme.nummer, d.placering): d for d in Rammedel.objects.filter(ramme__aar=budgetaar).select_related("ramme")
    }
    aktiviteter = {(a.ramme_id, a.navn): a for a in Aktivitet.objects.filter(ramme__aar=budgetaar)}
    fejl: list[str] = []
    for linje in linjer:
        rammedel = dele.get((linje.ramme, linje.placering))
        if rammedel is None:
            fejl.append(
                linjefejl(
                    linje.linjenr,
                    "ramme",
                    f"Ramme {linje.ramme} ({PLACERING[linje.placering]}) findes ikke i {aar}.",
                )
            )
        elif linje.aktivitet and (rammedel.ramme_id, linje.aktivitet) not in aktiviteter:
            fejl.append(
                linjefejl(
                    linje.linjenr, "aktivitet", f"Ramme {linje.ramme} har ingen aktivitet ved navn »{linje.aktivitet}«."
                )
            )
        if len(fejl) >= MAKS_FEJL:
            break
    if fejl:
        raise ImportFejl(fejl)

    eksisterende = {k.konto: k for k in Konto.objects.filter(aar=budgetaar)}
    nye: list[Konto] = []
    aendrede: list[Konto] = []
    for linje in linjer:
        rammedel = dele[(linje.ramme, linje.placering)]
        aktivitet = aktiviteter[(rammedel.ramme_id, linje.aktivitet)] if linje.aktivitet else None
        konto = eksisterende.get(linje.konto)
        if konto is None:
            nye.append(Konto(aar=budgetaar, konto=linje.konto, rammedel=rammedel, aktivitet=aktivitet))
        elif konto.rammedel_id != rammedel.pk or konto.aktivitet_id != (aktivitet.pk if aktivitet else None):
            konto.rammedel, konto.aktivitet = rammedel, aktivitet
            aendrede.append(konto)
    Konto.objects.bulk_create(nye, batch_size=BATCH)
    Konto.objects.bulk_update(aendrede, ["rammedel", "aktivitet"], batch_size=BATCH)
    signaler.meld(aar=aar, sender=Konto)
    return Kontoplanresultat(oprettet=len(nye), opdateret=len(aendrede))


def _linjenumre(numre: list[int]) -> str:
    vist = ", ".join(str(n) for n in numre[:10])
    if len(numre) > 10:
        vist += f" og {len(numre) - 10} flere"
    elif len(numre) > 1:
        vist = ", ".join(str(n) for n in numre[:-1]) + f" og {numre[-1]}"
    return ("linje " if len(numre) == 1 else "linjerne ") + vist


@transaction.atomic
def importer_forbrug(
    *, data: bytes, filnavn: str, aar: int, udelad_ukendte: bool = False, fremdrift: Fremdrift | None = None
) -> Forbrugsresultat:
    """Replace the year's forbrug for the months in the file.

    A konto not in the year's kontoplan refuses the file, each named with its lines and total, unless
    `udelad_ukendte`: then its forbrug is kept as "ikke fordelt" and shown so on the round pages.
    Rows are written with COPY (PostgreSQL) or in batches (SQLite) by `kerne.massevis`, a constant number of queries
    per batch.
    """
    with massevis.uden_cyklisk_gc():
        fil = laes_forbrug(data, filnavn)
    budgetaar = _budgetaar(aar)
    konti = set(Konto.objects.filter(aar=budgetaar).values_list("konto", flat=True))
    ukendte_linjer: dict[str, list[int]] = defaultdict(list)
    ukendte_sum: dict[str, Decimal] = defaultdict(lambda: NUL)
    if ukendte := fil.pr_konto.keys() - konti:
        for linjenr, konto, beloeb in zip(fil.linjenr, fil.konto, fil.beloeb, strict=True):
            if konto in ukendte:
                ukendte_linjer[konto].append(linjenr)
                ukendte_sum[konto] += Decimal(beloeb)
    if ukendte_linjer and not udelad_ukendte:
        fejl = [
            linjefejl(
                numre[0],
                "konto",
                f"Kontoen »{konto}« findes ikke i kontoplanen for {aar} ({_linjenumre(numre)}, i alt "
                f"{dansk_tal(ukendte_sum[konto], 2)} kr.).",
            )
            for konto, numre in list(ukendte_linjer.items())[: MAKS_FEJL - 1]
        ]
        if len(ukendte_linjer) >= MAKS_FEJL:
            fejl.append(f"… og {len(ukendte_linjer) - len(fejl)} konti mere, som ikke findes i kontoplanen.")
        fejl.append(
            "Tilføj konti til kontoplanen, eller vælg at udelade ukendte konti; deres forbrug vises da som "
            "»Ikke fordelt forbrug«."
        )
        raise ImportFejl(fejl)

    if fremdrift:
        fremdrift(0, len(fil))
    maaneder = fil.maaneder
    felter = [MAANEDSFELTER[m - 1] for m in maaneder]
    aarets = Forbrug.objects.filter(aar=budgetaar)
    # The file's months are replaced on every konto of the year: a konto the file leaves out loses them too. A row with
    # no other month then holds nothing and goes; the rest have the file's months emptied, then the file's rows are
    # written over them (a konto new to the year is inserted). A whole year's file is thus a delete and an insert.
    aarets.filter(**{f"{felt}__isnull": True for felt in MAANEDSFELTER if felt not in felter}).delete()
    aarets.update(**dict.fromkeys(felter))
    # The file's months of a konto's row of 12: a slice when they follow one another (a month, a year, a quarter).
    filens: Callable[[Sequence[Maanedsbeloeb]], Sequence[Maanedsbeloeb]] = (
        itemgetter(slice(maaneder[0] - 1, maaneder[-1]))
        if maaneder == list(range(maaneder[0], maaneder[-1] + 1))
        else itemgetter(*(m - 1 for m in maaneder))
    )
    kolonner = ["aar_id", "konto", *felter]
    with massevis.uden_cyklisk_gc():
        raekker = [(budgetaar.pk, konto, *filens(raekke)) for konto, raekke in fil.pr_konto.items()]
    if aarets.exists():
        massevis.indsaet_eller_opdater(Forbrug, kolonner, raekker, noegle=["aar_id", "konto"], opdater=felter)
    else:
        massevis.indsaet(Forbrug, kolonner, raekker)
    signaler.meld(aar=aar, sender=Forbrug)
    if fremdrift:
        fremdrift(len(fil), len(fil))
    return Forbrugsresultat(
        maaneder=maaneder,
        linjer=len(fil),
        ikke_fordelt=sum(ukendte_sum.values(), NUL),
        udeladte_konti=len(ukendte_linjer),
    )


def koer_forbrugimport(job: Importjob, fremdrift: Fremdrift) -> str:
    """A forbrug file uploaded in the browser, run as a background job (`kerne.jobs`; registered in apps.py)."""
    aar = job.parametre["aar"]
    resultat = importer_forbrug(
        data=bytes(job.fil),
        filnavn=job.filnavn,
        aar=aar,
        udelad_ukendte=job.parametre.get("udelad_ukendte", False),
        fremdrift=fremdrift,
    )
    besked = (
        f"{job.filnavn} er indlæst: {dansk_tal(Decimal(resultat.linjer))} linjer for {aar}, måned "
        f"{', '.join(str(m) for m in resultat.maaneder)}."
    )
    if resultat.udeladte_konti:
        besked += (
            f" {resultat.udeladte_konti} konti findes ikke i kontoplanen; deres forbrug på "
            f"{dansk_tal(resultat.ikke_fordelt, 2)} kr. vises som ikke fordelt."
        )
    return besked
