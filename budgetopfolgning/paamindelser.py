"""Reminder e-mails for an open round's deadline: each konsulent gets the list of their rammer not yet ready, with
links; Center for Økonomi gets a summary. At most one e-mail a day per person and round (`Paamindelse`)."""

import logging
from dataclasses import dataclass
from datetime import date
from smtplib import SMTPException
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from budgetopfolgning import arbejdsliste
from budgetopfolgning.models import Opfoelgning, Paamindelse, Rammestatus
from kerne import roller
from kerne.datoer import maanedsnavn
from kerne.models import Kommune
from kerne.tekst import antal

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

FAERDIGE = (Rammestatus.KLAR, Rammestatus.GODKENDT)


@dataclass
class Afsendt:
    modtager: "User"
    opfoelgning: Opfoelgning
    antal_rammer: int


def _link(opfoelgning: Opfoelgning, navn: str, *args: object) -> str:
    return settings.SITE_URL + reverse(navn, args=[opfoelgning.aar.aar, opfoelgning.nummer, *args])


def _dato(d: date) -> str:
    return f"{d.day}. {maanedsnavn(d.month)} {d.year}"


def _send_en_gang(modtager: "User", opfoelgning: Opfoelgning, idag: date, slags: str, emne: str, tekst: str) -> bool:
    """Send unless this person already had this kind of reminder about this round today; the row is the
    once-a-day rule. A mail server that refuses one recipient is logged and the others still get theirs (the row is
    rolled back, so the next run tries again)."""
    try:
        with transaction.atomic():
            Paamindelse.objects.create(opfoelgning=opfoelgning, modtager=modtager, slags=slags, dato=idag)
            send_mail(emne, tekst, None, [modtager.email])
    except IntegrityError:
        return False
    except (OSError, SMTPException):
        logger.exception("Påmindelsen til bruger %s om opfølgning %s kunne ikke sendes", modtager.pk, opfoelgning.pk)
        return False
    return True


def _konsulenttekst(modtager: "User", opfoelgning: Opfoelgning, rammer: list[arbejdsliste.Rammensstatus]) -> str:
    linjer = [
        f"Kære {modtager.get_full_name() or modtager.get_username()}",
        "",
        f"Fristen for {opfoelgning.titel.lower()} er {_dato(opfoelgning.frist)}."
        if opfoelgning.frist else f"{opfoelgning.titel} er åben.",
        "Disse af dine rammer er endnu ikke meldt klar til godkendelse:",
        "",
    ]
    for r in rammer:
        mangler = " – forklaring mangler" if r.mangler_forklaring else ""
        linjer.append(f"- {r.ramme.nummer} {r.ramme.navn} ({r.status_navn.lower()}{mangler})")
        linjer.append(f"  {_link(opfoelgning, 'rediger_ramme', r.ramme.nummer)}")
    linjer += [
        "",
        f"Alle dine rammer i ét skema: {_link(opfoelgning, 'indtastning')}",
        "",
        "Venlig hilsen",
        f"Budgetopfølgning, {Kommune.hent().visningsnavn}",
    ]
    return "\n".join(linjer)


def _oversigtstekst(opfoelgning: Opfoelgning, raekker: list[arbejdsliste.Rammensstatus]) -> str:
    linjer = [f"Status for {opfoelgning.titel.lower()}"]
    if opfoelgning.frist:
        linjer.append(f"Frist: {_dato(opfoelgning.frist)}")
    linjer.append("")
    for _kode, navn, i_alt in arbejdsliste.optaelling(raekker):
        linjer.append(f"{navn}: {i_alt}")
    mangler = [r for r in raekker if r.status not in FAERDIGE]
    if mangler:
        linjer += ["", "Ikke meldt klar:"]
        for r in mangler:
            linjer.append(f"- {r.ramme.nummer} {r.ramme.navn} ({r.konsulentnavne or 'ingen konsulent'})")
    linjer += ["", _link(opfoelgning, "opfoelgning")]
    return "\n".join(linjer)


def send_paamindelser(*, idag: date) -> list[Afsendt]:
    """Send today's reminders for every open round with a deadline; returns what was sent."""
    afsendt = []
    okonomi = list(
        get_user_model().objects.filter(is_active=True, groups__name=roller.OKONOMI).exclude(email="").distinct()
    )
    for opfoelgning in Opfoelgning.objects.filter(status=Opfoelgning.AABEN, frist__isnull=False).select_related("aar"):
        raekker = arbejdsliste.rammestatusser(opfoelgning)
        pr_konsulent: dict[int, tuple[User, list[arbejdsliste.Rammensstatus]]] = {}
        for r in raekker:
            if r.status in FAERDIGE:
                continue
            for k in r.konsulenter:
                if k.is_active and k.email:
                    pr_konsulent.setdefault(k.pk, (k, []))[1].append(r)
        for konsulent, rammer in pr_konsulent.values():
            emne = f"Påmindelse: {antal(len(rammer), 'ramme', 'rammer')} mangler i {opfoelgning.titel.lower()}"
            tekst = _konsulenttekst(konsulent, opfoelgning, rammer)
            if _send_en_gang(konsulent, opfoelgning, idag, Paamindelse.KONSULENT, emne, tekst):
                afsendt.append(Afsendt(konsulent, opfoelgning, len(rammer)))
        tekst = _oversigtstekst(opfoelgning, raekker)
        for modtager in okonomi:
            emne = f"Status: {opfoelgning.titel.lower()}"
            if _send_en_gang(modtager, opfoelgning, idag, Paamindelse.OVERSIGT, emne, tekst):
                afsendt.append(Afsendt(modtager, opfoelgning, len(raekker)))
    return afsendt
