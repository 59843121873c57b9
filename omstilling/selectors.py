"""Read logic: the catalogue overview, a proposal's economics table, its history, a round's follow-up.

Totals are summed from the exact kroner by the database and rounded only when shown, so the overview prints
−6,73 for Økonomiudvalget in 2019 (exactly −6,725) and a Restbeløb of 7,14 (39,40 − 32,265).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import DecimalField, F, Sum

from budgetopfolgning.models import Opfoelgning
from kerne.beloeb import NUL, dansk_tal
from kerne.datoer import kort_dato
from omstilling.models import (
    AARSFELTER,
    FORSLAGSFELTER,
    MED_FORSLAGET,
    Forslag,
    Forslagsaar,
    Forslagsopfoelgning,
    Forslagsramme,
    Katalog,
    Katalogudvalg,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

FORTEGN_OVERSIGT = ("+ = Merudgifter eller mindreindtægter", "\u2212 = Mindreudgifter eller merindtægter")
BELOEB: "DecimalField[Decimal, Decimal]" = DecimalField(max_digits=15, decimal_places=2)


def _netto_sum() -> Sum:
    return Sum(F("driftsbesparelse") - F("driftsudgift"), output_field=BELOEB, default=NUL)


# --- The overview -------------------------------------------------------------------------------------------------


@dataclass
class Oversigtsraekke:
    forslag: Forslag
    netto: list[Decimal | None]  # in the overview's sign (− = mindreudgift); None: no operating figure that year
    anlaeg: Decimal | None  # anlæg over all the years; None when there is none


@dataclass
class Udvalgsafsnit:
    udvalg: Katalogudvalg
    raekker: list[Oversigtsraekke]
    i_alt: list[Decimal]
    anlaeg: Decimal


@dataclass
class Oversigt:
    katalog: Katalog
    aarene: list[int]
    afsnit: list[Udvalgsafsnit]
    i_alt: list[Decimal]
    krav: list[Decimal]
    restbeloeb: list[Decimal]
    anlaeg: list[Decimal]
    anlaeg_i_alt: Decimal
    ikke_medtaget: list[Forslag]
    fortegn: tuple[str, str] = FORTEGN_OVERSIGT

    @property
    def antal(self) -> int:
        return sum(len(a.raekker) for a in self.afsnit)


def oversigt(katalog: Katalog) -> Oversigt:
    """The catalogue as its published overview prints it: the proposals taken into the budget, per udvalg.

    Savings are stored positive; the overview shows them negative (− = mindreudgifter), so every figure here is the
    negated nettodriftsbesparelse. Restbeløb = krav + I alt (+ = mangler).
    """
    aarene = katalog.aarene
    medtaget = Forslagsaar.objects.filter(forslag__katalog=katalog, forslag__status=Forslag.MEDTAGET)
    pr_udvalg = {
        (r["forslag__udvalg_id"], r["aar"]): r
        for r in medtaget.values("forslag__udvalg_id", "aar").annotate(
            netto=_netto_sum(), anlaeg=Sum("anlaegsudgift", default=NUL)
        )
    }
    pr_aar = {
        r["aar"]: r
        for r in medtaget.values("aar").annotate(netto=_netto_sum(), anlaeg=Sum("anlaegsudgift", default=NUL))
    }
    krav = dict(katalog.krav.values_list("aar", "beloeb"))

    forslag = list(katalog.forslag.filter(status=Forslag.MEDTAGET).select_related("udvalg").prefetch_related("aarstal"))
    afsnit = []
    for udvalg in katalog.udvalg.all():
        raekker = []
        for f in (f for f in forslag if f.udvalg_id == udvalg.pk):
            tal = {a.aar: a for a in f.aarstal.all()}
            anlaeg = sum((a.anlaegsudgift for a in tal.values()), NUL)
            raekker.append(
                Oversigtsraekke(
                    forslag=f,
                    netto=[-tal[a].nettodriftsbesparelse if a in tal and tal[a].har_drift else None for a in aarene],
                    anlaeg=anlaeg or None,
                )
            )
        rk = [pr_udvalg.get((udvalg.pk, a)) for a in aarene]
        afsnit.append(
            Udvalgsafsnit(
                udvalg=udvalg,
                raekker=raekker,
                i_alt=[-r["netto"] if r else NUL for r in rk],
                anlaeg=sum((r["anlaeg"] for r in rk if r), NUL),
            )
        )
    i_alt = [-pr_aar[a]["netto"] if a in pr_aar else NUL for a in aarene]
    anlaeg = [pr_aar[a]["anlaeg"] if a in pr_aar else NUL for a in aarene]
    kravliste = [krav.get(a, NUL) for a in aarene]
    return Oversigt(
        katalog=katalog,
        aarene=aarene,
        afsnit=afsnit,
        i_alt=i_alt,
        krav=kravliste,
        restbeloeb=[k + t for k, t in zip(kravliste, i_alt, strict=True)],
        anlaeg=anlaeg,
        anlaeg_i_alt=sum(anlaeg, NUL),
        ikke_medtaget=list(katalog.forslag.exclude(status=Forslag.MEDTAGET).select_related("udvalg")),
    )


# --- One proposal -------------------------------------------------------------------------------------------------


@dataclass
class Tabelraekke:
    navn: str
    tal: list[Decimal | None]
    total: bool = False


def oekonomitabel(forslag: Forslag, katalog: Katalog) -> list[Tabelraekke]:
    """The form's "(I 1.000 kr.)" table, savings positive. A cell is blank where the form leaves it blank: an entered
    figure of 0, or a computed one in a year without any of its parts (TMU-07 has no drift in 2019)."""
    tal = {a.aar: a for a in forslag.aarstal.all()}
    aarene = katalog.aarene

    def kolonne(hent: Callable[[Forslagsaar], Decimal], vis: Callable[[Forslagsaar], bool]) -> list[Decimal | None]:
        return [hent(tal[a]) if a in tal and vis(tal[a]) else None for a in aarene]

    return [
        Tabelraekke("Driftsbesparelse", kolonne(lambda a: a.driftsbesparelse, lambda a: a.driftsbesparelse != NUL)),
        Tabelraekke("Driftsudgift (investering)", kolonne(lambda a: a.driftsudgift, lambda a: a.driftsudgift != NUL)),
        Tabelraekke("Nettodriftsbesparelse", kolonne(lambda a: a.nettodriftsbesparelse, lambda a: a.har_drift), True),
        Tabelraekke("Anlægsudgift", kolonne(lambda a: a.anlaegsudgift, lambda a: a.anlaegsudgift != NUL)),
        Tabelraekke("Samlet nettobesparelse", kolonne(lambda a: a.samlet_nettobesparelse, lambda a: a.har_tal), True),
    ]


def servicerammetabel(forslag: Forslag, katalog: Katalog) -> list[Tabelraekke]:
    """The split of the nettodriftsbesparelse into the part inside the serviceramme and the rest."""
    tal = {a.aar: a for a in forslag.aarstal.all()}

    def kolonne(hent: Callable[[Forslagsaar], Decimal]) -> list[Decimal | None]:
        return [hent(tal[a]) if a in tal and tal[a].har_drift else None for a in katalog.aarene]

    return [
        Tabelraekke("Inden for servicerammen", kolonne(lambda a: a.inden_for_serviceramme)),
        Tabelraekke("Uden for servicerammen", kolonne(lambda a: a.uden_for_serviceramme)),
        Tabelraekke("Nettodriftsbesparelse", kolonne(lambda a: a.nettodriftsbesparelse), True),
    ]


# --- History ------------------------------------------------------------------------------------------------------


@dataclass
class Forslagsaendring:
    tidspunkt: datetime
    bruger: str
    felt: str
    foer: str
    efter: str
    grund: str = ""


# The historical rows are models django-simple-history makes at run time: there is no class to name them by.
Historik = Any


def _hvem(record: Historik) -> str:
    bruger = record.history_user
    if bruger is None:
        return "System"
    return bruger.get_full_name() or bruger.get_username()


def _vis(model: type[models.Model], felt: str, value: object, udvalg: dict[int, str]) -> str:
    if value is None or value == "":
        return ""
    if felt == "udvalg":
        return udvalg.get(value, str(value)) if isinstance(value, int) else str(value)
    f = _felt(model, felt)
    if f.choices:
        return str(dict(f.choices).get(value, value))
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, Decimal):
        return dansk_tal(value, 2)
    if isinstance(value, date):
        return kort_dato(value)  # "17. apr. 2018", as dates read elsewhere in the app
    return str(value)


def _label(model: type[models.Model], felt: str) -> str:
    return str(_felt(model, felt).verbose_name).capitalize()


def _felt(model: type[models.Model], navn: str) -> models.Field:
    """A field the history lists: always one of the model's own columns, never a reverse relation."""
    felt = model._meta.get_field(navn)
    if not isinstance(felt, models.Field):
        raise TypeError(f"{model.__name__}.{navn} is not a field with a value of its own.")
    return felt


