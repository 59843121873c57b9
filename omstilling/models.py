"""The savings-proposal register (omstillingsforslag): a catalogue per budget year, its proposals with their
per-year economics, and the follow-up of each proposal at every budgetopfølgning.

Amounts are kroner with savings positive, as the proposal forms print them. The overview prints the opposite sign
(− = mindreudgift); that flip happens where the overview is computed, never in storage. Computed figures
(nettodriftsbesparelse, samlet nettobesparelse) are properties, never columns.
"""

from decimal import Decimal

from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from kerne.beloeb import NUL, BeloebField
from kerne.models import ny_tal_version
from kerne.nummerering import KODE_MAKS
from kerne.versioner import Versioneret
from rammer.models import ramme_nummer_validator

# TMU-01, KFU-04A, ØKU-11: the udvalg's abbreviation, a two-digit number and an optional letter.
NR_MOENSTER = r"[A-ZÆØÅ]{2,6}-\d{2}[A-Z]?"
nr_validator = RegexValidator(
    rf"^{NR_MOENSTER}$", "Nummeret skal have formen UDVALG-NN eller UDVALG-NNA, fx TMU-01 eller KFU-04A."
)
kode_validator = RegexValidator(r"^[A-ZÆØÅ]{2,6}$", "Forkortelsen skal være 2–6 store bogstaver, fx TMU.")


class Katalog(models.Model):
    """The proposals taken into one budget (budget 2019), covering several budget years (2019–2022)."""

    aar = models.PositiveSmallIntegerField("budgetår", unique=True)
    aar_fra = models.PositiveSmallIntegerField("første år")
    aar_til = models.PositiveSmallIntegerField("sidste år")
    titel = models.CharField(max_length=200)
    dato = models.DateField("dato", null=True, blank=True)
    sagsnr = models.CharField("sagsnr.", max_length=50, blank=True)
    # A new random value with every change to what the overview shows (omstilling/mellemlager.py): the overview page's
    # cached tables are keyed on it.
    tal_version = models.CharField(max_length=32, default=ny_tal_version, editable=False)

    class Meta:
        ordering = ["-aar"]
        verbose_name = "katalog over omstillingsforslag"
        verbose_name_plural = "kataloger over omstillingsforslag"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(aar_fra__lte=models.F("aar_til")), name="katalog_aar_fra_foer_til"
            ),
        ]

    def __str__(self):
        return self.titel

    @property
    def aarene(self) -> list[int]:
        """The budget years the catalogue covers, in order: the columns of every table."""
        return list(range(self.aar_fra, self.aar_til + 1))

    def daekker(self, aar: int) -> bool:
        """Whether the catalogue is running in a year, i.e. its proposals are followed up in that year's rounds."""
        return self.aar_fra <= aar <= self.aar_til


class Krav(models.Model):
    """The savings target for one year: the catalogue must find at least this much (positive kroner)."""

    katalog = models.ForeignKey(Katalog, on_delete=models.CASCADE, related_name="krav")
    aar = models.PositiveSmallIntegerField("år")
    beloeb = BeloebField("krav (kr.)")

    class Meta:
        ordering = ["katalog", "aar"]
        verbose_name = "krav"
        verbose_name_plural = "krav"
        constraints = [models.UniqueConstraint(fields=["katalog", "aar"], name="krav_unikt_aar")]

    def __str__(self):
        return f"Krav {self.aar}"


class Katalogudvalg(models.Model):
    """An udvalg as the catalogue names it. Names and abbreviations change between election periods, so the
    catalogue keeps its own rather than pointing at the udvalg of a budget year that may not exist."""

    katalog = models.ForeignKey(Katalog, on_delete=models.CASCADE, related_name="udvalg")
    kode = models.CharField("forkortelse", max_length=6, validators=[kode_validator])
    navn = models.CharField(max_length=200)
    raekkefoelge = models.PositiveSmallIntegerField("rækkefølge", default=0)

    class Meta:
        ordering = ["katalog", "raekkefoelge", "kode"]
        verbose_name = "udvalg i kataloget"
        verbose_name_plural = "udvalg i kataloget"
        constraints = [models.UniqueConstraint(fields=["katalog", "kode"], name="katalogudvalg_unik_kode")]

    def __str__(self):
        return self.navn


