"""Text at the edges: characters no workbook can hold are refused on the way in and removed on the way out.

An XLSX file is XML 1.0, which cannot hold the C0 control characters other than tab, newline and carriage return,
the non-characters U+FFFE and U+FFFF, or lone surrogates; openpyxl refuses the first, and a file with the others
does not open. PostgreSQL cannot store NUL at all. Such characters arrive invisibly with text pasted from other
programs, so every form and import refuses them with a message that says so, and the exports remove them anyway,
because a locked round that already holds one can no longer be corrected.
"""

import re
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

    # What the form mixin is mixed into; at run time it stays a plain mixin, so no form's MRO changes.
    _Form = forms.BaseForm
else:
    _Form = object

UGYLDIGE_TEGN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Characters that make a spreadsheet treat a text cell as a formula (OWASP "CSV injection"); tab and CR too.
FORMELTEGN = ("=", "+", "-", "@", "\t", "\r")


def styretegn_fejl(tekst: str) -> str | None:
    """The Danish message for a text holding a character that cannot be stored, or None if the text is fine.

    The message names the character and its position, since the character itself cannot be seen.
    """
    fundet = UGYLDIGE_TEGN.search(tekst)
    if fundet is None:
        return None
    return (
        f"Teksten indeholder et usynligt styretegn (tegn nr. {fundet.start() + 1}, U+{ord(fundet.group()):04X}), "
        "fx fra en kopi fra et andet program, som ikke kan gemmes. Fjern det og prøv igen."
    )


def valider_tekst(value: object) -> None:
    """Validator for every text field: refuses the characters of UGYLDIGE_TEGN."""
    if isinstance(value, str) and (fejl := styretegn_fejl(value)):
        raise ValidationError(fejl, code="styretegn")


def styretegn_i(data: object, sted: str) -> list[str]:
    """Every text in a loaded JSON structure (keys too) that holds a character that cannot be stored, each
    prefixed with where it is, e.g. `forslag[3].titel`. Lists are counted from 1, as the loaders name them.

    The JSON loaders check the whole file with it before reading any of it, since they write many fields directly.
    """
    if isinstance(data, str):
        fejl = styretegn_fejl(data)
        return [f"{sted}: {fejl}"] if fejl else []
    result: list[str] = []
    if isinstance(data, dict):
        for noegle, vaerdi in data.items():
            navn = rens(str(noegle))
            if isinstance(noegle, str) and (fejl := styretegn_fejl(noegle)):
                result.append(f"{sted}: feltnavnet »{navn}«: {fejl}" if sted else f"Feltnavnet »{navn}«: {fejl}")
            result += styretegn_i(vaerdi, f"{sted}.{navn}" if sted else navn)
    elif isinstance(data, list):
        for i, vaerdi in enumerate(data, start=1):
            result += styretegn_i(vaerdi, f"{sted}[{i}]")
    return result


class TekstValidering(_Form):
    """Form mixin: every text field of the form refuses the characters of UGYLDIGE_TEGN.

    The validator is added when the form is validated rather than when it is built, so fields a subclass adds
    in its own `__init__` (the per-row fields of the edit forms) are covered as well. It takes the place of
    Django's own NUL check, so a NUL gets the one Danish message too.
    """

    def full_clean(self) -> None:
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and valider_tekst not in field.validators:
                field.validators = [
                    v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
                ] + [valider_tekst]
        super().full_clean()


class TekstModelForm(TekstValidering, forms.ModelForm):
    """The form of every ModelAdmin and inline in the admin (see TekstAdmin)."""


class TekstAdmin:
    """Mixin for ModelAdmin and inline classes: their forms refuse the characters of UGYLDIGE_TEGN."""

    form: type[forms.ModelForm] = TekstModelForm


def rens(value: str) -> str:
    """The text without the characters of UGYLDIGE_TEGN, for exports of text stored before they were refused."""
    return UGYLDIGE_TEGN.sub("", value)


def csv_tekst(value: str) -> str:
    """A text for a CSV cell: cleaned, and with a leading apostrophe if a spreadsheet would run it as a formula."""
    value = rens(value)
    return "'" + value if value.startswith(FORMELTEGN) else value


def tekstcelle(ark: "Worksheet", raekke: int, kolonne: int, value: str) -> "Cell":
    """A workbook text cell that always saves and stays text.

    The characters of UGYLDIGE_TEGN are removed (openpyxl refuses most of them, and Excel will not open a file
    with the rest). The cell is stored as a string, with Excel's quote prefix when it looks like a formula:
    openpyxl would otherwise store "=…" as a formula, and Excel would turn "-x" into one when the cell is edited.
    """
    value = rens(value)
    celle = ark.cell(row=raekke, column=kolonne)
    celle.value = value
    celle.data_type = "s"
    if value.startswith(FORMELTEGN):
        celle.quotePrefix = True
    return celle


def antal(n: int, ental: str, flertal: str) -> str:
    """A count with its noun in Danish: "1 ramme", "3 rammer", "0 påmindelser", "20.000 linjer"."""
    return f"{n:,}".replace(",", ".") + f" {ental if n == 1 else flertal}"


def udskriftsopsaetning(ark: "Worksheet", *, gentag_raekker: str) -> None:
    """A sheet printed as the tables are read: landscape, every column on the page's width (as many pages down as
    needed), the header rows (`gentag_raekker`, e.g. "1:1") repeated at the top of each printed page."""
    ark.page_setup.orientation = "landscape"
    ark.page_setup.paperSize = ark.PAPERSIZE_A4
    ark.page_setup.fitToWidth = 1
    ark.page_setup.fitToHeight = 0
    ark.sheet_properties.pageSetUpPr.fitToPage = True
    ark.print_title_rows = gentag_raekker
