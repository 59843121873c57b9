"""Formatting of amounts at the edge: templates show kroner as 1.000 kr. or mio. kr."""

from decimal import Decimal

from django import template

from kerne import beloeb

register = template.Library()


@register.filter
def tusind(value: Decimal | int | str | None) -> str:
    """Kroner shown in 1.000 kr.: 3292768400 → 3.292.768."""
    if value is None or value == "":
        return ""
    return beloeb.tusind_kr(Decimal(value))


@register.filter
def mio(value: Decimal | int | str | None, decimaler: int | str = 1) -> str:
    """Kroner shown in mio. kr. with one decimal (or as many as given)."""
    if value is None or value == "":
        return ""
    return beloeb.mio_kr(Decimal(value), int(decimaler))


@register.filter
def kr(value: Decimal | int | str | None) -> str:
    """Kroner with øre, as entered: 1.234.567,89."""
    if value is None or value == "":
        return ""
    return beloeb.dansk_tal(Decimal(value), 2)


@register.filter
def redigerbart(value: Decimal | int | str | None) -> str:
    """Kroner as an edit field shows them: 174.800.000, or 1.234,50 with øre."""
    if value is None or value == "":
        return ""
    return beloeb.redigerbart(Decimal(value))


@register.filter
def oere(value: Decimal | int | str | None) -> str:
    """Kroner as a whole number of øre, for the page's script to compute with exactly (no binary fractions)."""
    if value is None or value == "":
        return ""
    return str(int(Decimal(value) * 100))


@register.filter
def procent(value: Decimal | None) -> str:
    """A percentage with one decimal, half away from zero: 12,3. None (nothing to measure against) shows "–"."""
    if value is None or value == "":
        return "–"
    return beloeb.dansk_tal(Decimal(value), 1)
