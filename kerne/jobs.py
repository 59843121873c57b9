"""Large imports as background jobs (Celery), for every import the browser offers: the budget and forbrug.

The upload is stored in an `Importjob` row and answered at once with the job's page, which shows how far the job has
come until it ends: indlæst, afvist with every error (all or nothing: nothing is changed then), or failed. The
database allows one waiting or running job per `noegle` (a round, a year's forbrug), so a second import into the same
round while one runs is refused (`ImportIGang`), whichever web process or worker asks.

Each kind of import registers its runner (`registrer`) from its app's `ready()`: the apps that import sit on floors
above this one, and the job only calls what is registered.
"""

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.formats import date_format

from kerne.indlaesning import ImportFejl
from kerne.models import Importjob

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

Fremdrift = Callable[[int, int], None]
Koersel = Callable[[Importjob, Fremdrift], str]

_KOERSLER: dict[str, Koersel] = {}


class ImportIGang(Exception):
    """An import into the same round (or year's forbrug) is waiting or running; the message says whose, in Danish."""


def registrer(art: str, koersel: Koersel) -> None:
    """Register how a kind of import runs: it imports `job.fil` as `job.parametre` say, tells `fremdrift` the lines
    written so far and in all, and returns the Danish sentence that says what was imported."""
    _KOERSLER[art] = koersel


def opret(
    *,
    art: str,
    noegle: str,
    beskrivelse: str,
    filnavn: str,
    data: bytes,
    parametre: dict[str, Any],
    bruger: "User | None",
) -> Importjob:
    """Store an upload as a job and ask for it to run once the current transaction commits. Refused with
    ImportIGang while another job for the same `noegle` waits or runs."""
    _opgiv_haengende(noegle)
    try:
        with transaction.atomic():
            job = Importjob.objects.create(
                art=art,
                noegle=noegle,
                beskrivelse=beskrivelse,
                filnavn=filnavn[:255],
                fil=data,
                parametre=parametre,
                oprettet_af=bruger,
            )
    except IntegrityError as exc:
        aktiv = (
            Importjob.objects.filter(noegle=noegle, status__in=Importjob.AKTIVE).select_related("oprettet_af").first()
        )
        hvem = ""
        if aktiv is not None:
            navn = aktiv.oprettet_af.get_full_name() or aktiv.oprettet_af.get_username() if aktiv.oprettet_af else ""
            tid = date_format(timezone.localtime(aktiv.oprettet), r"j. F Y \k\l. H.i")
            hvem = f" ({aktiv.filnavn}, startet {tid}{f' af {navn}' if navn else ''})"
        raise ImportIGang(
            f"En import til {beskrivelse} er allerede i gang{hvem}. Vent, til den er færdig, og prøv så igen."
        ) from exc

    def bestil() -> None:
        try:
            koer_importjob.delay(job.pk)
        except Exception as exc:
            logger.exception("Importjob %s kunne ikke sættes i kø", job.pk)
            _afslut(job.pk, Importjob.FEJLET, resultat=f"Jobbet kunne ikke sættes i kø ({type(exc).__name__}).")

    transaction.on_commit(bestil)
    return job


def _opgiv_haengende(noegle: str) -> None:
    """A job still waiting or running IMPORTJOB_MAKS_MINUTTER after it was started has lost its worker (stopped,
    killed, or no worker ever took it): it is marked failed, so it no longer blocks the round. Nothing of it was
    written, because an import commits all or nothing; and a job marked so never starts later (`koer_importjob`
    only starts a waiting one)."""
    graense = timezone.now() - timedelta(minutes=settings.IMPORTJOB_MAKS_MINUTTER)
    haengende = Importjob.objects.filter(noegle=noegle, status__in=Importjob.AKTIVE, oprettet__lt=graense)
    for job_id in haengende.values_list("pk", flat=True):
        logger.warning("Importjob %s opgivet efter %s minutter", job_id, settings.IMPORTJOB_MAKS_MINUTTER)
        Importjob.objects.filter(pk=job_id, status__in=Importjob.AKTIVE).update(
            status=Importjob.FEJLET,
            afsluttet=timezone.now(),
            fil=b"",
            resultat=f"Opgivet: jobbet var ikke færdigt efter {settings.IMPORTJOB_MAKS_MINUTTER} minutter (stoppede "
            "baggrundsjobbet?). Intet er ændret; indlæs filen igen.",
        )


def _afslut(job_id: int, status: str, **felter: Any) -> None:
    # The file is not kept once the job has ended: it may be 100 MB, and the figures are in the tables now.
    Importjob.objects.filter(pk=job_id).update(status=status, afsluttet=timezone.now(), fil=b"", **felter)


def _fremdrift(job_id: int, sidst: dict[str, int]) -> Fremdrift:
    """Progress is written outside the import's transaction, or the page would see nothing until the end: on
    PostgreSQL from a thread with its own connection. SQLite has one writer at a time, held by the import, so there
    the page shows the job running and then its end."""

    def skriv(gjort: int, i_alt: int) -> None:
        Importjob.objects.filter(pk=job_id).update(linjer_gjort=gjort, linjer_i_alt=i_alt)

    def fremdrift(gjort: int, i_alt: int) -> None:
        sidst.update(linjer_gjort=gjort, linjer_i_alt=i_alt)
        if not connection.in_atomic_block:
            skriv(gjort, i_alt)
        elif connection.vendor == "postgresql":

            def i_traad() -> None:
                try:
                    skriv(gjort, i_alt)
                finally:
                    connection.close()  # the thread's own connection

            traad = threading.Thread(target=i_traad)
            traad.start()
            traad.join()

    return fremdrift


@shared_task(acks_late=True)
def koer_importjob(job_id: int) -> None:
    """Run a waiting import job; nothing when it has already run (a job delivered twice)."""
    startet = Importjob.objects.filter(pk=job_id, status=Importjob.VENTER).update(status=Importjob.KOERER)
    if not startet:
        return
    job = Importjob.objects.get(pk=job_id)
    sidst: dict[str, int] = {}
    try:
        resultat = _KOERSLER[job.art](job, _fremdrift(job_id, sidst))
    except ImportFejl as exc:
        _afslut(job_id, Importjob.AFVIST, fejl=exc.fejl)
    except Exception as exc:
        logger.exception("Importjob %s fejlede", job_id)
        _afslut(job_id, Importjob.FEJLET, resultat=f"Uventet fejl ({type(exc).__name__}); intet er ændret.")
    else:
        _afslut(job_id, Importjob.FAERDIG, resultat=resultat[:500], **sidst)
