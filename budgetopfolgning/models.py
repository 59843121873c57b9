from decimal import Decimal

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from kerne import roller
from kerne.beloeb import BeloebField
from kerne.email import EmailFelt
from kerne.models import ny_tal_version
from kerne.versioner import Versioneret
from rammer.models import Aktivitetsdel, Budgetaar, Rammedel

ORDENSTAL = {1: "første", 2: "anden", 3: "tredje", 4: "fjerde", 5: "femte", 6: "sjette"}


class OpfoelgningQuerySet(models.QuerySet):
    def for_user(self, user):
        """The rounds a user may see: udvalgsmedlemmer see locked rounds only, open ones are drafts."""
        if not user.is_authenticated:
            return self.none()
        if roller.kun_laeser(user):
            return self.filter(status=Opfoelgning.LAAST)
        return self

    def frosne_aar(self):
        """The years whose master data is frozen: those with a locked round. A locked round lists every udvalg,
        ramme, part and adopted budget of its year, so none of them may be added, renamed or changed after it."""
        return self.filter(status=Opfoelgning.LAAST).values("aar_id")

    def aar_er_frosset(self, aar_id: int) -> bool:
        return self.filter(aar_id=aar_id, status=Opfoelgning.LAAST).exists()


class Opfoelgning(models.Model):
    """A budgetopfølgning (round) of a year. Once locked it is a frozen snapshot."""

    AABEN = "aaben"
    LAAST = "laast"
    STATUSSER = [(AABEN, "Åben"), (LAAST, "Låst")]

    aar = models.ForeignKey(Budgetaar, on_delete=models.PROTECT, related_name="opfoelgninger", verbose_name="år")
    nummer = models.PositiveSmallIntegerField()
    navn = models.CharField(
        "navn", max_length=200, blank=True,
        help_text="Fx »Budgetopfølgning pr. 31. marts 2025«. Tom: »Første budgetopfølgning 2025« osv.",
    )
    bilagsbetegnelse = models.CharField(
        "bilagets nummer", max_length=50, blank=True,
        help_text="Fx »Bilag 3«. Tom: kommunens standard (kommunens indstillinger).",
    )
    pr_dato = models.DateField("pr. dato")
    sagsnr = models.CharField("sagsnr.", max_length=50, blank=True)
    dokumentdato = models.DateField("dokumentets dato")
    kontakt_center = models.CharField("center", max_length=200, blank=True)
    kontakt_navn = models.CharField("kontaktperson", max_length=200, blank=True)
    kontakt_telefon = models.CharField("telefon", max_length=50, blank=True)
    kontakt_email = EmailFelt("e-mail", blank=True)  # økonomi@balk.dk, as the Bilag prints it
    frist = models.DateField(
        "frist", null=True, blank=True,
        help_text="Den dag økonomikonsulenterne senest skal have meldt deres rammer klar til godkendelse.",
    )
    status = models.CharField(max_length=5, choices=STATUSSER, default=AABEN)
    laast_tidspunkt = models.DateTimeField("låst", null=True, blank=True, editable=False)
    laast_af = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        editable=False, verbose_name="låst af",
    )
    # A past round loaded from a file and locked at once (`importer_budget --laas`), not a live round's lock.
    laast_ved_import = models.BooleanField("låst ved import", default=False, editable=False)
    # SHA-256 of the canonical figures at locking; `verificer_runder` recomputes it.
    tal_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    # The Bilag of a locked round is rendered once, at locking, and served as these exact bytes.
    bilag_pdf = models.BinaryField(null=True, blank=True, editable=False)
    bilag_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    # The Bilag is rendered by a background job after the lock has committed (budgetopfolgning/jobs.py). A job that
    # failed leaves its attempts and the kind of error here, shown to Center for Økonomi on the round's page.
    bilag_forsoeg = models.PositiveSmallIntegerField("forsøg på at danne bilaget", default=0, editable=False)
    bilag_fejl = models.CharField("sidste fejl ved dannelse af bilaget", max_length=300, blank=True, editable=False)
    # A new random value at every change to what the round's tables and explanations are made from (mellemlager.py):
    # the cached figures of an open round are keyed on it, so a change is never served from the cache. Random, not a
    # counter: a save of an old copy of the row cannot bring back a value that was used before.
    tal_version = models.CharField(max_length=32, default=ny_tal_version, editable=False)

    objects = OpfoelgningQuerySet.as_manager()

    class Meta:
        ordering = ["-aar__aar", "-nummer"]
        verbose_name = "budgetopfølgning"
        verbose_name_plural = "budgetopfølgninger"
        constraints = [models.UniqueConstraint(fields=["aar", "nummer"], name="opfoelgning_unik")]

    def __str__(self):
        return self.navn or f"{self.nummer}. budgetopfølgning {self.aar.aar}"

    @property
    def bilag_dannes(self) -> bool:
        """Locked, but the job that stores its Bilag has not finished yet (or has failed and will be retried)."""
        return self.status == self.LAAST and not self.bilag_sha256

    @property
    def er_laast(self) -> bool:
        return self.status == self.LAAST

    @property
    def har_tidligere_opfoelgninger(self) -> bool:
        """A year's first round has no earlier korrektioner and no previous forecast: the columns "Tidligere
        korrektioner" and "Udvikling i forventet forbrug siden sidst" exist from the second round on."""
        return self.nummer > 1

    @property
    def ordenstal(self) -> str:
        """'første', 'anden', … as the Bilag writes it ("Tabeloversigter for første budgetopfølgning")."""
        return ORDENSTAL.get(self.nummer, f"{self.nummer}.")

    @property
    def titel(self) -> str:
        """The round's name as a heading: its own name if it has one, else "Første budgetopfølgning 2024"."""
        if self.navn:
            return self.navn
        return f"{self.ordenstal.capitalize()} budgetopfølgning {self.aar.aar}"

    @property
    def runde_navn(self) -> str:
        """The name inside a sentence: "første budgetopfølgning 2024", "budgetopfølgning pr. 31. marts 2025"."""
        if self.navn:
            return self.navn[:1].lower() + self.navn[1:]
        return f"{self.ordenstal} budgetopfølgning {self.aar.aar}"

    @property
    def runde_navn_uden_aar(self) -> str:
        """As `runde_navn`, without the year the ordinal form adds ("resultatet af første budgetopfølgning")."""
        if self.navn:
            return self.runde_navn
        return f"{self.ordenstal} budgetopfølgning"

    @property
    def pr_dato_kort(self) -> str:
        """The short date used in the column header: 29/4-24."""
        return f"{self.pr_dato.day}/{self.pr_dato.month}-{self.pr_dato:%y}"


