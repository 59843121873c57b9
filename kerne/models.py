import base64
import re
import uuid
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from kerne.beloeb import BeloebField
from kerne.fortegn import FORTEGN_AFVIGELSE, FORTEGN_KORREKTIONER
from kerne.nummerering import BALLERUP_RAMMENUMMER, KODE_BESKRIVELSE, KODE_REGEX


def ny_tal_version() -> str:
    """A new random cache version: the value a row's `tal_version` (or the year's `forbrug_version`) gets with every
    change to what cached pages show of it, so a key made from it never names stale figures."""
    return uuid.uuid4().hex


class Adgangslog(models.Model):
    """Who fetched a locked round's Bilag or workbook and who looked at a round still open: kept in the database so
    Center for Økonomi can answer "who had this before it was published" from the admin. Never figures or texts."""

    BILAG = "bilag"
    UDVALGSBILAG = "udvalgsbilag"
    REGNEARK = "regneark"
    CSV = "csv"
    AABEN_RUNDE = "aaben_runde"
    HANDLINGER = [
        (BILAG, "Hentede bilaget (PDF)"),
        (UDVALGSBILAG, "Hentede et udvalgs bilag (PDF)"),
        (REGNEARK, "Hentede tabellerne (Excel)"),
        (CSV, "Hentede en tabel (CSV)"),
        (AABEN_RUNDE, "Så en åben budgetopfølgning"),
    ]

    tidspunkt = models.DateTimeField(auto_now_add=True, db_index=True)
    bruger = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="bruger"
    )
    # Kept as text too, so the log still names the user after the account is deleted.
    brugernavn = models.CharField(max_length=150)
    handling = models.CharField(max_length=20, choices=HANDLINGER)
    objekt = models.CharField("hvad", max_length=200)
    sti = models.CharField("adresse", max_length=500)
    request_id = models.CharField("request-id", max_length=64, blank=True)

    class Meta:
        ordering = ["-tidspunkt"]
        verbose_name = "adgang"
        verbose_name_plural = "adgangslog"

    def __str__(self) -> str:
        return f"{self.brugernavn}: {self.get_handling_display()} – {self.objekt}"


class SsoIdentitet(models.Model):
    """Which account an identity at the kommune's provider signs in to: the issuer and its `sub` claim, which never
    change for a person, whereas the username claim (a UPN) changes with a name. Made at the first SSO login."""

    bruger = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identitet")
    udsteder = models.CharField("udsteder (iss)", max_length=300)
    sub = models.CharField("sub", max_length=255)
    oprettet = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "SSO-identitet"
        verbose_name_plural = "SSO-identiteter"
        constraints = [models.UniqueConstraint(fields=["udsteder", "sub"], name="sso_identitet_unik")]

    def __str__(self) -> str:
        return f"{self.bruger} ← {self.udsteder} {self.sub}"
# The request's memo of Kommune.hent(); None outside a request.
_KOMMUNE_MEMO: ContextVar[dict | None] = ContextVar("kommune_memo", default=None)


