"""The review of a round, ramme by ramme: *Ikke påbegyndt* → *I gang* (first save) → *Klar til godkendelse* (the
konsulent) → *Godkendt* (Center for Økonomi), or back to *I gang* with a comment. Any save of a ramme's figures sets
it back to *I gang*, so what was approved is what stands.

Who may take each step is in `rules.py`; here are the steps themselves, each in a transaction that holds the round's
row, so a step and the round's lock never interleave, and each recorded in the history with who and when.
"""

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from budgetopfolgning import selectors
from budgetopfolgning.models import Opfoelgning, Rammekommentar, Rammestatus
from kerne import historik, massevis
from kerne.beloeb import dansk_tal
from rammer.models import Bevillingsramme

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class GennemgangsFejl(Exception):
    """A step the ramme's status does not allow now; the message is Danish and can be shown as it is."""


STATUSNAVN = dict(Rammestatus.STATUSSER)


def _rund_laast(opfoelgning: Opfoelgning) -> Opfoelgning:
    opfoelgning = Opfoelgning.objects.select_for_update().get(pk=opfoelgning.pk)
    if opfoelgning.er_laast:
        raise GennemgangsFejl(f"{opfoelgning} er låst.")
    return opfoelgning


def _status(opfoelgning: Opfoelgning, ramme: Bevillingsramme) -> Rammestatus:
    """The ramme's status row, locked; unsaved (Ikke påbegyndt) when it has none yet, so the history starts at the
    first real step."""
    status = Rammestatus.objects.select_for_update().filter(opfoelgning=opfoelgning, ramme=ramme).first()
    return status or Rammestatus(opfoelgning=opfoelgning, ramme=ramme)


def _skift(status: Rammestatus, ny: str, bruger: "User | None") -> None:
    status.status = ny
    status.aendret_af = bruger
    historik.saet_bruger(status, bruger)
    status.save()


def saet_i_gang(*, opfoelgning: Opfoelgning, ramme_ids: set[int], bruger: "User | None") -> None:
    """After a save that changed a ramme's figures: *I gang*, whatever it was. Called inside the save's
    transaction; a fixed handful of queries, however many rammer (an import may touch 10.000): the round's statuses
    read once, new ones and changed ones written in bulk (`kerne.massevis`), their history rows copied from them."""
    eksisterende = {
        s["ramme_id"]: s
        for s in Rammestatus.objects.filter(opfoelgning=opfoelgning).values("id", "ramme_id", "status")
        if s["ramme_id"] in ramme_ids
    }
    nu = timezone.now()
    bruger_id = bruger.pk if bruger else None
    nye = sorted(ramme_ids - eksisterende.keys())
    if nye:
        massevis.indsaet(
            Rammestatus,
            ["opfoelgning_id", "ramme_id", "status", "aendret", "aendret_af_id"],
            [(opfoelgning.pk, ramme_id, Rammestatus.I_GANG, nu, bruger_id) for ramme_id in nye],
        )
        massevis.historik_af(
            Rammestatus.objects.filter(opfoelgning=opfoelgning, ramme_id__in=nye),
            hvad="+",
            tidspunkt=nu,
            bruger_id=bruger_id,
        )
    # A bulk update skips `auto_now`: the time is set here, so the page's "senest ændret" is true.
    skiftede = [s["id"] for s in eksisterende.values() if s["status"] != Rammestatus.I_GANG]
    if skiftede:
        massevis.opdater(
            Rammestatus,
            ["status", "aendret", "aendret_af_id"],
            [(Rammestatus.I_GANG, nu, bruger_id, pk) for pk in skiftede],
        )
        massevis.historik_af(Rammestatus.objects.filter(pk__in=skiftede), hvad="~", tidspunkt=nu, bruger_id=bruger_id)


@transaction.atomic
def marker_klar(*, opfoelgning: Opfoelgning, ramme: Bevillingsramme, bruger: "User | None") -> Rammestatus:
    """The konsulent is done: *Klar til godkendelse*. Refused while a part whose afvigelse reaches the year's
    threshold has no explanation."""
    opfoelgning = _rund_laast(opfoelgning)
    status = _status(opfoelgning, ramme)
    if status.status in (Rammestatus.KLAR, Rammestatus.GODKENDT):
        raise GennemgangsFejl(f"{ramme.nummer} {ramme.navn} er allerede {STATUSNAVN[status.status].lower()}.")
    mangler = selectors.manglende_forklaringer(opfoelgning, selectors.linjer(opfoelgning, ramme=ramme))
    if mangler:
        dele = " og ".join(linje.rammedel.get_placering_display().lower() for linje in mangler)
        raise GennemgangsFejl(
            f"{ramme.nummer} {ramme.navn} mangler en forklaring ({dele}): afvigelsen er mindst "
            f"{dansk_tal(opfoelgning.aar.forklaringsgraense)} kr. Skriv forklaringen, og meld derefter rammen klar."
        )
    _skift(status, Rammestatus.KLAR, bruger)
    return status


@transaction.atomic
def godkend(*, opfoelgning: Opfoelgning, ramme: Bevillingsramme, bruger: "User | None") -> Rammestatus:
    """Center for Økonomi approves a ramme that is ready."""
    opfoelgning = _rund_laast(opfoelgning)
    status = _status(opfoelgning, ramme)
    if status.status != Rammestatus.KLAR:
        raise GennemgangsFejl(
            f"{ramme.nummer} {ramme.navn} kan ikke godkendes: den er {STATUSNAVN[status.status].lower()}, "
            "ikke klar til godkendelse."
        )
    _skift(status, Rammestatus.GODKENDT, bruger)
    return status


@transaction.atomic
def send_tilbage(
    *, opfoelgning: Opfoelgning, ramme: Bevillingsramme, bruger: "User | None", kommentar: str
) -> Rammestatus:
    """Center for Økonomi sends a ready or approved ramme back to *I gang*, always saying why."""
    if not kommentar.strip():
        raise GennemgangsFejl("Skriv en kommentar, så konsulenten ved, hvad der skal rettes.")
    opfoelgning = _rund_laast(opfoelgning)
    status = _status(opfoelgning, ramme)
    if status.status not in (Rammestatus.KLAR, Rammestatus.GODKENDT):
        raise GennemgangsFejl(
            f"{ramme.nummer} {ramme.navn} kan ikke sendes tilbage: den er {STATUSNAVN[status.status].lower()}."
        )
    Rammekommentar.objects.create(
        opfoelgning=opfoelgning, ramme=ramme, forfatter=bruger, tekst=kommentar.strip(), sendt_tilbage=True
    )
    _skift(status, Rammestatus.I_GANG, bruger)
    return status


@transaction.atomic
def skriv_kommentar(
    *, opfoelgning: Opfoelgning, ramme: Bevillingsramme, bruger: "User | None", tekst: str
) -> Rammekommentar:
    """A question or an answer on the ramme's thread; it changes no status."""
    if not tekst.strip():
        raise GennemgangsFejl("Kommentaren er tom.")
    opfoelgning = _rund_laast(opfoelgning)
    return Rammekommentar.objects.create(opfoelgning=opfoelgning, ramme=ramme, forfatter=bruger, tekst=tekst.strip())