class Rundetal(Versioneret):
    """The figures a round records for a ramme part or an activity; the ramme's edit page locks them optimistically
    (`kerne.versioner`), line by line."""

    konfliktnavn = ("Rammen", "den")

    korrektioner = BeloebField("korrektioner (kr.)")
    forventet_forbrug = BeloebField("forventet forbrug (kr.)")

    class Meta:
        abstract = True


class Opfoelgningslinje(Rundetal):
    """What a round records for one part of a ramme: this round's korrektioner, the forecast, the why."""

    opfoelgning = models.ForeignKey(Opfoelgning, on_delete=models.CASCADE, related_name="linjer")
    rammedel = models.ForeignKey(Rammedel, on_delete=models.PROTECT, related_name="linjer")
    forklaring = models.TextField(blank=True)
    forventet_overfoersel = BeloebField(
        "forventet overførsel til næste år (kr.)",
        default=Decimal("0"),
        help_text="+ = midler der forventes ført med til næste år.",
    )

    history = HistoricalRecords(excluded_fields=["aendret"])

    class Meta:
        ordering = ["opfoelgning", "rammedel__ramme__sorteringsnoegle", "rammedel__placering"]
        verbose_name = "opfølgningslinje"
        verbose_name_plural = "opfølgningslinjer"
        constraints = [
            models.UniqueConstraint(fields=["opfoelgning", "rammedel"], name="linje_unik"),
        ]

    def __str__(self):
        return f"{self.opfoelgning}: {self.rammedel}"