class Kommune(models.Model):
    """The kommune the installation serves: its name, logo, letterhead, wording and rules, edited in the admin.

    One row (pk 1). Until it is saved the defaults hold, and they are Ballerup's published ones, so an installation
    that never opens this page prints what it printed before. `KOMMUNE_NAVN` from the environment is the name while
    the field is empty.
    """

    EKSAKT = "eksakt"
    HELE_MIO = "hele_mio"
    AFRUNDINGER = [
        (EKSAKT, "Med én decimal (»45,2 mio. kr.«)"),
        (HELE_MIO, "Hele millioner med »ca.« (»ca. 45 mio. kr.«)"),
    ]

    navn = models.CharField(
        "kommunens navn", max_length=200, blank=True,
        help_text="Fx »Ballerup Kommune«. Tom: miljøvariablen KOMMUNE_NAVN.",
    )
    logo = models.BinaryField("logo", null=True, blank=True, editable=False)
    logo_type = models.CharField(max_length=20, blank=True, editable=False)
    logo_alt = models.CharField(
        "logoets alternative tekst", max_length=200, blank=True,
        help_text="Det en skærmlæser læser op i stedet for logoet, fx »Eksempel Kommunes logo«.",
    )
    brevhoved_adresse = models.TextField(
        "adresse i brevhovedet", blank=True,
        help_text="Linjer under kommunens navn i bilagets brevhoved, fx adresse og hjemmeside. Tom: ingen.",
    )
    bilagsbetegnelse = models.CharField(
        "bilagets nummer", max_length=50, default="Bilag 1",
        help_text="Står øverst på bilaget. Kan ændres for den enkelte budgetopfølgning.",
    )
    bilagstitel = models.CharField(
        "bilagets titel", max_length=300, default="Tabeloversigter for {runde} for {kommune}",
        help_text="{runde} bliver budgetopfølgningens navn (fx »første budgetopfølgning 2024«), {kommune} "
        "kommunens navn og {aar} året.",
    )
    fortegn_korrektioner_plus = models.CharField(
        "fortegn for korrektioner, plus", max_length=200, default=FORTEGN_KORREKTIONER[0]
    )
    fortegn_korrektioner_minus = models.CharField(
        "fortegn for korrektioner, minus", max_length=200, default=FORTEGN_KORREKTIONER[1]
    )
    fortegn_afvigelse_plus = models.CharField(
        "fortegn for afvigelse, plus", max_length=200, default=FORTEGN_AFVIGELSE[0]
    )
    fortegn_afvigelse_minus = models.CharField(
        "fortegn for afvigelse, minus", max_length=200, default=FORTEGN_AFVIGELSE[1]
    )
    forklaringsgraense = BeloebField(
        "grænse for krav om forklaring (kr.)", default=Decimal("1000000"),
        help_text="Gælder nye budgetår; det enkelte år kan ændre den under budgetår.",
    )
    rammenummer_form = models.CharField(
        "rammenumrenes form (regulært udtryk)", max_length=200, blank=True, default=BALLERUP_RAMMENUMMER,
        help_text="Det udtryk, importerede rammenumre skal passe til, fx ^[0-9]{2}\\.[0-9]{2}$ for NN.NN. Tom: "
        "ethvert nummer af bogstaver, tal, punktum og bindestreg.",
    )
    rammenummer_eksempel = models.CharField(
        "rammenumrenes form i fejlbeskeder", max_length=100, blank=True, default="NN.NN, fx 30.46",
    )
    opsummering_afrunding = models.CharField(
        "beløb i opsummeringen", max_length=10, choices=AFRUNDINGER, default=EKSAKT
    )

    class Meta:
        verbose_name = "kommunens indstillinger"
        verbose_name_plural = "kommunens indstillinger"

    def __str__(self) -> str:
        return self.visningsnavn

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        memo = _KOMMUNE_MEMO.get()
        if memo is not None:
            memo.pop("kommune", None)

    @classmethod
    def hent(cls) -> "Kommune":
        """The kommune's settings; the defaults (unsaved) while none are stored.

        Read once per request (many parts of a page ask): `KommuneMiddleware` opens a memo for the request. Outside a
        request (jobs, commands) every call reads the row, so a long-running worker never keeps old settings."""
        memo = _KOMMUNE_MEMO.get()
        if memo is not None and "kommune" in memo:
            return memo["kommune"]
        kommune = cls.objects.filter(pk=1).first() or cls(pk=1)
        if memo is not None:
            memo["kommune"] = kommune
        return kommune

    @property
    def visningsnavn(self) -> str:
        return self.navn or settings.KOMMUNE_NAVN

    @property
    def fortegn_korrektioner(self) -> tuple[str, str]:
        return (self.fortegn_korrektioner_plus, self.fortegn_korrektioner_minus)

    @property
    def fortegn_afvigelse(self) -> tuple[str, str]:
        return (self.fortegn_afvigelse_plus, self.fortegn_afvigelse_minus)

    @property
    def logo_data_uri(self) -> str:
        """The logo as a data: address for an <img>: never served as a page of its own, so an SVG cannot run
        script (and the PDF renderer needs no request)."""
        if not self.logo:
            return ""
        return f"data:{self.logo_type};base64,{base64.b64encode(bytes(self.logo)).decode('ascii')}"

    def rammenummer_fejl(self, nummer: str) -> str:
        """A Danish message if `nummer` does not have the kommune's form, else ""."""
        if not re.fullmatch(KODE_REGEX, nummer):
            return f"»{nummer}« er ikke et rammenummer: {KODE_BESKRIVELSE}"
        if self.rammenummer_form and not re.search(self.rammenummer_form, nummer):
            eksempel = self.rammenummer_eksempel or self.rammenummer_form
            return f"»{nummer}« er ikke et rammenummer af formen {eksempel}."
        return ""

    def clean(self) -> None:
        fejl = {}
        if self.rammenummer_form:
            try:
                re.compile(self.rammenummer_form)
            except re.error:
                fejl["rammenummer_form"] = "Udtrykket kan ikke læses som et regulært udtryk."
        try:
            self.bilagstitel.format(runde="x", kommune="x", aar=2024)
        except (KeyError, IndexError, ValueError):
            fejl["bilagstitel"] = "Titlen må kun bruge {runde}, {kommune} og {aar} i krøllede parenteser."
        if self.logo and not self.logo_alt.strip():
            fejl["logo_alt"] = "Skriv en alternativ tekst til logoet."
        if fejl:
            raise ValidationError(fejl)




