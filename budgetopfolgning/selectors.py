"""Read side of a round: the figures per ramme part, per udvalg and per table.

Every rule of the follow-up arithmetic lives in `Tal`. The queries are a fixed handful per round, whatever
the number of rammer, and every total is a sum of exact amounts; rounding is left to the templates.
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from budgetopfolgning.models import Aktivitetslinje, Opfoelgning, Opfoelgningslinje, Rundetal
from kerne.beloeb import MIO, NUL, mio_kr, rund
from kerne.fortegn import afvigelse, resultat_efter_overfoersler
from kerne.models import Kommune
from rammer.models import Aktivitetsdel, Bevillingsramme, Rammedel, Udvalg


@dataclass
class Tal:
    """The columns of Tabel 1 and 2 for one line or a sum of lines, in exact kroner."""

    oprindeligt: Decimal = NUL
    tidligere: Decimal = NUL  # korrektioner of the year's earlier rounds
    korrektioner: Decimal = NUL  # korrektioner of this round
    forventet: Decimal = NUL
    forventet_forrige: Decimal | None = None  # forventet forbrug in the previous round, if any
    forventet_overfoersel: Decimal = NUL  # the konsulent's expected carry-over to next year (+ = carried forward)

    @property
    def korrigeret_foer(self) -> Decimal:
        """Korrigeret budget before this round: oprindeligt + korrektioner of rounds 1 … n−1."""
        return self.oprindeligt + self.tidligere

    @property
    def forslag(self) -> Decimal:
        """Forslag til nyt budget: korrigeret before + this round's korrektioner."""
        return self.korrigeret_foer + self.korrektioner

    @property
    def afvigelse(self) -> Decimal:
        """Forventet forbrug − forslag til nyt budget; + = merforbrug, − = mindreforbrug."""
        return afvigelse(self.forventet, self.forslag)

    @property
    def resultat_ekskl_overfoersler(self) -> Decimal:
        """Forventet resultat ekskl. overførsler: the afvigelse itself (forventet forbrug − forslag)."""
        return self.afvigelse

    @property
    def resultat_inkl_overfoersler(self) -> Decimal:
        """Forventet resultat inkl. overførsler: forventet forbrug + forventet overførsel − forslag, by the rule of
        the årsregnskab's resultat efter overførsler (kerne/fortegn.py); + = merforbrug, − = mindreforbrug."""
        return resultat_efter_overfoersler(self.forventet, self.forventet_overfoersel, self.forslag)

    @property
    def korrektioner_i_aaret(self) -> Decimal:
        """All korrektioner of the year up to and including this round: forslag − oprindeligt budget."""
        return self.tidligere + self.korrektioner

    @property
    def udvikling(self) -> Decimal | None:
        """Change in forventet forbrug since the previous round (None in a year's first round)."""
        if self.forventet_forrige is None:
            return None
        return self.forventet - self.forventet_forrige

    def __add__(self, other: "Tal") -> "Tal":
        forrige = None
        if self.forventet_forrige is not None or other.forventet_forrige is not None:
            forrige = (self.forventet_forrige or NUL) + (other.forventet_forrige or NUL)
        return Tal(
            oprindeligt=self.oprindeligt + other.oprindeligt,
            tidligere=self.tidligere + other.tidligere,
            korrektioner=self.korrektioner + other.korrektioner,
            forventet=self.forventet + other.forventet,
            forventet_forrige=forrige,
            forventet_overfoersel=self.forventet_overfoersel + other.forventet_overfoersel,
        )


@dataclass
class Linje:
    """One ramme part in a round."""

    rammedel: Rammedel
    linje: Opfoelgningslinje | None
    tal: Tal

    @property
    def ramme(self) -> Bevillingsramme:
        return self.rammedel.ramme

    @property
    def forklaring(self) -> str:
        return self.linje.forklaring if self.linje else ""


@dataclass
class Raekke:
    """A row of a table: an udvalg (or a ramme), or the I alt row."""

    navn: str
    tal: Tal
    udvalg: Udvalg | None = None
    ramme: Bevillingsramme | None = None
    er_total: bool = False


@dataclass
class Tabel:
    placering: str
    nummer: int
    raekker: list[Raekke] = field(default_factory=list)

    @property
    def total(self) -> Raekke:
        return self.raekker[0]

    @property
    def inden(self) -> bool:
        return self.placering == Rammedel.INDEN


