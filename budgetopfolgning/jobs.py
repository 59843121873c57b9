"""Background jobs of the rounds (Celery): the Bilag of a locked round, and the daily deadline reminders.

The lock freezes the figures and their hash in its transaction and asks for the Bilag once that transaction has
committed, so a konsulent's save waits at most for the lock's transaction, never for the PDF. A failed job is
retried with growing pauses; each failure is written on the round (attempts and the kind of error, never figures),
where Center for Økonomi sees it and can ask again. Until the Bilag is stored the round's page says
"Bilaget dannes …", and `verificer_runder` fails, so a locked round never goes without its Bilag silently.
"""

import logging

from celery import shared_task
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from budgetopfolgning import bilag, paamindelser
from budgetopfolgning.models import Opfoelgning

logger = logging.getLogger(__name__)

# Six tries over about ten minutes (10 s, 20 s, 40 s, … between them) before the job gives up and waits for a
# person to press "Dan bilaget igen".
MAKS_FORSOEG = 6


def _noter_fejl(opfoelgning_id: int, fejl: str) -> None:
    Opfoelgning.objects.filter(pk=opfoelgning_id).update(bilag_forsoeg=F("bilag_forsoeg") + 1, bilag_fejl=fejl[:300])


def _beskriv(exc: BaseException) -> str:
    """What the round's page may show: our own Danish messages in full, anything else by its kind only (an
    exception's text may quote figures or paths)."""
    if isinstance(exc, bilag.BilagFejl):
        return str(exc)
    return f"Uventet fejl ({type(exc).__name__})"


@shared_task(bind=True, max_retries=MAKS_FORSOEG - 1)
def dan_bilag(self, opfoelgning_id: int) -> None:
    """Render and store the Bilag of a locked round; nothing when it is already stored."""
    opfoelgning = Opfoelgning.objects.select_related("aar").get(pk=opfoelgning_id)
    if not opfoelgning.bilag_dannes:
        return
    try:
        bilag.frys_bilag(opfoelgning)
    except Exception as exc:
        _noter_fejl(opfoelgning_id, _beskriv(exc))
        logger.exception(
            "Bilaget til opfølgning %s kunne ikke dannes (forsøg %s)", opfoelgning_id, self.request.retries + 1
        )
        raise self.retry(exc=exc, countdown=min(600, 10 * 2**self.request.retries)) from exc
    Opfoelgning.objects.filter(pk=opfoelgning_id).update(bilag_fejl="")
    logger.info("Bilaget til opfølgning %s er gemt", opfoelgning_id)


def bestil_bilag(opfoelgning_id: int) -> None:
    """Ask for the Bilag once the current transaction commits (at once outside one).

    If the queue cannot take the job (Redis down), the round says so instead of waiting silently.
    """

    def bestil() -> None:
        try:
            dan_bilag.delay(opfoelgning_id)
        except Exception as exc:
            logger.exception("Jobbet for bilaget til opfølgning %s kunne ikke sættes i kø", opfoelgning_id)
            _noter_fejl(opfoelgning_id, f"Jobbet kunne ikke sættes i kø ({type(exc).__name__})")

    transaction.on_commit(bestil)


@shared_task
def send_paamindelser() -> int:
    """The day's deadline reminders (`paamindelser.py`), for `celery beat` at 7 o'clock; the management command of the
    same name does the same from cron. Sending twice a day sends nothing new."""
    afsendt = paamindelser.send_paamindelser(idag=timezone.localdate())
    logger.info("%s påmindelser sendt", len(afsendt))
    return len(afsendt)