class Importjob(models.Model):
    """A large import run as a background job (`kerne/jobs.py`): the uploaded file, how far the job has come,
    and how it ended, read by the page that shows its progress. At most one job per `noegle` (a round, a year's
    forbrug) waits or runs at a time: the database refuses a second, so two imports never interleave."""

    VENTER = "venter"
    KOERER = "koerer"
    FAERDIG = "faerdig"
    AFVIST = "afvist"
    FEJLET = "fejlet"
    STATUSSER = [
        (VENTER, "Venter"),
        (KOERER, "Indlæses"),
        (FAERDIG, "Indlæst"),
        (AFVIST, "Afvist"),
        (FEJLET, "Fejlet"),
    ]
    AKTIVE = (VENTER, KOERER)

    art = models.CharField(max_length=20)
    noegle = models.CharField("hvad der importeres til", max_length=100)
    beskrivelse = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=STATUSSER, default=VENTER)
    filnavn = models.CharField(max_length=255)
    fil = models.BinaryField(editable=False)
    parametre = models.JSONField(default=dict)
    linjer_gjort = models.PositiveIntegerField(default=0)
    linjer_i_alt = models.PositiveIntegerField(null=True, blank=True)
    fejl = models.JSONField(default=list)
    resultat = models.CharField(max_length=500, blank=True)
    oprettet_af = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="startet af"
    )
    oprettet = models.DateTimeField("startet", auto_now_add=True)
    afsluttet = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-oprettet"]
        verbose_name = "import"
        verbose_name_plural = "importer"
        constraints = [
            models.UniqueConstraint(
                fields=["noegle"],
                condition=models.Q(status__in=["venter", "koerer"]),
                name="importjob_en_aktiv_pr_noegle",
            )
        ]

    def __str__(self) -> str:
        return f"{self.beskrivelse}: {self.filnavn} ({self.get_status_display().lower()})"

    @property
    def aktiv(self) -> bool:
        return self.status in self.AKTIVE

    @property
    def procent(self) -> int:
        if not self.linjer_i_alt:
            return 0
        return min(100, self.linjer_gjort * 100 // self.linjer_i_alt)