def linjer(
    opfoelgning: Opfoelgning, *, udvalg: Udvalg | None = None, ramme: Bevillingsramme | None = None
) -> list[Linje]:
    """All ramme parts of the round's year with their figures, in ramme order. Four queries."""
    dele = Rammedel.objects.filter(ramme__aar_id=opfoelgning.aar_id).select_related("ramme__udvalg")
    egne_linjer = Opfoelgningslinje.objects.filter(opfoelgning=opfoelgning)
    tidligere = Opfoelgningslinje.objects.filter(
        opfoelgning__aar_id=opfoelgning.aar_id, opfoelgning__nummer__lt=opfoelgning.nummer
    )
    if udvalg is not None:
        dele = dele.filter(ramme__udvalg=udvalg)
        egne_linjer = egne_linjer.filter(rammedel__ramme__udvalg=udvalg)
        tidligere = tidligere.filter(rammedel__ramme__udvalg=udvalg)
    if ramme is not None:
        dele = dele.filter(ramme=ramme)
        egne_linjer = egne_linjer.filter(rammedel__ramme=ramme)
        tidligere = tidligere.filter(rammedel__ramme=ramme)

    egne = {linje.rammedel_id: linje for linje in egne_linjer}
    tal = _tal(opfoelgning, tidligere, "rammedel_id")
    return [
        Linje(rammedel=rammedel, linje=egne.get(rammedel.pk), tal=tal(rammedel, egne.get(rammedel.pk)))
        for rammedel in dele.order_by("ramme__sorteringsnoegle", "ramme__nummer", "placering")
    ]


def _tal(
    opfoelgning: Opfoelgning, tidligere: QuerySet[Opfoelgningslinje] | QuerySet[Aktivitetslinje], noegle: str
) -> Callable[[Rammedel | Aktivitetsdel, Rundetal | None], Tal]:
    """How a line's columns are made from its adopted budget, its line in this round and the year's earlier rounds.

    `tidligere` holds the lines (ramme parts' or activities') of the year's earlier rounds; `noegle` the field that
    ties them to their part. Tidligere korrektioner are the sum over rounds 1 … n−1; the previous forecast is round
    n−1's, and a year's first round has none. Two queries.
    """
    tidligere_korr = dict(tidligere.values_list(noegle).annotate(s=Sum("korrektioner")).values_list(noegle, "s"))
    forrige: dict[int, Decimal] = {}
    if opfoelgning.har_tidligere_opfoelgninger:
        forrige = dict(
            tidligere.filter(opfoelgning__nummer=opfoelgning.nummer - 1).values_list(noegle, "forventet_forbrug")
        )

    def tal(del_: Rammedel | Aktivitetsdel, linje: Rundetal | None) -> Tal:
        return Tal(
            oprindeligt=del_.oprindeligt_budget,
            tidligere=tidligere_korr.get(del_.pk) or NUL,
            korrektioner=linje.korrektioner if linje else NUL,
            forventet=linje.forventet_forbrug if linje else NUL,
            forventet_forrige=forrige.get(del_.pk) if opfoelgning.har_tidligere_opfoelgninger else None,
            # Only a ramme part's line carries the expected carry-over; an activity's has none of its own.
            forventet_overfoersel=getattr(linje, "forventet_overfoersel", NUL) if linje else NUL,
        )

    return tal


def summer(tal: Iterable[Tal], *, opfoelgning: Opfoelgning) -> Tal:
    """The exact sum of several lines' figures in a round (no previous-round forecast in a year's first round)."""
    total = Tal(forventet_forrige=NUL if opfoelgning.har_tidligere_opfoelgninger else None)
    for t in tal:
        total = total + t
    return total


def udvalgstabeller(opfoelgning: Opfoelgning, alle: list[Linje]) -> list[Tabel]:
    """Tabel 1 (inside the serviceramme) and Tabel 2 (outside): I alt first, then a row per udvalg.

    Every udvalg of the year has a row in both tables, with zeros where it has no such part.
    """
    udvalg_liste = list(Udvalg.objects.filter(aar_id=opfoelgning.aar_id))
    tabeller = []
    for nummer, placering in ((1, Rammedel.INDEN), (2, Rammedel.UDEN)):
        per_udvalg = defaultdict(list)
        for linje in alle:
            if linje.rammedel.placering == placering:
                per_udvalg[linje.ramme.udvalg_id].append(linje.tal)
        raekker = [
            Raekke(navn=u.navn, udvalg=u, tal=summer(per_udvalg[u.pk], opfoelgning=opfoelgning)) for u in udvalg_liste
        ]
        total = Raekke(navn="I alt", er_total=True, tal=summer([r.tal for r in raekker], opfoelgning=opfoelgning))
        tabeller.append(Tabel(placering=placering, nummer=nummer, raekker=[total, *raekker]))
    return tabeller


