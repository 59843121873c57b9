from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from simple_history.models import HistoricalRecords

from kerne.beloeb import BeloebField
from kerne.fortegn import afvigelse, resultat_efter_overfoersler
from kerne.nummerering import BALLERUP_RAMMENUMMER, KODE_MAKS, NaturligNoegleField, kode_validator
from kerne.versioner import Versioneret

# Ballerup's NN.NN: the default form the imports check a ramme number against (a kommune setting,
# `kerne.models.Kommune.rammenummer_form`); the model itself takes any kommune's code.
RAMME_NUMMER_REGEX = BALLERUP_RAMMENUMMER
ramme_nummer_validator = kode_validator
udvalgskode_validator = kode_validator


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
    vis_overfoersler = models.BooleanField(
        "vis overførsler i tabellerne",
        default=False,
        help_text="Tabel 1 og 2 (siden, bilaget og regnearket) får kolonnerne forventet overførsel og forventet "
        "resultat inkl. overførsler.",
    )
    # A new random value with every change to the year's forbrug, kontoplan or periodisering, or to the forbrug of the
    # earlier years its periodisering reads (forbrug/signaler.py): the key of the year's forbrug sums in the cache.
    forbrug_version = models.CharField(max_length=32, default="", editable=False)

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
    kode = models.CharField("forkortelse", max_length=KODE_MAKS, validators=[kode_validator])
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
    nummer = models.CharField(
        max_length=KODE_MAKS, validators=[kode_validator],
        help_text="Kommunens eget nummer: bogstaver, tal, punktum og bindestreg, fx 30.46, 60, 5.1 eller BUV-3.",
    )
    # The number's natural order ("2.9" before "2.10"), so every list of rammer can be ordered by the database.
    sorteringsnoegle = NaturligNoegleField(kilde="nummer")
    navn = models.CharField(max_length=200)

    class Meta:
        ordering = ["aar", "sorteringsnoegle", "nummer"]
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
    overfoert_fra_sidste_aar = BeloebField(
        "overført fra sidste år (kr.)",
        default=Decimal("0"),
        help_text="Fra sidste års regnskab (+ = uforbrugte midler ført med ind i året).",
    )

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


# --- The ramme in depth: description, activities, årsregnskab, ledelsesinformation, budget models ---------


class Rammebeskrivelse(models.Model):
    """What the ramme covers, in a few sentences for the reader of its page.

    Kept apart from `Bevillingsramme` so the appropriation itself stays as the import made it.
    """

    ramme = models.OneToOneField(Bevillingsramme, on_delete=models.CASCADE, related_name="beskrivelse")
    tekst = models.TextField("beskrivelse")

    class Meta:
        verbose_name = "beskrivelse af ramme"
        verbose_name_plural = "beskrivelser af rammer"

    def __str__(self):
        return f"Beskrivelse af {self.ramme}"


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


class Aarsregnskab(Versioneret):
    """The annual accounts of a ramme: the year's closing figures live on its lines, one per activity.

    Its version counts saves of the accounts and of their lines alike: the edit page edits them together.
    """

    konfliktnavn = ("Årsregnskabet", "det")

    ramme = models.OneToOneField(Bevillingsramme, on_delete=models.CASCADE, related_name="aarsregnskab")
    korrigeret_budget_pr = models.DateField(
        "korrigeret budget pr.", null=True, blank=True, help_text="Datoen korrigeret budget er opgjort pr."
    )
    forklaring = models.TextField("samlet forklaring", blank=True)

    history = HistoricalRecords(excluded_fields=["aendret"])

    class Meta:
        verbose_name = "årsregnskab"
        verbose_name_plural = "årsregnskaber"

    def __str__(self):
        return f"Årsregnskab {self.ramme.aar_id and self.ramme.aar.aar} for {self.ramme}"