def _aendringer(
    records: Iterable[Historik],
    model: type[models.Model],
    felter: Iterable[str],
    udvalg: dict[int, str],
    *,
    prefiks: Callable[[Historik], str],
    ny_tekst: Callable[[Historik], str],
    slettet_tekst: Callable[[Historik], str],
) -> list[Forslagsaendring]:
    """Field-by-field changes of a sequence of historical records (oldest first) of one or more rows."""
    result: list[Forslagsaendring] = []
    forrige: dict[int, Historik] = {}
    for r in records:
        foer = forrige.get(r.id)
        forrige[r.id] = r
        grund = r.history_change_reason or ""
        if r.history_type == "+":
            if grund != MED_FORSLAGET:
                result.append(Forslagsaendring(r.history_date, _hvem(r), prefiks(r), "", ny_tekst(r), grund))
            continue
        if r.history_type == "-":
            result.append(Forslagsaendring(r.history_date, _hvem(r), prefiks(r), slettet_tekst(r), "", grund))
            continue
        if foer is None:
            continue
        for felt in felter:
            navn = "udvalg_id" if felt == "udvalg" else felt
            gammel, ny = getattr(foer, navn), getattr(r, navn)
            if gammel != ny:
                label = f"{prefiks(r)}: {_label(model, felt)}" if prefiks(r) else _label(model, felt)
                result.append(
                    Forslagsaendring(
                        r.history_date,
                        _hvem(r),
                        label,
                        _vis(model, felt, gammel, udvalg),
                        _vis(model, felt, ny, udvalg),
                        grund,
                    )
                )
    return result


