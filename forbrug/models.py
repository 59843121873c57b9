"""Forbrug from the ERP per konto and month, the kontoplan that maps each konto to a ramme part, and how a year's
budget is spread over its months (periodisering).

Forbrug is kept per konto as the ERP books it; it reaches a ramme part through the konto's mapping, so a mapping
corrected later moves its forbrug with it, and forbrug whose konto is not mapped stays visible as "ikke fordelt".
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models

from kerne.beloeb import BeloebField, UgyldigtTal, parse_dansk_tal, redigerbart
from rammer.models import Aktivitet, Budgetaar, Rammedel

HUNDREDE = Decimal("100")


class Konto(models.Model):
    """A konto of the kommune's kontoplan in a year, mapped to one ramme part (and perhaps one of its activities)."""

    aar = models.ForeignKey(Budgetaar, on_delete=models.CASCADE, related_name="konti", verbose_name="år")
    konto = models.CharField("konto", max_length=50)
    rammedel = models.ForeignKey(Rammedel, on_delete=models.CASCADE, related_name="konti")
    aktivitet = models.ForeignKey(Aktivitet, on_delete=models.SET_NULL, null=True, blank=True, related_name="konti")

    class Meta:
        ordering = ["aar", "konto"]
        verbose_name = "konto"
        verbose_name_plural = "kontoplan"
        constraints = [models.UniqueConstraint(fields=["aar", "konto"], name="konto_unik")]

    def __str__(self):
        return f"{self.konto} ({self.aar})"

    def clean(self):
        if self.rammedel_id and self.aar_id and self.rammedel.ramme.aar_id != self.aar_id:
            raise ValidationError({"rammedel": "Rammedelen hører til et andet år end kontoen."})
        if self.aktivitet is not None and self.rammedel_id and self.aktivitet.ramme_id != self.rammedel.ramme_id:
            raise ValidationError({"aktivitet": "Aktiviteten hører ikke til rammen."})


# The months' columns of a Forbrug row, in order: maaned_1 (januar) … maaned_12 (december).
MAANEDSFELTER = tuple(f"maaned_{m}" for m in range(1, 13))


class Forbrug(models.Model):
    """What the ERP booked on a konto in a year, month by month: one row per konto and year, a column per month,
    empty (NULL) where no forbrug for that month has been imported for the konto. `kontoplan` is empty for a konto not
    in the year's kontoplan, left out on purpose (the import's --udelad-ukendte): its forbrug is "ikke fordelt".

    A year's file of 12 months × 8.300 konti is 8.300 rows here, not 100.000: the import writes, and every page sums,
    a twelfth of the rows a row per konto and month would take.
    """

    # No index of its own: the unique constraint's index (aar, konto) finds a year's rows, one index less to write.
    aar = models.ForeignKey(
        Budgetaar, on_delete=models.CASCADE, related_name="forbrug", verbose_name="år", db_index=False
    )
    konto = models.CharField("konto", max_length=50)
    # The konto's mapping, found by year and konto (no column of its own): a konto mapped, moved or taken out of the
    # kontoplan after its forbrug was imported takes its forbrug along, and writing forbrug checks no key per row.
    kontoplan = models.ForeignObject(
        Konto,
        on_delete=models.DO_NOTHING,
        from_fields=["aar", "konto"],
        to_fields=["aar", "konto"],
        related_name="forbrug",
        null=True,
    )
    maaned_1 = BeloebField("januar", null=True, blank=True, default=None)
    maaned_2 = BeloebField("februar", null=True, blank=True, default=None)
    maaned_3 = BeloebField("marts", null=True, blank=True, default=None)
    maaned_4 = BeloebField("april", null=True, blank=True, default=None)
    maaned_5 = BeloebField("maj", null=True, blank=True, default=None)
    maaned_6 = BeloebField("juni", null=True, blank=True, default=None)
    maaned_7 = BeloebField("juli", null=True, blank=True, default=None)
    maaned_8 = BeloebField("august", null=True, blank=True, default=None)
    maaned_9 = BeloebField("september", null=True, blank=True, default=None)
    maaned_10 = BeloebField("oktober", null=True, blank=True, default=None)
    maaned_11 = BeloebField("november", null=True, blank=True, default=None)
    maaned_12 = BeloebField("december", null=True, blank=True, default=None)

    class Meta:
        verbose_name = "forbrug"
        verbose_name_plural = "forbrug"
        constraints = [models.UniqueConstraint(fields=["aar", "konto"], name="forbrug_konto_unik")]

    def __str__(self):
        return f"{self.konto} {self.aar}"

    def maanedsbeloeb(self) -> dict[int, Decimal]:
        """The imported months' amounts, {month: kroner}."""
        return {m: b for m, felt in enumerate(MAANEDSFELTER, 1) if (b := getattr(self, felt)) is not None}