class Regnskabslinje(models.Model):
    """An activity's (or, for a ramme without activities, the ramme's own) figures in the årsregnskab.

    Resultat efter overførsler is derived and therefore never stored.
    """

    aarsregnskab = models.ForeignKey(Aarsregnskab, on_delete=models.CASCADE, related_name="linjer")
    aktivitet = models.ForeignKey(
        Aktivitet, on_delete=models.PROTECT, null=True, blank=True, related_name="regnskabslinjer",
        help_text="Tom: rammens egne tal (kun for en ramme uden aktiviteter).",
    )
    vedtaget_budget = BeloebField("vedtaget budget (kr.)")
    korrigeret_budget = BeloebField("korrigeret budget (kr.)")
    regnskab = BeloebField("regnskab (kr.)")
    overfoert = BeloebField("overført til næste år (kr.)")
    forklaring = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["aarsregnskab", "aktivitet__sortering"]
        verbose_name = "regnskabslinje"
        verbose_name_plural = "regnskabslinjer"
        constraints = [
            models.UniqueConstraint(fields=["aarsregnskab", "aktivitet"], name="regnskabslinje_unik_aktivitet"),
            models.UniqueConstraint(
                fields=["aarsregnskab"], condition=Q(aktivitet__isnull=True), name="regnskabslinje_en_rammelinje"
            ),
        ]

    def __str__(self):
        return f"{self.aarsregnskab}: {self.aktivitet.navn if self.aktivitet is not None else 'rammen'}"

    @property
    def resultat_efter_overfoersler(self) -> Decimal:
        return resultat_efter_overfoersler(self.regnskab, self.overfoert, self.korrigeret_budget)


class Regnskabsbemaerkning(models.Model):
    """A remark under the accounts: a budget move between rammer, an item from the year's budget agreement."""

    aarsregnskab = models.ForeignKey(Aarsregnskab, on_delete=models.CASCADE, related_name="bemaerkninger")
    sortering = models.PositiveSmallIntegerField(default=0)
    overskrift = models.CharField(max_length=300)
    tekst = models.TextField(blank=True)

    class Meta:
        ordering = ["aarsregnskab", "sortering"]
        verbose_name = "bemærkning til årsregnskab"
        verbose_name_plural = "bemærkninger til årsregnskab"

    def __str__(self):
        return self.overskrift


class Ledelsesinformation(Versioneret):
    """The management information of a ramme in a year (the kommune's monthly ledelsesinformation report),
    updated in place as estimates come in.

    The monthly snapshots and the history of the edited models keep what earlier versions said. Its version counts
    saves through any of its edit pages (skøn, estimat, månedsstatus, underretninger): each page carries it.
    """

    konfliktnavn = ("Ledelsesinformationen", "den")

    ramme = models.OneToOneField(Bevillingsramme, on_delete=models.CASCADE, related_name="ledelsesinformation")
    rapportdato = models.DateField("rapportens dato")
    navn_i_rapporten = models.CharField("rammens navn i rapporten", max_length=200, blank=True)
    resume = models.TextField("resumé", blank=True)
    estimat_pr = models.DateField("estimat pr.", null=True, blank=True)
    estimat_forklaring = models.TextField("forklaring til estimatet", blank=True)
    kategori_note = models.TextField("note til aktivitetskategorierne", blank=True)
    maaned_beskrivelse = models.TextField("om månedsstatus", blank=True)
    underretninger_tekst = models.TextField("om underretninger", blank=True)
    boern_og_unge_ca = models.PositiveIntegerField("børn og unge 0-18 år (ca.)", null=True, blank=True)
    med_specialiseret_indsats_ca = models.PositiveIntegerField(
        "børn og unge med en specialiseret indsats (ca.)", null=True, blank=True
    )

    history = HistoricalRecords(excluded_fields=["aendret"])

    class Meta:
        verbose_name = "ledelsesinformation"
        verbose_name_plural = "ledelsesinformation"

    def __str__(self):
        return f"Ledelsesinformation {self.ramme.aar_id and self.ramme.aar.aar} for {self.ramme}"


