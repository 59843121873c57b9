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


class Forbrug(models.Model):
    """What the ERP booked on a konto in a month. `kontoplan` is empty for a konto left out of the mapping on
    purpose (the import's --udelad-ukendte): its forbrug is "ikke fordelt"."""

    aar = models.ForeignKey(Budgetaar, on_delete=models.CASCADE, related_name="forbrug", verbose_name="år")
    maaned = models.PositiveSmallIntegerField("måned")
    konto = models.CharField("konto", max_length=50)
    kontoplan = models.ForeignKey(Konto, on_delete=models.SET_NULL, null=True, blank=True, related_name="forbrug")
    beloeb = BeloebField("beløb (kr.)")

    class Meta:
        verbose_name = "forbrug"
        verbose_name_plural = "forbrug"
        indexes = [models.Index(fields=["aar", "maaned"], name="forbrug_aar_maaned")]
        constraints = [
            models.UniqueConstraint(fields=["aar", "konto", "maaned"], name="forbrug_unik"),
            models.CheckConstraint(condition=models.Q(maaned__gte=1, maaned__lte=12), name="forbrug_maaned"),
        ]

    def __str__(self):
        return f"{self.konto} {self.maaned}/{self.aar}"


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
