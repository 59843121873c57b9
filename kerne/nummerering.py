"""A kommune's own codes for rammer and udvalg (`30.46`, `60`, `5.1`, `BUV-3`) and their natural order.

Kommuner number their bevillingsrammer in their own schemes, so a code is free text within URL-safe limits, and
it sorts naturally: "2.9" before "2.10", "60" before "61". The order is stored as a key column computed from the
code (`NaturligNoegleField`), so every queryset can ORDER BY it on SQLite and PostgreSQL alike.
"""

import re
from decimal import Decimal
from typing import Any

from django.core.validators import RegexValidator
from django.db import models

KODE_MAKS = 20
# A letter or digit first (so no code is "." or ".." and a path stays a path), then letters, digits, "." and "-".
KODE_REGEX = r"^[A-Za-z0-9ÆØÅæøå][A-Za-z0-9ÆØÅæøå.\-]{0,19}$"
KODE_BESKRIVELSE = (
    "det må kun indeholde bogstaver, tal, punktum og bindestreg (højst 20 tegn) og skal begynde med et bogstav eller "
    "et tal, fx 30.46, 60, 5.1 eller BUV-3."
)
kode_validator = RegexValidator(KODE_REGEX, KODE_BESKRIVELSE[0].upper() + KODE_BESKRIVELSE[1:])
# Ballerup's form, NN.NN: the default the imports hold a ramme number to (the kommune settings can change it).
BALLERUP_RAMMENUMMER = r"^[0-9]{2}\.[0-9]{2}$"

_DELE = re.compile(r"(\d+)|(\D)")


def naturlig_noegle(kode: str) -> str:
    """A key that sorts codes naturally by plain string comparison, whatever the database's collation.

    Each run of digits becomes "1", its length in two digits and the digits without leading zeros (so 9 < 10 and
    "007" = "7" in order); each other character becomes "2" and its code point in four hex digits (letters compared
    without case). The key holds only digits and A-F: a collation that skips punctuation or folds case (PostgreSQL's
    en_US) orders it as C does. A shorter code that is the start of a longer one comes first ("2" < "2.1").
    """
    dele = []
    for tal, tegn in _DELE.findall(kode):
        if tal:
            cifre = tal.lstrip("0") or "0"
            dele.append(f"1{len(cifre):02d}{cifre}")
        else:
            dele.append(f"2{ord(tegn.casefold()[0]):04X}")
    return "".join(dele)


class NaturligNoegleField(models.CharField):
    """The natural-order key of another field of the model, set whenever the row is written (also by bulk_create,
    which calls `pre_save` on every field), so it can never disagree with the code it is made from."""

    def __init__(self, *args: Any, kilde: str = "nummer", **kwargs: Any) -> None:
        self.kilde = kilde
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["kilde"] = self.kilde
        for noegle, standard in (("max_length", 100), ("editable", False), ("db_index", True), ("default", "")):
            if kwargs.get(noegle, standard) == standard:
                kwargs.pop(noegle, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        vaerdi = naturlig_noegle(getattr(model_instance, self.kilde) or "")
        setattr(model_instance, self.attname, vaerdi)
        return vaerdi


def kode_fra_celle(raw: str | Decimal, form: str) -> str:
    """A ramme number as read from a file. A spreadsheet may hold `30.46` as a number: it is written with two
    decimals when that has the kommune's form (NN.NN), else as the number it is (`60`, `5.1`)."""
    if not isinstance(raw, Decimal):
        return str(raw).strip()
    to_decimaler = f"{raw:.2f}"
    if form and re.search(form, to_decimaler):
        return to_decimaler
    return format(raw.normalize(), "f")