def historik(forslag: Forslag, user: "User | AnonymousUser") -> list[Forslagsaendring]:
    """Who changed what on the proposal, its figures, its rammer and (in rounds the user may see) its follow-ups,
    newest first."""
    udvalg = dict(Katalogudvalg.objects.filter(katalog_id=forslag.katalog_id).values_list("pk", "navn"))
    result = _aendringer(
        Forslag.history.filter(id=forslag.pk).select_related("history_user").order_by("history_date", "history_id"),
        Forslag,
        ("nr", "udvalg") + FORSLAGSFELTER,
        udvalg,
        prefiks=lambda r: "",
        ny_tekst=lambda r: "Forslaget oprettet",
        slettet_tekst=lambda r: "Forslaget slettet",
    )
    result += _aendringer(
        Forslagsaar.history.filter(forslag_id=forslag.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id"),
        Forslagsaar,
        AARSFELTER,
        udvalg,
        prefiks=lambda r: str(r.aar),
        ny_tekst=lambda r: f"Tal for {r.aar} tilføjet",
        slettet_tekst=lambda r: f"Tal for {r.aar}",
    )
    result += _aendringer(
        Forslagsramme.history.filter(forslag_id=forslag.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id"),
        Forslagsramme,
        ("nummer", "navn", "konto"),
        udvalg,
        prefiks=lambda r: "Bevillingsramme",
        ny_tekst=lambda r: f"{r.nummer} {r.navn}".strip(),
        slettet_tekst=lambda r: f"{r.nummer} {r.navn}".strip(),
    )
    opfoelgninger = {o.pk: o for o in Opfoelgning.objects.for_user(user).select_related("aar")}
    result += _aendringer(
        [
            r
            for r in Forslagsopfoelgning.history.filter(forslag_id=forslag.pk)
            .select_related("history_user")
            .order_by("history_date", "history_id")
            if r.opfoelgning_id in opfoelgninger
        ],
        Forslagsopfoelgning,
        ("indsats", "oekonomi", "kommentar", "realiseret"),
        udvalg,
        prefiks=lambda r: str(opfoelgninger[r.opfoelgning_id]),
        ny_tekst=lambda r: "Opfølgning oprettet",
        slettet_tekst=lambda r: "Opfølgning slettet",
    )
    result.sort(key=lambda a: a.tidspunkt, reverse=True)
    return result


def forslagets_opfoelgninger(forslag: Forslag, user: "User | AnonymousUser") -> list[dict]:
    """The proposal's follow-up in each round the user may see, oldest first, with the planned saving that year."""
    planlagt = {t.aar: t.nettodriftsbesparelse for t in forslag.aarstal.all() if t.har_drift}
    synlige = Opfoelgning.objects.for_user(user)
    return [
        {"forslagsopfoelgning": o, "opfoelgning": o.opfoelgning, "planlagt": planlagt.get(o.opfoelgning.aar.aar)}
        for o in forslag.opfoelgninger.filter(opfoelgning__in=synlige)
        .select_related("opfoelgning__aar")
        .order_by("opfoelgning__aar__aar", "opfoelgning__nummer")
    ]


def forslag_for_ramme(nummer: str, aar: int) -> list[dict]:
    """Proposals touching a ramme number in catalogues running in the year, with their planned net saving then."""
    rammer = (
        Forslagsramme.objects.filter(
            nummer=nummer, forslag__katalog__aar_fra__lte=aar, forslag__katalog__aar_til__gte=aar
        )
        .select_related("forslag__katalog", "forslag__udvalg")
        .order_by("-forslag__katalog__aar", "forslag__udvalg__raekkefoelge", "forslag__nr")
    )
    valgt: dict[int, Forslag] = {}
    for r in rammer:
        valgt.setdefault(r.forslag_id, r.forslag)  # a proposal naming the ramme twice is listed once
    tal = {t.forslag_id: t for t in Forslagsaar.objects.filter(forslag_id__in=valgt, aar=aar)}
    return [
        {
            "forslag": f,
            "katalog": f.katalog,
            "planlagt": tal[pk].nettodriftsbesparelse if pk in tal and tal[pk].har_drift else None,
        }
        for pk, f in valgt.items()
    ]