class Aktivitetskategori(models.Model):
    """A konto within the ramme, with the budget basis (enhedspris × helårsbrugere) and the current estimate."""

    FOREBYGGENDE = "forebyggende"
    FOREGRIBENDE = "foregribende"
    INDGRIBENDE = "indgribende"
    GRUPPER = [
        (FOREBYGGENDE, "Forebyggende"),
        (FOREGRIBENDE, "Foregribende"),
        (INDGRIBENDE, "Indgribende"),
    ]

    ledelsesinformation = models.ForeignKey(Ledelsesinformation, on_delete=models.CASCADE, related_name="kategorier")
    sortering = models.PositiveSmallIntegerField(default=0)
    gruppe = models.CharField(max_length=12, choices=GRUPPER)
    konto = models.CharField(max_length=20)
    navn = models.CharField(max_length=200)
    budget_enhedspris = BeloebField("budget: enhedspris (kr.)")
    budget_helaarsbrugere = models.DecimalField("budget: helårsbrugere", max_digits=9, decimal_places=2)
    aktuel_enhedspris = BeloebField("aktuel enhedspris (kr.)", null=True, blank=True, default=None)
    aktuelle_helaarsbrugere = models.DecimalField(
        "aktuelle helårsbrugere", max_digits=9, decimal_places=2, null=True, blank=True
    )
    forrige_skoen = BeloebField(
        "forventet forbrug ved forrige skøn (kr.)", null=True, blank=True, default=None,
        help_text="Sættes, når et nyt skøn gemmes, så udviklingen siden sidst kan vises.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["ledelsesinformation", "sortering", "konto"]
        verbose_name = "aktivitetskategori"
        verbose_name_plural = "aktivitetskategorier"
        constraints = [
            models.UniqueConstraint(fields=["ledelsesinformation", "konto"], name="kategori_unik_konto"),
        ]

    def __str__(self):
        return f"{self.konto} {self.navn}"

    @property
    def budget(self) -> Decimal:
        return self.budget_enhedspris * self.budget_helaarsbrugere

    @property
    def forventet_forbrug(self) -> Decimal | None:
        """Aktuel enhedspris × aktuelle helårsbrugere; None until both are estimated."""
        if self.aktuel_enhedspris is None or self.aktuelle_helaarsbrugere is None:
            return None
        return self.aktuel_enhedspris * self.aktuelle_helaarsbrugere

    @property
    def udvikling(self) -> Decimal | None:
        """Change in forventet forbrug since the previous estimate (+ = higher now)."""
        if self.forventet_forbrug is None or self.forrige_skoen is None:
            return None
        return self.forventet_forbrug - self.forrige_skoen


class Estimatlinje(models.Model):
    """A row of the estimate table: a myndighed level (or the state refund) or an afdeling."""

    MYNDIGHED = "myndighed"
    AFDELING = "afdeling"
    GRUPPER = [(MYNDIGHED, "Myndighed"), (AFDELING, "Afdelinger")]

    ledelsesinformation = models.ForeignKey(Ledelsesinformation, on_delete=models.CASCADE, related_name="estimat")
    gruppe = models.CharField(max_length=10, choices=GRUPPER)
    sortering = models.PositiveSmallIntegerField(default=0)
    navn = models.CharField(max_length=200)
    korrigeret_budget = BeloebField("korrigeret budget (kr.)")
    forventet_forbrug = BeloebField("forventet forbrug (kr.)")

    history = HistoricalRecords()

    class Meta:
        ordering = ["ledelsesinformation", "-gruppe", "sortering"]
        verbose_name = "estimatlinje"
        verbose_name_plural = "estimatlinjer"
        constraints = [
            models.UniqueConstraint(fields=["ledelsesinformation", "gruppe", "navn"], name="estimatlinje_unik"),
        ]

    def __str__(self):
        return self.navn

    @property
    def afvigelse(self) -> Decimal:
        return afvigelse(self.forventet_forbrug, self.korrigeret_budget)


class Estimatdel(models.Model):
    """The estimate of the whole ramme split into inside and outside the serviceramme."""

    ledelsesinformation = models.ForeignKey(
        Ledelsesinformation, on_delete=models.CASCADE, related_name="estimatdele"
    )
    placering = models.CharField(max_length=5, choices=Rammedel.DELE)
    korrigeret_budget = BeloebField("korrigeret budget (kr.)")
    forventet_forbrug = BeloebField("forventet forbrug (kr.)")

    history = HistoricalRecords()

    class Meta:
        ordering = ["ledelsesinformation", "placering"]
        verbose_name = "estimat inden for/uden for servicerammen"
        verbose_name_plural = "estimater inden for/uden for servicerammen"
        constraints = [
            models.UniqueConstraint(fields=["ledelsesinformation", "placering"], name="estimatdel_unik"),
        ]

    def __str__(self):
        return self.get_placering_display()

    @property
    def afvigelse(self) -> Decimal:
        return afvigelse(self.forventet_forbrug, self.korrigeret_budget)


class Maanedsstatus(models.Model):
    """The forecast as it stood at the end of a month: one point of the line drawn against the budget."""

    ledelsesinformation = models.ForeignKey(
        Ledelsesinformation, on_delete=models.CASCADE, related_name="maanedsstatus"
    )
    maaned = models.PositiveSmallIntegerField("måned", validators=[MinValueValidator(1), MaxValueValidator(12)])
    forventet_forbrug = BeloebField("forventet forbrug (kr.)")
    budget = BeloebField("korrigeret budget (kr.)")
    antaget = models.BooleanField(
        default=False, help_text="Punktet er afledt af et estimat og ikke indberettet som månedsstatus."
    )
    kilde = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["ledelsesinformation", "maaned"]
        verbose_name = "månedsstatus"
        verbose_name_plural = "månedsstatus"
        constraints = [
            models.UniqueConstraint(fields=["ledelsesinformation", "maaned"], name="maanedsstatus_unik"),
            models.CheckConstraint(condition=Q(maaned__gte=1, maaned__lte=12), name="maanedsstatus_maaned"),
        ]

    def __str__(self):
        return f"{self.ledelsesinformation}: måned {self.maaned}"

    @property
    def afvigelse(self) -> Decimal:
        return afvigelse(self.forventet_forbrug, self.budget)


class Underretningstal(models.Model):
    """How many underretninger came in during a year or (with `maaned`) a month of it."""

    ledelsesinformation = models.ForeignKey(
        Ledelsesinformation, on_delete=models.CASCADE, related_name="underretninger"
    )
    aar = models.PositiveSmallIntegerField("år")
    maaned = models.PositiveSmallIntegerField(
        "måned", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="Tom: hele året (eller året til og med datoen).",
    )
    antal = models.PositiveIntegerField()
    til_og_med = models.DateField(
        "opgjort til og med", null=True, blank=True, help_text="For et år der ikke er slut endnu."
    )

    class Meta:
        ordering = ["ledelsesinformation", "aar", "maaned"]
        verbose_name = "antal underretninger"
        verbose_name_plural = "antal underretninger"
        constraints = [
            models.UniqueConstraint(
                fields=["ledelsesinformation", "aar", "maaned"], name="underretninger_unik_maaned"
            ),
            models.UniqueConstraint(
                fields=["ledelsesinformation", "aar"], condition=Q(maaned__isnull=True),
                name="underretninger_unikt_aar",
            ),
        ]

    def __str__(self):
        return f"{self.aar}{f'-{self.maaned:02d}' if self.maaned else ''}: {self.antal}"


class Fokusomraade(models.Model):
    """An area singled out for close follow-up, tied to its konto for the figures."""

    ledelsesinformation = models.ForeignKey(
        Ledelsesinformation, on_delete=models.CASCADE, related_name="fokusomraader"
    )
    sortering = models.PositiveSmallIntegerField(default=0)
    titel = models.CharField(max_length=200)
    kategori = models.ForeignKey(
        Aktivitetskategori, on_delete=models.SET_NULL, null=True, blank=True, related_name="fokusomraader"
    )
    tekst = models.TextField()
    mangler = models.TextField("mangler i opgørelsen", blank=True)

    class Meta:
        ordering = ["ledelsesinformation", "sortering"]
        verbose_name = "fokusområde"
        verbose_name_plural = "fokusområder"

    def __str__(self):
        return self.titel


class Ydelse(Versioneret):
    """A transfer payment in a ramme's budget model (the kommune's unit price × users sheet): helårspersoner ×
    gennemsnitspris is the gross expense, and the state refunds a percentage of it; the rest is the kommune's net
    expense.

    The budget model page carries each ydelse's version, as the ramme's edit page carries each line's.
    """

    konfliktnavn = ("Budgetmodellen", "den")

    ramme = models.ForeignKey(Bevillingsramme, on_delete=models.CASCADE, related_name="ydelser")
    sortering = models.PositiveSmallIntegerField(default=0)
    navn = models.CharField(max_length=200)
    gruppe = models.CharField(max_length=200, blank=True)
    helaarspersoner = models.DecimalField("helårspersoner", max_digits=9, decimal_places=2)
    gennemsnitspris = BeloebField("gennemsnitspris pr. helårsperson (kr.)")
    statsrefusion_pct = models.DecimalField(
        "statsrefusion (pct.)", max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    eksempeltal = models.BooleanField(
        default=False, help_text="Pris og refusion er eksempeltal til demonstration, ikke kommunens tal."
    )

    history = HistoricalRecords(excluded_fields=["aendret"])

    class Meta:
        ordering = ["ramme", "sortering", "navn"]
        verbose_name = "ydelse i budgetmodel"
        verbose_name_plural = "ydelser i budgetmodel"
        constraints = [
            models.UniqueConstraint(fields=["ramme", "navn"], name="ydelse_unikt_navn"),
            models.CheckConstraint(
                condition=Q(statsrefusion_pct__gte=0, statsrefusion_pct__lte=100), name="ydelse_refusion_pct"
            ),
        ]

    def __str__(self):
        return f"{self.ramme.nummer} {self.navn}"

    @property
    def brutto(self) -> Decimal:
        """Helårspersoner × gennemsnitspris: what the ydelse costs before the state's refund."""
        return self.helaarspersoner * self.gennemsnitspris

    @property
    def refusion(self) -> Decimal:
        return self.brutto * self.statsrefusion_pct / 100

    @property
    def netto(self) -> Decimal:
        """The kommune's net expense: brutto less the state's refund."""
        return self.brutto - self.refusion