class Periodiseringsvalg(models.Model):
    LIGELIG = "ligelig"
    SIDSTE_AAR = "sidste_aar"
    GENNEMSNIT = "gennemsnit"
    MANUEL = "manuel"
    METODER = [
        (LIGELIG, "Ligelig (1/12 pr. måned)"),
        (SIDSTE_AAR, "Sidste års forbrugsprofil"),
        (GENNEMSNIT, "Gennemsnit af op til tre tidligere års profiler"),
        (MANUEL, "Manuel (12 procenter)"),
    ]

    metode = models.CharField(max_length=12, choices=METODER)
    procenter = models.CharField(
        max_length=200,
        blank=True,
        help_text="Kun ved manuel: 12 procenter adskilt af semikolon, der summerer til 100, fx 8,5;8,5;…",
    )

    class Meta:
        abstract = True

    def maanedsprocenter(self) -> list[Decimal]:
        """The 12 monthly percentages of a manual periodisering. Raises ValidationError (Danish) when they are not 12
        numbers of at most two decimals, none negative, summing to exactly 100."""
        dele = self.procenter.split(";")
        if len(dele) != 12:
            besked = f"Der skal være 12 procenter adskilt af semikolon; der er {len(dele)}."
            raise ValidationError({"procenter": besked})
        tal = []
        for nr, del_ in enumerate(dele, start=1):
            try:
                procent = parse_dansk_tal(del_, decimaler=2)
            except UgyldigtTal as exc:
                raise ValidationError({"procenter": f"Måned {nr}: {exc}"}) from exc
            if procent < 0:
                raise ValidationError({"procenter": f"Måned {nr}: en procent kan ikke være negativ."})
            tal.append(procent)
        if sum(tal) != HUNDREDE:
            raise ValidationError(
                {"procenter": f"Procenterne summerer til {redigerbart(sum(tal, Decimal(0)))}, ikke 100."}
            )
        return tal

    def clean(self):
        if self.metode == self.MANUEL:
            self.maanedsprocenter()
        elif self.procenter.strip():
            raise ValidationError({"procenter": "Procenter bruges kun ved manuel periodisering."})


class Aarsperiodisering(Periodiseringsvalg):
    """The year's default periodisering; without one, the default rule in `forbrug.selectors` applies."""

    aar = models.OneToOneField(Budgetaar, on_delete=models.CASCADE, related_name="periodisering", verbose_name="år")

    class Meta:
        verbose_name = "periodisering for et år"
        verbose_name_plural = "periodisering for år"

    def __str__(self):
        return f"{self.aar}: {self.get_metode_display()}"


class Rammeperiodisering(Periodiseringsvalg):
    """A ramme part's own periodisering, overriding the year's."""

    rammedel = models.OneToOneField(Rammedel, on_delete=models.CASCADE, related_name="periodisering")

    class Meta:
        verbose_name = "periodisering for en rammedel"
        verbose_name_plural = "periodisering for rammedele"

    def __str__(self):
        return f"{self.rammedel}: {self.get_metode_display()}"
