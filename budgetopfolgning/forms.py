from django import forms

from budgetopfolgning.models import Opfoelgning
from kerne.beloeb import MAKS_BELOEB, UgyldigtBeloeb, parse_dansk
from kerne.tekst import TekstValidering
from kerne.versioner import VersionFelt
from rammer.models import Budgetaar


class BeloebFormField(forms.Field):
    """An amount typed in Danish notation (1.234.567,89), converted to an exact Decimal."""

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
            return parse_dansk(value)
        except UgyldigtBeloeb as exc:
            raise forms.ValidationError(str(exc), code="ugyldigt_beloeb") from exc


PLACERING_TEKST = {"inden": "inden for servicerammen", "uden": "uden for servicerammen"}


class RammeForm(TekstValidering, forms.Form):
    """One form for all parts of a ramme: korrektioner, forventet forbrug and explanation, and the version seen.

    Fields are named per part (`inden_korrektioner`, `uden_forventet_forbrug`, …). A part split into activities
    takes its figures per activity instead (`akt12_korrektioner`, …); the part keeps its explanation.
    """

    FELTER = ("korrektioner", "forventet_forbrug", "forklaring", "version")

    def __init__(self, *args, linjer, aktiviteter=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.linjer = linjer
        self.aktiviteter = [a for a in aktiviteter if a.linje is not None]
        self.dele_med_aktiviteter = {a.aktivitetsdel.placering for a in self.aktiviteter}
        for linje in linjer:
            p = linje.rammedel.placering
            tekst = PLACERING_TEKST[p]
            if p not in self.dele_med_aktiviteter:
                self._beloebsfelter(p, tekst)
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
        return data

    def _beloebsfelter(self, prefix: str, tekst: str) -> None:
        self.fields[f"{prefix}_korrektioner"] = BeloebFormField(
            label=f"Korrektioner {tekst} (kr.)",
            help_text="+ = rammen opskrives, - = rammen nedskrives. Fx -1.500.000 eller 250.000,50.",
        )
        self.fields[f"{prefix}_forventet_forbrug"] = BeloebFormField(
            label=f"Forventet forbrug {tekst} (kr.)",
            help_text="Det forventede forbrug ved årets udgang i kroner, fx 174.800.000.",
        )

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
                    "aktiviteter": [
                        {
                            "navn": a.aktivitetsdel.aktivitet.navn,
                            "felter": [
                                self[f"akt{a.linje.pk}_{navn}"]
                                for navn in ("korrektioner", "forventet_forbrug", "version")
                            ],
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
            "pr_dato",
            "dokumentdato",
            "sagsnr",
            "kontakt_center",
            "kontakt_navn",
            "kontakt_telefon",
            "kontakt_email",
        ]
        widgets = {
            "pr_dato": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "dokumentdato": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {"pr_dato": "Datoen tallene opgøres pr., fx 29. april."}