class Forslag(Versioneret):
    """One omstillingsforslag as its form describes it.

    Its version counts saves of the proposal and of its years and rammer alike: the edit page edits them together.
    """

    konfliktnavn = ("Forslaget", "det")

    MEDTAGET = "medtaget"
    IKKE_MEDTAGET = "ikke_medtaget"
    STATUSSER = [(MEDTAGET, "Medtaget"), (IKKE_MEDTAGET, "Ikke medtaget")]
    # The three kinds the form ticks; several may apply to one proposal.
    ARTER = [
        ("effektivisering", "Effektivisering (digitalisering, arbejdsgange og organisering)"),
        ("serviceniveau", "Serviceniveau (ydelsernes indhold, omfang og kvalitet samt kvalitetsstandarder)"),
        ("besparelse", "Besparelse (reduktion af bevillingsrammerne)"),
    ]
    TEKSTER = [
        ("beskrivelse", "Beskrivelse"),
        ("finansiering", "Finansiering"),
        ("vurdering", "Vurdering/bemærkning"),
        ("uddybning", "Uddybning af forslaget"),
        ("konsekvenser", "Konsekvenser for andre bevillingsrammer"),
        ("bemaerkninger", "Øvrige bemærkninger"),
    ]

    katalog = models.ForeignKey(Katalog, on_delete=models.CASCADE, related_name="forslag")
    udvalg = models.ForeignKey(Katalogudvalg, on_delete=models.PROTECT, related_name="forslag")
    nr = models.CharField("nr.", max_length=10, validators=[nr_validator])
    titel = models.CharField(max_length=300)
    effektivisering = models.BooleanField(default=False)
    serviceniveau = models.BooleanField(default=False)
    besparelse = models.BooleanField(default=False)
    forslagsstiller = models.CharField(max_length=200, blank=True)
    kontakt_navn = models.CharField("kontaktperson", max_length=200, blank=True)
    kontakt_telefon = models.CharField("telefon", max_length=50, blank=True)
    kontakt_email = models.EmailField("e-mail", blank=True)
    dato = models.DateField(null=True, blank=True)
    sagsid = models.CharField("sagsid", max_length=50, blank=True)
    beskrivelse = models.TextField(blank=True)
    finansiering = models.TextField(blank=True)
    vurdering = models.TextField("vurdering/bemærkning", blank=True)
    uddybning = models.TextField("uddybning af forslaget", blank=True)
    konsekvenser = models.TextField("konsekvenser for andre bevillingsrammer", blank=True)
    bemaerkninger = models.TextField("øvrige bemærkninger", blank=True)
    status = models.CharField(max_length=15, choices=STATUSSER, default=MEDTAGET)

    history = HistoricalRecords(excluded_fields=["aendret"])

    class Meta:
        ordering = ["katalog", "udvalg__raekkefoelge", "nr"]
        verbose_name = "omstillingsforslag"
        verbose_name_plural = "omstillingsforslag"
        constraints = [models.UniqueConstraint(fields=["katalog", "nr"], name="forslag_unikt_nr")]

    def __str__(self):
        return f"{self.nr} {self.titel}"

    @property
    def arter(self) -> list[str]:
        """The ticked kinds as the form words them."""
        return [tekst for felt, tekst in self.ARTER if getattr(self, felt)]

    @property
    def tekster(self) -> list[tuple[str, str]]:
        """(heading, text) of the form's text sections, in the form's order."""
        return [(overskrift, getattr(self, felt)) for felt, overskrift in self.TEKSTER]


