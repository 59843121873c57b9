"""Input forms for a ramme's own data. They validate and convert only; the services write.

Amounts go through `BeloebFormField` (strict Danish notation, exact Decimal); counts and percentages through the
kernel's reading of the same notation (`parse_dansk_tal`), with their own limits and messages that talk about
numbers, not amounts. Fields are named per row (`k12_enhedspris`, `a3_regnskab`, …) and grouped back into rows for
the templates.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

from django import forms

from budgetopfolgning.forms import BeloebFormField
from kerne.beloeb import MAKS_BELOEB, UgyldigtTal, dansk_tal, parse_dansk_tal
from kerne.datoer import MAANEDER
from kerne.tekst import TekstValidering
from kerne.versioner import VersionFelt
from rammer.models import Aktivitet, Aktivitetskategori, Estimatdel, Estimatlinje, Ydelse


class TalFormField(forms.Field):
    """A non-negative number in Danish notation with at most two decimals (helårsbrugere: 29,00 or 1,25)."""

    widget = forms.TextInput
    maks: Decimal | None = None
    navn = "tal"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "class": "beloeb", "maxlength": "20"})

    def to_python(self, value):
        value = (value or "").strip()
        if value in self.empty_values:
            return None
        if len(value) > 20:
            raise forms.ValidationError("Tallet er for langt.", code="for_langt")
        try:
            tal = parse_dansk_tal(value, decimaler=2)
        except UgyldigtTal as exc:
            raise forms.ValidationError(
                f"»{value}« er ikke et gyldigt {self.navn}. Skriv fx 29 eller 1,25 (komma før decimaler, højst to).",
                code="ugyldigt_tal",
            ) from exc
        if tal < 0:
            raise forms.ValidationError(f"{self.navn.capitalize()} kan ikke være negativt.", code="negativt")
        if tal >= Decimal("10000000"):
            raise forms.ValidationError(f"{self.navn.capitalize()} er for stort.", code="for_stort")
        if self.maks is not None and tal > self.maks:
            raise forms.ValidationError(
                f"{self.navn.capitalize()} kan højst være {dansk_tal(self.maks)}.", code="for_stort"
            )
        return tal


class ProcentFormField(TalFormField):
    maks = Decimal("100")
    navn = "procenttal"


class IkkeNegativtBeloeb(BeloebFormField):
    """A price: an amount that cannot be below zero."""

    def to_python(self, value):
        beloeb = super().to_python(value)
        if beloeb is not None and beloeb < 0:
            raise forms.ValidationError("Prisen kan ikke være negativ.", code="negativ")
        return beloeb


@dataclass
class Raekke:
    """A row of a row-per-object form: its heading and its bound fields."""

    navn: str
    felter: list
    objekt: object = None

    @property
    def fejl(self) -> bool:
        return any(f.errors for f in self.felter)


R = TypeVar("R")


class RaekkeForm(TekstValidering, forms.Form, Generic[R]):
    """A form with one set of fields per row, and rows for the template; `R` is what a row is about."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._raekker: list[tuple[str, str, list[str], R]] = []

    def _tilfoej_raekke(self, noegle: str, navn: str, felter: dict[str, forms.Field], objekt: R) -> None:
        for felt, formfelt in felter.items():
            self.fields[f"{noegle}_{felt}"] = formfelt
        self._raekker.append((noegle, navn, list(felter), objekt))

    def raekker(self) -> list[Raekke]:
        return [
            Raekke(navn=navn, felter=[self[f"{noegle}_{felt}"] for felt in felter], objekt=objekt)
            for noegle, navn, felter, objekt in self._raekker
        ]

    def raekke_data(self, noegle: str) -> dict:
        """The cleaned values of one row, keyed by field name without the row prefix."""
        felter = next(felter for n, _, felter, _ in self._raekker if n == noegle)
        return {felt: self.cleaned_data[f"{noegle}_{felt}"] for felt in felter}


@dataclass
class Regnskabspost:
    """A line of the årsregnskab as the form edits it: an activity, or the ramme itself when it has none."""

    noegle: str
    navn: str
    aktivitet: Aktivitet | None = None


