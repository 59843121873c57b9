"""Input only: the forms validate and convert; saving is `services.gem_forslag` / `services.gem_opfoelgning`."""

from collections.abc import Mapping
from typing import Any, cast

from django import forms

from budgetopfolgning.forms import BeloebFormField
from kerne.beloeb import NUL, redigerbart
from kerne.tekst import TekstValidering
from kerne.versioner import VersionFelt
from omstilling.models import Forslag, Forslagsopfoelgning, Katalog, ramme_nummer_validator

DATO = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ForslagForm(TekstValidering, forms.ModelForm):
    """The facts and texts of a proposal, and the version the form was opened at. The udvalg are those of its
    catalogue."""

    version = VersionFelt()

    class Meta:
        model = Forslag
        fields = [
            "nr",
            "titel",
            "udvalg",
            "status",
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
        ]
        labels = {
            "nr": "Nummer",
            "titel": "Titel",
            "udvalg": "Udvalg",
            "effektivisering": "Effektivisering (digitalisering, arbejdsgange og organisering)",
            "serviceniveau": "Serviceniveau (ydelsernes indhold, omfang og kvalitet samt kvalitetsstandarder)",
            "besparelse": "Besparelse (reduktion af bevillingsrammerne)",
            "forslagsstiller": "Forslagsstiller (center)",
            "kontakt_navn": "Kontaktperson",
            "kontakt_telefon": "Telefon",
            "kontakt_email": "E-mail",
            "dato": "Dato",
            "sagsid": "Sagsid",
            "beskrivelse": "Beskrivelse",
            "finansiering": "Finansiering",
            "vurdering": "Vurdering/bemærkning",
            "uddybning": "Uddybning af forslaget",
            "konsekvenser": "Konsekvenser for andre bevillingsrammer",
            "bemaerkninger": "Øvrige bemærkninger",
        }
        help_texts = {"nr": "Udvalgets forkortelse, bindestreg og to cifre, evt. et bogstav: TMU-01, KFU-04A."}
        widgets = {
            "dato": DATO,
            **{
                felt: forms.Textarea(attrs={"rows": 4})
                for felt in ("beskrivelse", "finansiering", "vurdering", "uddybning", "konsekvenser", "bemaerkninger")
            },
        }

    def __init__(self, *args, katalog: Katalog, **kwargs):
        super().__init__(*args, **kwargs)
        self.katalog = katalog
        self.instance.katalog = katalog
        udvalg = cast(forms.ModelChoiceField, self.fields["udvalg"])  # the form field of a foreign key
        udvalg.queryset = katalog.udvalg.all()
        udvalg.empty_label = "Vælg udvalg"
        self.fields["nr"].widget.attrs["autocomplete"] = "off"

    def clean_nr(self):
        nr = self.cleaned_data["nr"].strip().upper()
        dublet = Forslag.objects.filter(katalog=self.katalog, nr=nr).exclude(pk=self.instance.pk)
        if dublet.exists():
            raise forms.ValidationError(f"Der findes allerede et forslag {nr} i kataloget.")
        return nr

    def clean(self):
        super().clean()
        data = self.cleaned_data
        nr, udvalg = data.get("nr"), data.get("udvalg")
        # The number begins with the udvalg's abbreviation (TMU-01 belongs to TMU): a mismatch is a typo.
        if nr and udvalg and not nr.startswith(f"{udvalg.kode}-"):
            self.add_error("nr", f"Nummeret skal begynde med udvalgets forkortelse, {udvalg.kode}-.")
        if not any(data.get(f) for f, _ in Forslag.ARTER):
            self.add_error(None, "Markér mindst én art: effektivisering, serviceniveau eller besparelse.")
        return data


AARSFELTER = [
    ("driftsbesparelse", "Driftsbesparelse"),
    ("driftsudgift", "Driftsudgift (investering)"),
    ("anlaegsudgift", "Anlægsudgift"),
    ("inden_for_serviceramme", "Heraf inden for servicerammen"),
]


class AarForm(TekstValidering, forms.Form):
    """One year's figures in kroner, typed in Danish notation. A blank field is 0, as a blank cell on the form."""

    def __init__(self, data: Mapping[str, Any] | None = None, *, aar: int, **kwargs: Any) -> None:
        super().__init__(data, prefix=f"aar{aar}", **kwargs)
        self.aar = aar
        for felt, tekst in AARSFELTER:
            self.fields[felt] = BeloebFormField(
                label=f"{tekst} {aar} (kr.)",
                required=False,
                help_text="Besparelser skrives som positive tal." if felt == "driftsbesparelse" else "",
            )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        for felt, _ in AARSFELTER:
            if data.get(felt) is None and felt not in self.errors:
                data[felt] = NUL
        return data

    @staticmethod
    def initial_for(tal) -> dict:
        return {felt: redigerbart(getattr(tal, felt)) for felt, _ in AARSFELTER} if tal is not None else {}


class RammeForm(TekstValidering, forms.Form):
    """A bevillingsramme the proposal touches. A row with an empty number is left out (that is how one is removed)."""

    nummer = forms.CharField(
        label="Rammenummer", max_length=20, required=False, validators=[ramme_nummer_validator], help_text="Fx 10.22."
    )
    navn = forms.CharField(label="Rammens navn", max_length=200, required=False)
    konto = forms.CharField(label="Kontonr.", max_length=100, required=False)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not data.get("nummer") and (data.get("navn") or data.get("konto")) and "nummer" not in self.errors:
            self.add_error("nummer", "Skriv rammens nummer, eller ryd hele rækken for at fjerne rammen.")
        return data


RammeFormSet = forms.formset_factory(RammeForm, extra=2, max_num=20, validate_max=True)


def rammer_fra(formset) -> list[dict]:
    return [
        {felt: f.cleaned_data.get(felt, "") for felt in ("nummer", "navn", "konto")}
        for f in formset.forms
        if f.cleaned_data.get("nummer")
    ]


def rammer_initial(forslag: Forslag) -> list[dict]:
    return [{"nummer": r.nummer, "navn": r.navn, "konto": r.konto} for r in forslag.rammer.all()]


class OpfoelgningForm(TekstValidering, forms.ModelForm):
    """A proposal's follow-up in one round: two smileys, a comment and the saving realised in the year, and the
    version the form was opened at."""

    version = VersionFelt()

    realiseret = BeloebFormField(
        label="Realiseret besparelse i året (kr.)",
        required=False,
        help_text="Besparelser som positive tal. Lad feltet stå tomt, hvis besparelsen endnu ikke er opgjort.",
    )
    # Bounded like the other explanation fields, so one save cannot store megabytes of text.
    kommentar = forms.CharField(
        label="Kommentar", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    class Meta:
        model = Forslagsopfoelgning
        fields = ["indsats", "oekonomi", "kommentar", "realiseret"]
        labels = {"indsats": "Status for indsatsen", "oekonomi": "Status for økonomien"}
        widgets = {"indsats": forms.RadioSelect, "oekonomi": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for felt in ("indsats", "oekonomi"):
            # Only the three statuses (no blank choice); the template draws each face next to its word.
            status = cast(forms.ChoiceField, self.fields[felt])  # the form field of a field with choices
            status.choices = Forslagsopfoelgning.STATUSSER
            status.required = True
            status.error_messages["required"] = "Vælg en status."
        if self.instance.realiseret is not None and not self.is_bound:
            self.initial["realiseret"] = redigerbart(self.instance.realiseret)
