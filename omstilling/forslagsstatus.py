"""The proposals' follow-up in a round: planned against realised saving per udvalg, statuses, what changed.

An open round's page is computed from the live tables. When a round is locked, what the page shows is stored as a
frozen copy (`FrossenForslagsstatus`, canonical JSON with its SHA-256), and a locked round's page is drawn from that
copy alone: a proposal's later figures, status or title cannot change what the round reported.
"""

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from budgetopfolgning.models import Opfoelgning
from kerne.beloeb import NUL, tusind_kr
from omstilling.models import Forslag, Forslagsopfoelgning, FrossenForslagsstatus, Katalog, Katalogudvalg

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def kataloger_i_aar(aar: int) -> QuerySet[Katalog]:
    """The catalogues running in a year: their proposals are followed up in that year's rounds."""
    return Katalog.objects.filter(aar_fra__lte=aar, aar_til__gte=aar)


def forrige_opfoelgning(opfoelgning: Opfoelgning, user: "User | AnonymousUser") -> Opfoelgning | None:
    """The round before this one (the previous year's last, for a year's first), among those the user may see."""
    return (
        Opfoelgning.objects.for_user(user)
        .select_related("aar")
        .filter(Q(aar__aar__lt=opfoelgning.aar.aar) | Q(aar__aar=opfoelgning.aar.aar, nummer__lt=opfoelgning.nummer))
        .order_by("-aar__aar", "-nummer")
        .first()
    )


def _forrige_laaste_opfoelgning(opfoelgning: Opfoelgning) -> Opfoelgning | None:
    """What a locked round compares with: the round before it that is itself locked, the same for every reader."""
    return (
        Opfoelgning.objects.filter(status=Opfoelgning.LAAST)
        .select_related("aar")
        .filter(Q(aar__aar__lt=opfoelgning.aar.aar) | Q(aar__aar=opfoelgning.aar.aar, nummer__lt=opfoelgning.nummer))
        .order_by("-aar__aar", "-nummer")
        .first()
    )


@dataclass
class Opfoelgningsraekke:
    forslag: Forslag
    planlagt: Decimal | None
    nu: Forslagsopfoelgning | None
    forrige: Forslagsopfoelgning | None
    aendringer: list[str]

    @property
    def forskel(self) -> Decimal | None:
        if self.nu is None or self.nu.realiseret is None:
            return None
        return self.nu.realiseret - (self.planlagt or NUL)


@dataclass
class Opfoelgningsafsnit:
    udvalg: Katalogudvalg
    raekker: list[Opfoelgningsraekke]
    planlagt: Decimal = NUL
    realiseret: Decimal = NUL
    realiseret_forrige: Decimal | None = None
    mangler: int = 0
    status: dict = field(default_factory=dict)

    @property
    def forskel(self) -> Decimal:
        return self.realiseret - self.planlagt

    @property
    def udvikling(self) -> Decimal | None:
        """Realised saving now against the previous round of the same year."""
        return None if self.realiseret_forrige is None else self.realiseret - self.realiseret_forrige


def _aendringer_siden(
    ny: Forslagsopfoelgning | None, gammel: Forslagsopfoelgning | None, *, samme_aar: bool, har_forrige: bool
) -> list[str]:
    """What changed since the last round, in words a reader can scan."""
    if ny is None:
        return []  # the status cells already say "Ikke vurderet"
    if not har_forrige:
        return []
    if gammel is None:
        return ["Ny i denne runde"]
    result = []
    for felt, navn in (("indsats", "Indsats"), ("oekonomi", "Økonomi")):
        a, b = getattr(gammel, felt), getattr(ny, felt)
        if a != b:
            result.append(
                f"{navn}: {Forslagsopfoelgning.KORT.get(a, 'ikke vurderet')} → "
                f"{Forslagsopfoelgning.KORT.get(b, 'ikke vurderet')}"
            )
    if samme_aar and gammel.realiseret != ny.realiseret:
        foer = tusind_kr(gammel.realiseret) if gammel.realiseret is not None else "ikke opgjort"
        efter = tusind_kr(ny.realiseret) if ny.realiseret is not None else "ikke opgjort"
        result.append(f"Realiseret: {foer} → {efter} (1.000 kr.)")
    if gammel.kommentar != ny.kommentar:
        result.append("Kommentaren er ændret")
    return result or ["Uændret"]


# What the page is built from, before any sum: per catalogue, per udvalg, the proposals with their planned saving in
# the round's year and their follow-up now and in the previous round. The live tables give it for an open round, the
# frozen copy for a locked one; `_byg` turns either into the page.
Raekkekilde = tuple[Forslag, Decimal | None, Forslagsopfoelgning | None, Forslagsopfoelgning | None]
Kilder = list[tuple[Katalog, list[tuple[Katalogudvalg, list[Raekkekilde]]]]]