class Forslagsaar(models.Model):
    """A proposal's economics in one budget year, in kroner, savings positive (the form's "(I 1.000 kr.)" table)."""

    forslag = models.ForeignKey(Forslag, on_delete=models.CASCADE, related_name="aarstal")
    aar = models.PositiveSmallIntegerField("år")
    driftsbesparelse = BeloebField("driftsbesparelse (kr.)")
    driftsudgift = BeloebField("driftsudgift (investering) (kr.)")
    anlaegsudgift = BeloebField("anlægsudgift (kr.)")
    inden_for_serviceramme = BeloebField(
        "heraf inden for servicerammen (kr.)",
        help_text="Den del af nettodriftsbesparelsen, der vedrører udgifter inden for servicerammen.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["forslag", "aar"]
        verbose_name = "forslagets tal for et år"
        verbose_name_plural = "forslagets tal pr. år"
        constraints = [models.UniqueConstraint(fields=["forslag", "aar"], name="forslagsaar_unikt")]

    def __str__(self):
        return f"{self.forslag.nr} {self.aar}"

    @property
    def nettodriftsbesparelse(self) -> Decimal:
        return self.driftsbesparelse - self.driftsudgift

    @property
    def samlet_nettobesparelse(self) -> Decimal:
        return self.nettodriftsbesparelse - self.anlaegsudgift

    @property
    def uden_for_serviceramme(self) -> Decimal:
        return self.nettodriftsbesparelse - self.inden_for_serviceramme

    @property
    def har_drift(self) -> bool:
        """Any operating figure this year. Without one the overview and the form leave the netto cell blank
        instead of printing 0 (TMU-07 in 2019 has only anlæg; TMU-02 nets to 0 and prints 0,00)."""
        return self.driftsbesparelse != NUL or self.driftsudgift != NUL

    @property
    def har_tal(self) -> bool:
        return self.har_drift or self.anlaegsudgift != NUL


class Forslagsramme(models.Model):
    """A bevillingsramme the proposal touches, as the form prints it ("10.22 Trafik og infrastruktur (Kontonr. …)").

    Stored as text: the catalogue may predate the budget years the application holds, and the form's wording of a
    ramme's name is kept. Rammer of a year are matched on the number.
    """

    forslag = models.ForeignKey(Forslag, on_delete=models.CASCADE, related_name="rammer")
    nummer = models.CharField(max_length=KODE_MAKS, validators=[ramme_nummer_validator])
    navn = models.CharField(max_length=200, blank=True)
    konto = models.CharField("kontonr.", max_length=100, blank=True)
    raekkefoelge = models.PositiveSmallIntegerField("rækkefølge", default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["forslag", "raekkefoelge", "nummer"]
        verbose_name = "bevillingsramme, forslaget påvirker"
        verbose_name_plural = "bevillingsrammer, forslaget påvirker"

    def __str__(self):
        return f"{self.nummer} {self.navn}".strip()


class Forslagsopfoelgning(Versioneret):
    """How a proposal is doing at one budgetopfølgning: one smiley for the effort, one for the economy."""

    konfliktnavn = ("Opfølgningen", "den")

    GLAD = "glad"
    MELLEMFORNOEJET = "mellemfornoejet"
    SUR = "sur"
    STATUSSER = [
        (GLAD, "Glad – på sporet"),
        (MELLEMFORNOEJET, "Mellemfornøjet – bagud, men kan nås"),
        (SUR, "Sur – kan ikke nås"),
    ]
    # Shown as a drawn face (templates/omstilling/_smiley_ikon.html) next to this word: the word carries the
    # meaning, so neither the colour nor the drawing is the only signal.
    KORT = {GLAD: "Glad", MELLEMFORNOEJET: "Mellemfornøjet", SUR: "Sur"}

    forslag = models.ForeignKey(Forslag, on_delete=models.CASCADE, related_name="opfoelgninger")
    opfoelgning = models.ForeignKey(
        "budgetopfolgning.Opfoelgning",
        on_delete=models.PROTECT,
        related_name="forslagsopfoelgninger",
        verbose_name="budgetopfølgning",
    )
    indsats = models.CharField("status for indsatsen", max_length=15, choices=STATUSSER, blank=True)
    oekonomi = models.CharField("status for økonomien", max_length=15, choices=STATUSSER, blank=True)
    kommentar = models.TextField(blank=True)
    realiseret = BeloebField(
        "realiseret besparelse i året (kr.)",
        null=True,
        blank=True,
        default=None,
        help_text="Tom: endnu ikke opgjort.",
    )

    history = HistoricalRecords(excluded_fields=["aendret"])

    class Meta:
        ordering = ["opfoelgning", "forslag"]
        verbose_name = "opfølgning på omstillingsforslag"
        verbose_name_plural = "opfølgninger på omstillingsforslag"
        constraints = [
            models.UniqueConstraint(fields=["forslag", "opfoelgning"], name="forslagsopfoelgning_unik"),
        ]

    def __str__(self):
        return f"{self.forslag.nr} – {self.opfoelgning}"

    @classmethod
    def vis_status(cls, status: str) -> dict | None:
        """Code and word for a status, for templates; None when not yet assessed."""
        if not status:
            return None
        return {"kode": status, "ord": cls.KORT[status]}

    @property
    def indsats_vist(self):
        return self.vis_status(self.indsats)

    @property
    def oekonomi_vist(self):
        return self.vis_status(self.oekonomi)


class FrossenForslagsstatus(models.Model):
    """The proposals' follow-up in a round as it read when the round was locked: canonical JSON and its SHA-256.

    A locked round's follow-up page is drawn from this copy alone, and `verificer_runder` checks it, so later edits to
    proposals, their figures or statuses (in the browser or the admin) cannot change what the round reported.
    """

    opfoelgning = models.OneToOneField(
        "budgetopfolgning.Opfoelgning",
        on_delete=models.PROTECT,
        related_name="omstilling_frysning",
        verbose_name="budgetopfølgning",
    )
    data = models.TextField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    oprettet = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "frossen opfølgning på omstillingsforslag"
        verbose_name_plural = "frosne opfølgninger på omstillingsforslag"

    def __str__(self):
        return f"Omstillingsforslag – {self.opfoelgning}"


# The fields of a proposal that its saves, the catalogue loader and the history compare.
FORSLAGSFELTER = (
    "titel",
    "effektivisering",
    "serviceniveau",
    "besparelse",
    "forslagsstiller",
    "kontakt_navn",
    "kontakt_telefon",
    "kontakt_email",
    "dato",
    "sagsid",
    "beskrivelse",
    "finansiering",
    "vurdering",
    "uddybning",
    "konsekvenser",
    "bemaerkninger",
    "status",
)
AARSFELTER = ("driftsbesparelse", "driftsudgift", "anlaegsudgift", "inden_for_serviceramme")
RAMMEFELTER = ("nummer", "navn", "konto")
# Child rows written together with a new proposal carry this reason, so the history shows one "oprettet" line for
# the proposal instead of one per year and ramme.
MED_FORSLAGET = "oprettet med forslaget"