def rammetabeller(opfoelgning: Opfoelgning, alle: list[Linje]) -> list[Tabel]:
    """The same two tables with a row per ramme (the udvalg drill-down)."""
    tabeller = []
    for nummer, placering in ((1, Rammedel.INDEN), (2, Rammedel.UDEN)):
        raekker = [
            Raekke(navn=f"{linje.ramme.nummer} {linje.ramme.navn}", ramme=linje.ramme, tal=linje.tal)
            for linje in alle
            if linje.rammedel.placering == placering
        ]
        total = Raekke(navn="I alt", er_total=True, tal=summer([r.tal for r in raekker], opfoelgning=opfoelgning))
        tabeller.append(Tabel(placering=placering, nummer=nummer, raekker=[total, *raekker]))
    return tabeller


@dataclass
class Opsummering:
    """The round's summary: forventet forbrug inside the serviceramme against the year's serviceramme."""

    opfoelgning: Opfoelgning
    serviceramme: Decimal
    forventet: Decimal
    # The kommune's choice (kerne.models.Kommune.opsummering_afrunding): "ca. 45 mio. kr." instead of "45,2 mio. kr.".
    hele_mio: bool = False

    @property
    def forskel(self) -> Decimal:
        return self.forventet - self.serviceramme

    @property
    def _decimaler(self) -> int:
        return 0 if self.hele_mio else 1

    def _mio(self, beloeb: Decimal) -> str:
        """An amount of the sentences in mio. kr.: one decimal, or whole millions with "ca." when so chosen."""
        return f"{'ca. ' if self.hele_mio else ''}{mio_kr(beloeb, self._decimaler)} mio. kr."

    @property
    def vurdering(self) -> str:
        """'et mindreforbrug på 45,2 mio. kr.' – judged on the rounded figure, so 0,0 never reads as a gap."""
        if rund(self.forskel / MIO, self._decimaler) == 0:
            return "et forbrug svarende til servicerammen"
        retning = "merforbrug" if self.forskel > 0 else "mindreforbrug"
        return f"et {retning} på {self._mio(abs(self.forskel))} i forhold til servicerammen"

    @property
    def saetning(self) -> str:
        aar = self.opfoelgning.aar.aar
        return f"{self.opfoelgning.titel} viser {self.vurdering}, som i {aar} udgør {self._mio(self.serviceramme)}"

    @property
    def afslutning(self) -> str:
        aar = self.opfoelgning.aar.aar
        return (
            f"Samlet set viser det forventede forbrug på {self._mio(self.forventet)} med udgangen af {aar} "
            f"{self.vurdering}, som udgør {self._mio(self.serviceramme)}"
        )


def opsummering(opfoelgning: Opfoelgning, tabel_inden: Tabel) -> Opsummering:
    return Opsummering(
        opfoelgning=opfoelgning,
        serviceramme=opfoelgning.aar.serviceramme_beloeb(),
        forventet=tabel_inden.total.tal.forventet,
        hele_mio=Kommune.hent().opsummering_afrunding == Kommune.HELE_MIO,
    )


def forklaringer(alle: list[Linje], placering: str) -> list[Linje]:
    """Lines of one part that carry an explanation, in udvalg order then ramme order."""
    med = [linje for linje in alle if linje.rammedel.placering == placering and linje.forklaring.strip()]
    return sorted(med, key=lambda linje: (linje.ramme.udvalg.raekkefoelge, linje.ramme.sorteringsnoegle))


def manglende_forklaringer(opfoelgning: Opfoelgning, alle: list[Linje] | None = None) -> list[Linje]:
    """Ramme parts whose |afvigelse| reaches the year's threshold but have no explanation.

    `alle` is the round's lines when the caller has read them already (the round page), so they are not read twice.
    """
    graense = opfoelgning.aar.forklaringsgraense
    if alle is None:
        alle = linjer(opfoelgning)
    return [linje for linje in alle if abs(linje.tal.afvigelse) >= graense and not linje.forklaring.strip()]


