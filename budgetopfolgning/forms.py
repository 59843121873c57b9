from decimal import Decimal

from django import forms

from budgetopfolgning.models import Opfoelgning
from budgetopfolgning.plausibilitet import tvivl
from budgetopfolgning.selectors import Tal
from kerne.beloeb import MAKS_BELOEB, UgyldigtBeloeb, parse_indtastet
from kerne.tekst import TekstValidering
from kerne.versioner import VersionFelt
from rammer.models import Budgetaar


class BeloebFormField(forms.Field):
    """An amount typed in Danish notation (1.234.567,89, or 18.000 t.kr.), converted to an exact Decimal."""

    widget = forms.TextInput

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "class": "beloeb", "maxlength": "30"})

    def to_python(self, value):
        value = (value or "").strip()
        if value in self.empty_values:
            return None
        if len(value) > 30:
            raise forms.ValidationError("Beløbet er for langt.", code="for_langt")
        try:
            return parse_indtastet(value)
        except UgyldigtBeloeb as exc:
            raise forms.ValidationError(str(exc), code="ugyldigt_beloeb") from exc


PLACERING_TEKST = {"inden": "inden for servicerammen", "uden": "uden for servicerammen"}
BEKRAEFT = "Ja, beløbet er rigtigt"


class Plausibilitet:
    """Asks before saving a forecast that looks mistyped (`plausibilitet.tvivl`): the row gets an error and a tick
    box "Ja, beløbet er rigtigt", and only a ticked box lets it through. Only a changed forecast is asked about."""

    fields: dict
    cleaned_data: dict

    def _bekraeft_felt(self, prefix: str, tekst: str) -> None:
        self.fields[f"{prefix}_bekraeft"] = forms.BooleanField(
            label=f"{BEKRAEFT} ({tekst})", required=False,
        )

    def _tjek(self, prefix: str, tal: Tal, aabnet: Decimal | None = None) -> None:
        """`aabnet`: the forecast as the form was opened (default: as saved now), so only what the user changed is
        asked about."""
        forventet = self.cleaned_data.get(f"{prefix}_forventet_forbrug")
        korrektioner = self.cleaned_data.get(f"{prefix}_korrektioner")
        if forventet is None or korrektioner is None or forventet == (tal.forventet if aabnet is None else aabnet):
            return
        grund = tvivl(forventet, tal.korrigeret_foer + korrektioner, tal.forventet_forrige)
        if grund is None:
            return
        self.skal_bekraeftes.add(prefix)
        if not self.cleaned_data.get(f"{prefix}_bekraeft"):
            self.add_error(  # type: ignore[attr-defined]
                f"{prefix}_forventet_forbrug", f"{grund} Sæt hak i »{BEKRAEFT}«, hvis beløbet er rigtigt, og gem igen."
            )

    @property
    def skal_bekraeftes(self) -> set[str]:
        if not hasattr(self, "_skal_bekraeftes"):
            self._skal_bekraeftes: set[str] = set()
        return self._skal_bekraeftes


