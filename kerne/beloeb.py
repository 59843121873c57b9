"""Amounts: the one money field, display rounding and Danish number notation.

Amounts are stored exactly in kroner (øre as decimals). Rounding happens only when a figure is shown,
half away from zero, and a rounded zero is never shown as "-0".
"""

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.numberformat import format as number_format

NUL = Decimal("0")
TUSIND = Decimal("1000")
MIO = Decimal("1000000")
MAKS_BELOEB = Decimal("1e13")  # BeloebField holds 13 digits of kroner and 2 of øre


class BeloebField(models.DecimalField):
    """An amount in kroner with øre: the only money field in the project."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 15)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("default", NUL)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        for key, value in (("max_digits", 15), ("decimal_places", 2)):
            if kwargs.get(key) == value:
                del kwargs[key]
        return name, path, args, kwargs


def rund(value: Decimal, decimaler: int = 0) -> Decimal:
    """Round half away from zero (Decimal's ROUND_HALF_UP), and turn -0 into 0."""
    quantum = Decimal(1).scaleb(-decimaler)
    result = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    if result == 0:
        result = abs(result)
    return result


def dansk_tal(value: Decimal, decimaler: int = 0) -> str:
    """Danish notation with a dot between thousands and a comma for decimals: 3.292.768, -1.554, 45,2."""
    rounded = rund(value, decimaler)
    return number_format(
        rounded,
        decimal_sep=",",
        decimal_pos=decimaler,
        grouping=3,
        thousand_sep=".",
        force_grouping=True,
        use_l10n=False,
    )


def tusind_kr(value: Decimal) -> str:
    """An amount in kroner shown in 1.000 kr. as the tables print it."""
    return dansk_tal(Decimal(value) / TUSIND)


def mio_kr(value: Decimal, decimaler: int = 1) -> str:
    """An amount in kroner shown in mio. kr. (one decimal in sentences, two in the proposal overview)."""
    return dansk_tal(Decimal(value) / MIO, decimaler)


_STRICT = re.compile(
    r"""^(?P<sign>-?)
        (?P<int>\d{1,3}(?:\.\d{3})+|\d+)   # 1.234.567 with exact thousand groups, or plain digits
        (?:,(?P<dec>\d{1,2}))?$""",
    re.VERBOSE | re.ASCII,  # only 0-9: other scripts' digits are not amounts here
)


class UgyldigtBeloeb(ValueError):
    pass


def parse_dansk(text: str) -> Decimal:
    """Parse an amount in Danish notation, strictly.

    Accepts ``1.234.567,89``, ``1234567,89``, ``-1.000``, ``0``. Refuses anything a reader could take two
    ways, such as ``1.50`` (a decimal point?) or ``12.34.567`` (broken groups), and more than two decimals.
    """
    cleaned = (text or "").strip().replace("\u2212", "-").replace("\xa0", "").replace(" ", "")
    match = _STRICT.match(cleaned)
    if not match:
        raise UgyldigtBeloeb(
            f"»{text}« er ikke et gyldigt beløb. Skriv kroner med komma før øre og eventuelt punktum "
            "mellem tusinder, fx 1.234.567,89 eller -1000."
        )
    digits = match["int"].replace(".", "")
    try:
        value = Decimal(f"{match['sign']}{digits}.{match['dec'] or '0'}")
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
        raise UgyldigtBeloeb(f"»{text}« er ikke et gyldigt beløb.") from exc
    if abs(value) >= MAKS_BELOEB:
        raise UgyldigtBeloeb(f"»{text}« er for stort et beløb.")
    return value if value != 0 else NUL


def redigerbart(value: Decimal) -> str:
    """An amount as an edit field shows it: kroner with thousands dots, øre only when there are any."""
    value = Decimal(value)
    return dansk_tal(value, 2 if value != value.to_integral_value() else 0)