def tal_sha256(opfoelgning: Opfoelgning, alle: list[Linje] | None = None) -> str:
    """SHA-256 of the round's canonical figures: a sorted JSON of every line and the round's identity.

    Amounts are written with two decimals as text, so the hash is the same on SQLite and PostgreSQL. `alle` is the
    round's lines when the caller has just read them (the lock, in its transaction).
    """
    if alle is None:
        alle = linjer(opfoelgning)
    data = {
        "aar": opfoelgning.aar.aar,
        "nummer": opfoelgning.nummer,
        "linjer": sorted(
            [
                linje.ramme.nummer,
                linje.rammedel.placering,
                f"{linje.tal.oprindeligt:.2f}",
                f"{linje.tal.tidligere:.2f}",
                f"{linje.tal.korrektioner:.2f}",
                f"{linje.tal.forventet:.2f}",
                linje.forklaring,
                # Only where set, so a round locked before carry-overs existed keeps its hash.
                *([f"{linje.tal.forventet_overfoersel:.2f}"] if linje.tal.forventet_overfoersel else []),
            ]
            for linje in alle
        ),
    }
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class Linjeaendring:
    """One changed field: raw values (Decimal for amounts, text for explanations); the template formats them."""

    tidspunkt: datetime
    bruger: str
    placering: str
    felt: str
    foer: Decimal | str | None
    efter: Decimal | str | None

    @property
    def er_beloeb(self) -> bool:
        return self.felt != HISTORIK_FELTER["forklaring"]


HISTORIK_FELTER = {
    "korrektioner": "Korrektioner",
    "forventet_forbrug": "Forventet forbrug",
    "forventet_overfoersel": "Forventet overførsel",
    "forklaring": "Forklaring",
}


def historik(opfoelgning: Opfoelgning, ramme: Bevillingsramme) -> list[Linjeaendring]:
    """Who changed which figure or explanation of the ramme in this round, when, from what to what."""
    records = list(
        Opfoelgningslinje.history.filter(opfoelgning_id=opfoelgning.pk, rammedel__ramme=ramme)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    result = []
    # The historical rows are models django-simple-history makes at run time: there is no class to name.
    forrige: dict[int, Any] = {}
    placering = dict(Rammedel.DELE)
    dele = {d.pk: d.placering for d in Rammedel.objects.filter(ramme=ramme)}

    for record in records:
        before = forrige.get(record.id)
        bruger = record.history_user
        hvem = (bruger.get_full_name() or bruger.get_username()) if bruger else "system"
        for felt, navn in HISTORIK_FELTER.items():
            ny = getattr(record, felt)
            gammel = getattr(before, felt) if before is not None else None
            if before is not None and gammel == ny:
                continue
            if before is None and record.history_type == "+" and not ny:
                continue
            result.append(
                Linjeaendring(
                    tidspunkt=record.history_date,
                    bruger=hvem,
                    placering=placering.get(dele.get(record.rammedel_id, ""), ""),
                    felt=navn,
                    foer=gammel if before is not None else None,
                    efter=ny,
                )
            )
        forrige[record.id] = record
    result.sort(key=lambda a: a.tidspunkt, reverse=True)
    return result


@dataclass
class AktivitetLinje:
    """One activity of a ramme part in a round, with the same columns as the ramme."""

    aktivitetsdel: Aktivitetsdel
    linje: Aktivitetslinje | None
    tal: Tal


def aktivitetslinjer(opfoelgning: Opfoelgning, ramme: Bevillingsramme) -> list[AktivitetLinje]:
    """The ramme's activities in the round, in activity order; empty for a ramme without activities."""
    return aktivitetslinjer_for(opfoelgning, Aktivitetsdel.objects.filter(aktivitet__ramme=ramme))


def aktivitetslinjer_for(opfoelgning: Opfoelgning, dele_qs: QuerySet[Aktivitetsdel]) -> list[AktivitetLinje]:
    """The activities of `dele_qs` in the round (several rammer at once: three queries however many)."""
    dele = list(
        dele_qs.select_related("aktivitet").order_by("placering", "aktivitet__sortering", "aktivitet__navn")
    )
    if not dele:
        return []
    egne = {
        linje.aktivitetsdel_id: linje
        for linje in Aktivitetslinje.objects.filter(opfoelgning=opfoelgning, aktivitetsdel__in=dele)
    }
    tidligere = Aktivitetslinje.objects.filter(
        aktivitetsdel__in=dele, opfoelgning__aar_id=opfoelgning.aar_id, opfoelgning__nummer__lt=opfoelgning.nummer
    )
    tal = _tal(opfoelgning, tidligere, "aktivitetsdel_id")
    return [
        AktivitetLinje(aktivitetsdel=del_, linje=egne.get(del_.pk), tal=tal(del_, egne.get(del_.pk))) for del_ in dele
    ]


KONTAKTFELTER = ("kontakt_center", "kontakt_navn", "kontakt_telefon", "kontakt_email")


def kontakt_fra_forrige_runde() -> dict[str, str]:
    """The letterhead's contact of the latest round, to start a new round's form from: it rarely changes."""
    forrige = Opfoelgning.objects.order_by("-aar__aar", "-nummer").values(*KONTAKTFELTER).first()
    return dict(forrige) if forrige else {}