def _live_kilder(opfoelgning: Opfoelgning, forrige: Opfoelgning | None) -> Kilder:
    aar = opfoelgning.aar.aar
    nu = {o.forslag_id: o for o in Forslagsopfoelgning.objects.filter(opfoelgning=opfoelgning)}
    sidst = {o.forslag_id: o for o in Forslagsopfoelgning.objects.filter(opfoelgning=forrige)} if forrige else {}
    kilder: Kilder = []
    for katalog in kataloger_i_aar(aar).prefetch_related("udvalg"):
        forslag = list(
            katalog.forslag.filter(status=Forslag.MEDTAGET).select_related("udvalg").prefetch_related("aarstal")
        )
        afsnit = []
        for udvalg in katalog.udvalg.all():
            raekker: list[Raekkekilde] = []
            for f in (f for f in forslag if f.udvalg_id == udvalg.pk):
                tal = next((t for t in f.aarstal.all() if t.aar == aar), None)
                planlagt = tal.nettodriftsbesparelse if tal is not None and tal.har_drift else None
                raekker.append((f, planlagt, nu.get(f.pk), sidst.get(f.pk)))
            if raekker:
                afsnit.append((udvalg, raekker))
        kilder.append((katalog, afsnit))
    return kilder


def _byg(opfoelgning: Opfoelgning, forrige: Opfoelgning | None, kilder: Kilder) -> dict:
    samme_aar = forrige is not None and forrige.aar_id == opfoelgning.aar_id
    kataloger = []
    for katalog, afsnit_kilder in kilder:
        afsnit = []
        for udvalg, raekker in afsnit_kilder:
            a = Opfoelgningsafsnit(udvalg=udvalg, raekker=[])
            if samme_aar:
                a.realiseret_forrige = NUL
            for f, planlagt, ny, gammel in raekker:
                a.raekker.append(
                    Opfoelgningsraekke(
                        forslag=f,
                        planlagt=planlagt,
                        nu=ny,
                        forrige=gammel,
                        aendringer=_aendringer_siden(ny, gammel, samme_aar=samme_aar, har_forrige=forrige is not None),
                    )
                )
                a.planlagt += planlagt or NUL
                if ny is not None and ny.realiseret is not None:
                    a.realiseret += ny.realiseret
                else:
                    a.mangler += 1
                if samme_aar and gammel is not None and gammel.realiseret is not None:
                    a.realiseret_forrige += gammel.realiseret
                for felt in ("indsats", "oekonomi"):
                    status = getattr(ny, felt, "") or ""
                    a.status.setdefault(felt, {}).setdefault(status, 0)
                    a.status[felt][status] += 1
            afsnit.append(a)
        planlagt_i_alt = sum((a.planlagt for a in afsnit), NUL)
        realiseret_i_alt = sum((a.realiseret for a in afsnit), NUL)
        realiseret_forrige = sum((a.realiseret_forrige or NUL for a in afsnit), NUL) if samme_aar else None
        kataloger.append(
            {
                "katalog": katalog,
                "afsnit": afsnit,
                "planlagt": planlagt_i_alt,
                "realiseret": realiseret_i_alt,
                "realiseret_forrige": realiseret_forrige,
                "mangler": sum(a.mangler for a in afsnit),
                "forskel": realiseret_i_alt - planlagt_i_alt,
                "udvikling": None if realiseret_forrige is None else realiseret_i_alt - realiseret_forrige,
            }
        )
    return {"opfoelgning": opfoelgning, "forrige": forrige, "samme_aar": samme_aar, "kataloger": kataloger}


def forslagsstatus(opfoelgning: Opfoelgning, user: "User | AnonymousUser") -> dict:
    """Every proposal of the catalogues running in the round's year, with its follow-up in this round and in the
    previous one, planned against realised saving per udvalg (savings positive, as the forms print them).

    A locked round reads its frozen copy; an open one the live tables, compared with the previous round the user
    may see."""
    if opfoelgning.er_laast:
        return frossen_opfoelgning(opfoelgning)
    forrige = forrige_opfoelgning(opfoelgning, user)
    return _byg(opfoelgning, forrige, _live_kilder(opfoelgning, forrige))


# --- The frozen copy of a locked round ---------------------------------------------------------------------------