class Aktivitetslinje(Rundetal):
    """What a round records for one activity of a ramme part: korrektioner and forventet forbrug.

    The ramme part's own line holds their sum (kept by the service that saves them, in the same transaction),
    so every table, hash and Bilag reads the ramme line alone; the explanation stays on the ramme part.
    """

    opfoelgning = models.ForeignKey(Opfoelgning, on_delete=models.CASCADE, related_name="aktivitetslinjer")
    aktivitetsdel = models.ForeignKey(Aktivitetsdel, on_delete=models.PROTECT, related_name="linjer")

    history = HistoricalRecords(excluded_fields=["aendret"])

    class Meta:
        ordering = ["opfoelgning", "aktivitetsdel__aktivitet__sortering", "aktivitetsdel__aktivitet__navn"]
        verbose_name = "aktivitetslinje"
        verbose_name_plural = "aktivitetslinjer"
        constraints = [
            models.UniqueConstraint(fields=["opfoelgning", "aktivitetsdel"], name="aktivitetslinje_unik"),
        ]

    def __str__(self):
        return f"{self.opfoelgning}: {self.aktivitetsdel}"


class Rammestatus(models.Model):
    """Where a ramme stands in a round's review: a konsulent works on it, marks it ready, Center for Økonomi
    approves it or sends it back. No row means *Ikke påbegyndt*.

    The transitions and who may make them are in `budgetopfolgning/gennemgang.py`; the history keeps who and when.
    """

    IKKE_PAABEGYNDT = "ikke_paabegyndt"
    I_GANG = "i_gang"
    KLAR = "klar"
    GODKENDT = "godkendt"
    STATUSSER = [
        (IKKE_PAABEGYNDT, "Ikke påbegyndt"),
        (I_GANG, "I gang"),
        (KLAR, "Klar til godkendelse"),
        (GODKENDT, "Godkendt"),
    ]

    opfoelgning = models.ForeignKey(Opfoelgning, on_delete=models.CASCADE, related_name="rammestatusser")
    ramme = models.ForeignKey("rammer.Bevillingsramme", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=STATUSSER, default=IKKE_PAABEGYNDT)
    aendret = models.DateTimeField("ændret", auto_now=True)
    aendret_af = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="ændret af",
    )

    history = HistoricalRecords(excluded_fields=["aendret"])

    class Meta:
        verbose_name = "rammens status"
        verbose_name_plural = "rammernes status"
        constraints = [models.UniqueConstraint(fields=["opfoelgning", "ramme"], name="rammestatus_unik")]

    def __str__(self):
        return f"{self.opfoelgning}: {self.ramme.nummer} – {self.get_status_display()}"


class Rammekommentar(models.Model):
    """A comment on a ramme in a round: Center for Økonomi asks, the konsulent answers. Kept with the round, never
    printed in the Bilag."""

    opfoelgning = models.ForeignKey(Opfoelgning, on_delete=models.CASCADE, related_name="kommentarer")
    ramme = models.ForeignKey("rammer.Bevillingsramme", on_delete=models.PROTECT, related_name="+")
    forfatter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="forfatter"
    )
    tekst = models.TextField("kommentar", max_length=5000)
    oprettet = models.DateTimeField("skrevet", auto_now_add=True)
    # Set when the comment came with sending the ramme back, so the thread shows why its status changed.
    sendt_tilbage = models.BooleanField("sendt tilbage", default=False)

    class Meta:
        ordering = ["oprettet", "pk"]
        verbose_name = "kommentar til ramme"
        verbose_name_plural = "kommentarer til rammer"

    def __str__(self):
        return f"{self.opfoelgning}: {self.ramme.nummer} ({self.oprettet:%d.%m.%Y})"


class Paamindelse(models.Model):
    """A reminder e-mail sent: at most one a day per recipient and round (`send_paamindelser`)."""

    KONSULENT = "konsulent"
    OVERSIGT = "oversigt"
    SLAGS = [(KONSULENT, "Konsulentens rammer"), (OVERSIGT, "Oversigt til Center for Økonomi")]

    opfoelgning = models.ForeignKey(Opfoelgning, on_delete=models.CASCADE, related_name="paamindelser")
    modtager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Someone who is both Center for Økonomi and konsulent gets both e-mails, each once a day.
    slags = models.CharField(max_length=10, choices=SLAGS, default=KONSULENT)
    dato = models.DateField()
    sendt = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "påmindelse"
        verbose_name_plural = "påmindelser"
        constraints = [
            models.UniqueConstraint(
                fields=["opfoelgning", "modtager", "slags", "dato"], name="paamindelse_en_om_dagen"
            )
        ]

    def __str__(self):
        return f"Påmindelse til {self.modtager} om {self.opfoelgning} ({self.dato:%d.%m.%Y})"