class RammeForm(Plausibilitet, TekstValidering, forms.Form):
    """One form for all parts of a ramme: korrektioner, forventet forbrug and explanation, and the version seen.

    Fields are named per part (`inden_korrektioner`, `uden_forventet_forbrug`, …). A part split into activities
    takes its figures per activity instead (`akt12_korrektioner`, …); the part keeps its explanation.
    """

    FELTER = ("korrektioner", "forventet_forbrug", "forventet_overfoersel", "forklaring", "version")

    def __init__(self, *args, linjer, aktiviteter=(), tal=None, overfoersler=False, **kwargs):
        super().__init__(*args, **kwargs)
        # The figures each part or activity stands at (prefix → Tal), for asking about a mistyped forecast.
        self.tal: dict[str, Tal] = tal or {}
        self.linjer = linjer
        self.aktiviteter = [a for a in aktiviteter if a.linje is not None]
        self.dele_med_aktiviteter = {a.aktivitetsdel.placering for a in self.aktiviteter}
        for linje in linjer:
            p = linje.rammedel.placering
            tekst = PLACERING_TEKST[p]
            if p not in self.dele_med_aktiviteter:
                self._beloebsfelter(p, tekst)
            if overfoersler:
                # The year reports overførsler (Budgetaar.vis_overfoersler): the konsulent's expected carry-over.
                self.fields[f"{p}_forventet_overfoersel"] = BeloebFormField(
                    label=f"Forventet overførsel til næste år {tekst} (kr.)",
                    help_text="+ = midler der forventes ført med til næste år. Fx 2.000.000 eller 2.000 t.kr.",
                )
            self.fields[f"{p}_forklaring"] = forms.CharField(
                label=f"Forklaring {tekst}",
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            self.fields[f"{p}_version"] = VersionFelt()
        for a in self.aktiviteter:
            prefix = f"akt{a.linje.pk}"
            self._beloebsfelter(
                prefix, f"for {a.aktivitetsdel.aktivitet.navn}, {PLACERING_TEKST[a.aktivitetsdel.placering]}"
            )
            self.fields[f"{prefix}_version"] = VersionFelt()

    def clean(self):
        super().clean()
        data = self.cleaned_data
        for linje in self.linjer:
            # Browsers send a textarea's line breaks as CRLF; stored text has LF, so an untouched explanation
            # stays unchanged (no history entry, no review reset).
            felt = f"{linje.rammedel.placering}_forklaring"
            if isinstance(data.get(felt), str):
                data[felt] = data[felt].replace("\r\n", "\n")
        for placering in self.dele_med_aktiviteter:
            for felt, navn in (("korrektioner", "korrektioner"), ("forventet_forbrug", "forventede forbrug")):
                total = sum(
                    (
                        data.get(f"akt{a.linje.pk}_{felt}") or 0
                        for a in self.aktiviteter
                        if a.aktivitetsdel.placering == placering
                    ),
                    0,
                )
                if abs(total) >= MAKS_BELOEB:
                    self.add_error(None, f"Summen af aktiviteternes {navn} {PLACERING_TEKST[placering]} er for stor.")
        for prefix, tal in self.tal.items():
            if f"{prefix}_forventet_forbrug" in self.fields:
                self._tjek(prefix, tal)
        return data

    def _beloebsfelter(self, prefix: str, tekst: str) -> None:
        self.fields[f"{prefix}_korrektioner"] = BeloebFormField(
            label=f"Korrektioner {tekst} (kr.)",
            help_text="+ = rammen opskrives, - = rammen nedskrives. Fx -1.500.000, 250.000,50 eller -1.500 t.kr.",
        )
        self.fields[f"{prefix}_forventet_forbrug"] = BeloebFormField(
            label=f"Forventet forbrug {tekst} (kr.)",
            help_text="Det forventede forbrug ved årets udgang i kroner, fx 174.800.000 eller 174.800 t.kr.",
        )
        self._bekraeft_felt(prefix, tekst)

    def dele(self):
        """The bound fields grouped per part, with the part's activities, for the template."""
        result = []
        for linje in self.linjer:
            p = linje.rammedel.placering
            result.append(
                {
                    "linje": linje,
                    "tekst": PLACERING_TEKST[p],
                    "felter": [self[f"{p}_{navn}"] for navn in self.FELTER if f"{p}_{navn}" in self.fields],
                    "bekraeft": self[f"{p}_bekraeft"] if p in self.skal_bekraeftes else None,
                    "aktiviteter": [
                        {
                            "navn": a.aktivitetsdel.aktivitet.navn,
                            "felter": [
                                self[f"akt{a.linje.pk}_{navn}"]
                                for navn in ("korrektioner", "forventet_forbrug", "version")
                            ],
                            "bekraeft": (
                                self[f"akt{a.linje.pk}_bekraeft"] if f"akt{a.linje.pk}" in self.skal_bekraeftes
                                else None
                            ),
                        }
                        for a in self.aktiviteter
                        if a.aktivitetsdel.placering == p
                    ],
                }
            )
        return result


class NyOpfoelgningForm(TekstValidering, forms.ModelForm):
    aar = forms.ModelChoiceField(queryset=Budgetaar.objects.all(), label="Budgetår", empty_label=None)

    class Meta:
        model = Opfoelgning
        fields = [
            "aar",
            "navn",
            "bilagsbetegnelse",
            "pr_dato",
            "dokumentdato",
            "sagsnr",
            "kontakt_center",
            "kontakt_navn",
            "kontakt_telefon",
            "kontakt_email",
            "frist",
        ]
        widgets = {
            "frist": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "pr_dato": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "dokumentdato": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {"pr_dato": "Datoen tallene opgøres pr., fx 29. april."}


class GitterForm(Plausibilitet, TekstValidering, forms.Form):
    """The round's grid: korrektioner and forventet forbrug for every row the user may edit, each with the version
    it was opened at. Fields are named by the row's key (`d12_korrektioner` for a ramme part's line, `a7_…` for an
    activity's), and each label names the ramme, the part and the field, for screen readers and tests alike."""

    def __init__(self, *args, raekker, **kwargs):
        super().__init__(*args, **kwargs)
        self.raekker = [r for r in raekker if r.redigerbar]
        for r in self.raekker:
            hvad = f"{r.ramme.nummer} {r.ramme.navn}" + (f", {r.navn}" if r.er_aktivitet else "")
            tekst = f"{hvad}, {r.placering_tekst}"
            self.fields[f"{r.noegle}_korrektioner"] = BeloebFormField(label=f"Korrektioner, {tekst}")
            self.fields[f"{r.noegle}_forventet_forbrug"] = BeloebFormField(label=f"Forventet forbrug, {tekst}")
            self.fields[f"{r.noegle}_version"] = VersionFelt()
            # The row's figures as the grid was opened: only what the user changed is saved (and checked against
            # someone else's save); a row someone else changed meanwhile but the user left alone is not theirs.
            self.fields[f"{r.noegle}_aabnet"] = forms.CharField(required=False, widget=forms.HiddenInput)
            self._bekraeft_felt(r.noegle, tekst)

    @staticmethod
    def aabnet_vaerdi(korrektioner: Decimal, forventet: Decimal) -> str:
        return f"{korrektioner}|{forventet}"

    def _aabnet(self, noegle: str) -> tuple[Decimal, Decimal] | None:
        try:
            k, f = self.cleaned_data.get(f"{noegle}_aabnet", "").split("|")
            return Decimal(k), Decimal(f)
        except (ValueError, ArithmeticError):
            return None  # unknown: the row counts as changed, and its version decides

    def clean(self):
        super().clean()
        for r in self.raekker:
            aabnet = self._aabnet(r.noegle)
            self._tjek(r.noegle, r.tal, aabnet[1] if aabnet else None)
        return self.cleaned_data

    def aendrede(self) -> list:
        """The rows whose typed figures differ from those the grid was opened with (with their cleaned values)."""
        result = []
        for r in self.raekker:
            k = self.cleaned_data.get(f"{r.noegle}_korrektioner")
            f = self.cleaned_data.get(f"{r.noegle}_forventet_forbrug")
            if k is None or f is None:
                continue
            if self._aabnet(r.noegle) != (k, f):
                result.append((r, k, f, self.cleaned_data[f"{r.noegle}_version"]))
        return result


class KommentarForm(TekstValidering, forms.Form):
    tekst = forms.CharField(label="Kommentar", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class BudgetUploadForm(TekstValidering, forms.Form):
    """A round's budget file uploaded in the browser; the file itself is checked by the import, line by line."""

    aar = forms.IntegerField(label="Budgetår", min_value=2000, max_value=2100)
    nummer = forms.IntegerField(label="Budgetopfølgningens nummer", min_value=1, max_value=12, initial=1)
    pr_dato = forms.DateField(
        label="Pr. dato",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Kun for en ny budgetopfølgning; dagen skal ligge i budgetåret. Uden den: sidste dag i måneden "
        "før i dag.",
    )
    fil = forms.FileField(
        label="Fil med budgettet",
        help_text="CSV (UTF-8, semikolon) eller XLSX med overskriften "
        "udvalg;ramme;ramme_navn;serviceramme;oprindeligt_budget;korrektioner;forventet_forbrug.",
    )