class RegnskabForm(RaekkeForm[Regnskabspost]):
    """The årsregnskab: four amounts and an explanation per activity, and the ramme's overall explanation."""

    version = VersionFelt()

    def __init__(self, *args, poster: list[Regnskabspost], aar: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["korrigeret_budget_pr"] = forms.DateField(
            label="Korrigeret budget er opgjort pr.",
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            help_text="Fx datoen for årets sidste budgetopfølgning.",
        )
        self.fields["forklaring"] = forms.CharField(
            label="Samlet forklaring", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
        )
        for post in poster:
            self._tilfoej_raekke(
                post.noegle,
                post.navn,
                {
                    "vedtaget_budget": BeloebFormField(label=f"Vedtaget budget {aar} (kr.)"),
                    "korrigeret_budget": BeloebFormField(label=f"Korrigeret budget {aar} (kr.)"),
                    "regnskab": BeloebFormField(label=f"Regnskab {aar} (kr.)"),
                    "overfoert": BeloebFormField(
                        label=f"Overført til {aar + 1} (kr.)", required=False,
                        help_text="Tom betyder 0.",
                    ),
                    "forklaring": forms.CharField(
                        label="Forklaring", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
                    ),
                },
                objekt=post,
            )


class KategoriForm(RaekkeForm[Aktivitetskategori]):
    """The current estimate per activity category: aktuel enhedspris and aktuelle helårsbrugere, both or neither."""

    version = VersionFelt()

    def __init__(self, *args, kategorier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nyt_skoen"] = forms.BooleanField(
            label="Dette er et nyt skøn",
            required=False,
            initial=True,
            help_text="Det hidtidige forventede forbrug gemmes som »forrige skøn«, så udviklingen siden sidst kan "
            "ses. Fjern krydset, hvis du kun retter en fejl i det nuværende skøn.",
        )
        for k in kategorier:
            self._tilfoej_raekke(
                f"k{k.pk}",
                f"{k.konto} {k.navn}",
                {
                    "enhedspris": IkkeNegativtBeloeb(label=f"Aktuel enhedspris (kr.), {k.konto} {k.navn}",
                                                     required=False),
                    "helaarsbrugere": TalFormField(label=f"Aktuelle helårsbrugere, {k.konto} {k.navn}",
                                                   required=False),
                },
                objekt=k,
            )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        for noegle, _navn, _felter, _kategori in self._raekker:
            pris = data.get(f"{noegle}_enhedspris")
            brugere = data.get(f"{noegle}_helaarsbrugere")
            if (pris is None) != (brugere is None) and not (
                self.has_error(f"{noegle}_enhedspris") or self.has_error(f"{noegle}_helaarsbrugere")
            ):
                felt = f"{noegle}_helaarsbrugere" if brugere is None else f"{noegle}_enhedspris"
                self.add_error(
                    felt,
                    "Udfyld både aktuel enhedspris og aktuelle helårsbrugere, eller lad begge stå tomme.",
                )
            elif pris is not None and brugere is not None and abs(pris * brugere) >= MAKS_BELOEB:
                # The forecast is price × users and must fit the money field like every other amount.
                self.add_error(f"{noegle}_helaarsbrugere", "Enhedspris gange helårsbrugere giver et for stort beløb.")
        return data


class EstimatForm(RaekkeForm[Estimatlinje | Estimatdel]):
    """The estimate table: korrigeret budget and forventet forbrug per row, and the split by serviceramme."""

    version = VersionFelt()

    def __init__(self, *args, linjer, dele, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estimat_pr"] = forms.DateField(
            label="Estimat pr.", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        )
        for linje in linjer:
            self._tilfoej_raekke(
                f"e{linje.pk}",
                linje.navn,
                {
                    "korrigeret_budget": BeloebFormField(label=f"Korrigeret budget (kr.), {linje.navn}"),
                    "forventet_forbrug": BeloebFormField(label=f"Forventet forbrug (kr.), {linje.navn}"),
                },
                objekt=linje,
            )
        for del_ in dele:
            navn = del_.get_placering_display()
            self._tilfoej_raekke(
                f"d{del_.pk}",
                navn,
                {
                    "korrigeret_budget": BeloebFormField(label=f"Korrigeret budget (kr.), {navn.lower()}"),
                    "forventet_forbrug": BeloebFormField(label=f"Forventet forbrug (kr.), {navn.lower()}"),
                },
                objekt=del_,
            )


class MaanedsstatusForm(TekstValidering, forms.Form):
    """One point of the monthly line: the forecast at the end of a month and the budget it is held against."""

    version = VersionFelt()

    maaned = forms.TypedChoiceField(
        label="Måned", coerce=int, choices=[(i, navn.capitalize()) for i, navn in enumerate(MAANEDER, start=1)]
    )
    forventet_forbrug = BeloebFormField(
        label="Forventet forbrug ultimo måneden (kr.)", help_text="Fx 158.217.400. En måned, der allerede har et tal, "
        "får det nye."
    )
    budget = BeloebFormField(label="Korrigeret budget (kr.)", help_text="Fx 158.206.000.")


class UnderretningerForm(TekstValidering, forms.Form):
    """The count of underretninger for a year, or for one month of it."""

    version = VersionFelt()

    aar = forms.IntegerField(label="År", min_value=2000, max_value=2100)
    maaned = forms.TypedChoiceField(
        label="Måned",
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", "Hele året"), *[(i, navn.capitalize()) for i, navn in enumerate(MAANEDER, start=1)]],
    )
    antal = forms.IntegerField(label="Antal underretninger", min_value=0, max_value=1_000_000)
    til_og_med = forms.DateField(
        label="Opgjort til og med",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Kun for et år eller en måned, der ikke er slut endnu.",
    )


class BudgetmodelForm(RaekkeForm[Ydelse]):
    """What-if and save for a budget model: antal, pris and refusion per ydelse, and each ydelse's version as the
    page was opened (a what-if shown again keeps them, so a save after trying figures is still checked)."""

    def __init__(self, *args, ydelser, **kwargs):
        super().__init__(*args, **kwargs)
        for y in ydelser:
            self._tilfoej_raekke(
                f"y{y.pk}",
                y.navn,
                {
                    "helaarspersoner": TalFormField(label=f"Helårspersoner, {y.navn}"),
                    "gennemsnitspris": IkkeNegativtBeloeb(label=f"Gennemsnitspris (kr.), {y.navn}"),
                    "statsrefusion_pct": ProcentFormField(label=f"Statsrefusion (pct.), {y.navn}"),
                },
                objekt=y,
            )
            self.fields[f"y{y.pk}_version"] = VersionFelt()

    def vaerdier(self) -> dict[int, tuple[Decimal, Decimal, Decimal]]:
        result = {}
        for noegle, _navn, _felter, y in self._raekker:
            d = self.raekke_data(noegle)
            result[y.pk] = (d["helaarspersoner"], d["gennemsnitspris"], d["statsrefusion_pct"])
        return result

    def ydelsesversioner(self) -> dict[int, int]:
        return {y.pk: self.cleaned_data[f"{noegle}_version"] for noegle, _navn, _felter, y in self._raekker}
