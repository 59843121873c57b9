"""Master data: budget years, udvalg, bevillingsrammer and their parts inside/outside the serviceramme, activities,
and who is responsible for which ramme. Rounds are built on these."""

from decimal import Decimal

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Sum

from kerne.beloeb import BeloebField

RAMME_NUMMER_REGEX = r"^[0-9]{2}\.[0-9]{2}$"
ramme_nummer_validator = RegexValidator(RAMME_NUMMER_REGEX, "Rammenummeret skal have formen NN.NN, fx 30.46.")
udvalgskode_validator = RegexValidator(
    r"^[A-Za-zÆØÅæøå0-9-]+$", "Forkortelsen må kun indeholde bogstaver, tal og bindestreg, fx BSU."
)


class Budgetaar(models.Model):
    aar = models.PositiveSmallIntegerField("år", unique=True)
    serviceramme = BeloebField(
        "serviceramme (kr.)",
        null=True,
        blank=True,
        default=None,
        help_text="Tom: summen af oprindeligt budget inden for servicerammen.",
    )
    forklaringsgraense = BeloebField(
        "grænse for krav om forklaring (kr.)",
        default=Decimal("1000000"),
        help_text="En rammedel med numerisk afvigelse på mindst dette beløb skal have en forklaring.",
    )

    class Meta:
        ordering = ["-aar"]
        verbose_name = "budgetår"
        verbose_name_plural = "budgetår"

    def __str__(self):
        return str(self.aar)

    def serviceramme_beloeb(self) -> Decimal:
        """The year's serviceramme: set explicitly, or else the adopted budget inside it."""
        if self.serviceramme is not None:
            return self.serviceramme
        return Rammedel.objects.filter(ramme__aar=self, placering=Rammedel.INDEN).aggregate(
            total=Sum("oprindeligt_budget", default=Decimal("0"))
        )["total"]


class Udvalg(models.Model):
    aar = models.ForeignKey(Budgetaar, on_delete=models.CASCADE, related_name="udvalg", verbose_name="år")
    navn = models.CharField(max_length=200)
    kode = models.CharField("forkortelse", max_length=20, validators=[udvalgskode_validator])
    raekkefoelge = models.PositiveSmallIntegerField("rækkefølge", default=0)

    class Meta:
        ordering = ["aar", "raekkefoelge", "navn"]
        verbose_name = "udvalg"
        verbose_name_plural = "udvalg"
        constraints = [
            models.UniqueConstraint(fields=["aar", "kode"], name="udvalg_unik_kode"),
            models.UniqueConstraint(fields=["aar", "navn"], name="udvalg_unikt_navn"),
        ]

    def __str__(self):
        return f"{self.navn} ({self.aar_id and self.aar.aar})"


class Bevillingsramme(models.Model):
    aar = models.ForeignKey(Budgetaar, on_delete=models.CASCADE, related_name="rammer", verbose_name="år")
    udvalg = models.ForeignKey(Udvalg, on_delete=models.PROTECT, related_name="rammer")
    nummer = models.CharField(max_length=5, validators=[ramme_nummer_validator])
    navn = models.CharField(max_length=200)

    class Meta:
        ordering = ["aar", "nummer"]
        verbose_name = "bevillingsramme"
        verbose_name_plural = "bevillingsrammer"
        constraints = [models.UniqueConstraint(fields=["aar", "nummer"], name="ramme_unikt_nummer")]

    def __str__(self):
        return f"{self.nummer} {self.navn}"


class Rammedel(models.Model):
    """The part of a ramme inside or outside the serviceramme, with its adopted budget.

    The adopted budget does not change during the year; korrektioner are recorded per round.
    """

    INDEN = "inden"
    UDEN = "uden"
    DELE = [(INDEN, "Inden for servicerammen"), (UDEN, "Uden for servicerammen")]

    ramme = models.ForeignKey(Bevillingsramme, on_delete=models.CASCADE, related_name="dele")
    placering = models.CharField("placering", max_length=5, choices=DELE)
    oprindeligt_budget = BeloebField("oprindeligt budget (kr.)")

    class Meta:
        ordering = ["ramme", "placering"]
        verbose_name = "rammedel"
        verbose_name_plural = "rammedele"
        constraints = [models.UniqueConstraint(fields=["ramme", "placering"], name="rammedel_unik")]

    def __str__(self):
        return f"{self.ramme} – {self.get_placering_display().lower()}"


class Rammeansvar(models.Model):
    """An økonomikonsulent is responsible for a ramme in a year, and may edit it while a round is open."""

    bruger = models.ForeignKey(
        "auth.User", on_delete=models.CASCADE, related_name="rammeansvar", verbose_name="økonomikonsulent"
    )
    ramme = models.ForeignKey(Bevillingsramme, on_delete=models.CASCADE, related_name="ansvarlige")

    class Meta:
        verbose_name = "ansvar for ramme"
        verbose_name_plural = "ansvar for rammer"
        constraints = [models.UniqueConstraint(fields=["bruger", "ramme"], name="rammeansvar_unikt")]

    def __str__(self):
        return f"{self.bruger} – {self.ramme} ({self.ramme.aar_id and self.ramme.aar.aar})"


class Aktivitet(models.Model):
    """A line inside a ramme (Forebyggende indsatser, Lønsum, …) with the same budget columns as the ramme.

    A ramme belongs to one year, so an activity does too. Round lines per activity can point here later; the
    ramme's figures are then the sum of its activities.
    """

    ramme = models.ForeignKey(Bevillingsramme, on_delete=models.CASCADE, related_name="aktiviteter")
    navn = models.CharField(max_length=200)
    andet_navn = models.CharField(
        "andet navn", max_length=200, blank=True, help_text="Et navn aktiviteten også omtales under i teksterne."
    )
    sortering = models.PositiveSmallIntegerField(default=0)
    beskrivelse = models.TextField(blank=True)

    class Meta:
        ordering = ["ramme", "sortering", "navn"]
        verbose_name = "aktivitet"
        verbose_name_plural = "aktiviteter"
        constraints = [models.UniqueConstraint(fields=["ramme", "navn"], name="aktivitet_unikt_navn")]

    def __str__(self):
        return f"{self.ramme.nummer} {self.navn}"


class Aktivitetsdel(models.Model):
    """An activity's part inside or outside the serviceramme, with its adopted budget.

    Where a ramme part has activity parts, the activities carry its figures in the rounds: the konsulent enters
    them per activity, and the ramme part's figures are their sum.
    """

    aktivitet = models.ForeignKey(Aktivitet, on_delete=models.CASCADE, related_name="dele")
    placering = models.CharField("placering", max_length=5, choices=Rammedel.DELE)
    oprindeligt_budget = BeloebField("oprindeligt budget (kr.)")

    class Meta:
        ordering = ["aktivitet__sortering", "aktivitet__navn", "placering"]
        verbose_name = "aktivitetsdel"
        verbose_name_plural = "aktivitetsdele"
        constraints = [models.UniqueConstraint(fields=["aktivitet", "placering"], name="aktivitetsdel_unik")]

    def __str__(self):
        return f"{self.aktivitet} – {self.get_placering_display().lower()}"