def _beloeb(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _opf_data(o: Forslagsopfoelgning | None) -> dict | None:
    if o is None:
        return None
    return {"indsats": o.indsats, "oekonomi": o.oekonomi, "kommentar": o.kommentar, "realiseret": _beloeb(o.realiseret)}


def _opf_fra(data: dict | None) -> Forslagsopfoelgning | None:
    if data is None:
        return None
    realiseret = None if data["realiseret"] is None else Decimal(data["realiseret"])
    return Forslagsopfoelgning(
        indsats=data["indsats"], oekonomi=data["oekonomi"], kommentar=data["kommentar"], realiseret=realiseret
    )


def _kanonisk(opfoelgning: Opfoelgning, forrige: Opfoelgning | None, kilder: Kilder) -> str:
    """The sources as canonical JSON: amounts as text with two decimals, keys sorted, so SQLite and PostgreSQL give
    the same bytes and the same hash."""
    data = {
        "opfoelgning": {"aar": opfoelgning.aar.aar, "nummer": opfoelgning.nummer},
        "forrige": {"aar": forrige.aar.aar, "nummer": forrige.nummer} if forrige else None,
        "kataloger": [
            {
                "katalog": {"id": katalog.pk, "aar": katalog.aar, "titel": katalog.titel},
                "afsnit": [
                    {
                        "udvalg": {"id": udvalg.pk, "navn": udvalg.navn},
                        "raekker": [
                            {
                                "forslag": {"id": f.pk, "nr": f.nr, "titel": f.titel},
                                "planlagt": _beloeb(planlagt),
                                "nu": _opf_data(ny),
                                "forrige": _opf_data(gammel),
                            }
                            for f, planlagt, ny, gammel in raekker
                        ],
                    }
                    for udvalg, raekker in afsnit
                ],
            }
            for katalog, afsnit in kilder
        ],
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _sha256(tekst: str) -> str:
    return hashlib.sha256(tekst.encode("utf-8")).hexdigest()


def frys(opfoelgning: Opfoelgning) -> FrossenForslagsstatus:
    """Store what the round's follow-up shows, as the round is locked (called inside the lock's transaction).

    A round locked before frozen copies existed gets one from today's tables the first time it is read."""
    forrige = _forrige_laaste_opfoelgning(opfoelgning)
    data = _kanonisk(opfoelgning, forrige, _live_kilder(opfoelgning, forrige))
    try:
        with transaction.atomic():
            return FrossenForslagsstatus.objects.create(opfoelgning=opfoelgning, data=data, sha256=_sha256(data))
    except IntegrityError:
        return FrossenForslagsstatus.objects.get(opfoelgning=opfoelgning)  # frozen already: the first copy stands


def frossen_opfoelgning(opfoelgning: Opfoelgning) -> dict:
    frysning = FrossenForslagsstatus.objects.filter(opfoelgning=opfoelgning).first() or frys(opfoelgning)
    if _sha256(frysning.data) != frysning.sha256:
        # Never show a council member figures that differ from those recorded at locking.
        raise RuntimeError(
            f"Den gemte opfølgning på omstillingsforslag for {opfoelgning} stemmer ikke med dens SHA-256."
        )
    data = json.loads(frysning.data)
    forrige = None
    if data["forrige"]:
        forrige = (
            Opfoelgning.objects.select_related("aar")
            .filter(aar__aar=data["forrige"]["aar"], nummer=data["forrige"]["nummer"])
            .first()
        )
    kilder: Kilder = [
        (
            Katalog(pk=k["katalog"]["id"], aar=k["katalog"]["aar"], titel=k["katalog"]["titel"]),
            [
                (
                    Katalogudvalg(pk=a["udvalg"]["id"], navn=a["udvalg"]["navn"]),
                    [
                        (
                            Forslag(pk=r["forslag"]["id"], nr=r["forslag"]["nr"], titel=r["forslag"]["titel"]),
                            None if r["planlagt"] is None else Decimal(r["planlagt"]),
                            _opf_fra(r["nu"]),
                            _opf_fra(r["forrige"]),
                        )
                        for r in a["raekker"]
                    ],
                )
                for a in k["afsnit"]
            ],
        )
        for k in data["kataloger"]
    ]
    return _byg(opfoelgning, forrige, kilder)


def verificer(opfoelgning: Opfoelgning) -> str | None:
    """None when the locked round's frozen follow-up is there and matches its SHA-256; else what is wrong."""
    frysning = FrossenForslagsstatus.objects.filter(opfoelgning=opfoelgning).first()
    if frysning is None:
        return "opfølgningen på omstillingsforslag er ikke frosset"
    beregnet = _sha256(frysning.data)
    if beregnet != frysning.sha256:
        return f"opfølgningen på omstillingsforslag: gemt {frysning.sha256}, beregnet {beregnet}"
    return None
