from django.conf import settings
from django.db import models


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
