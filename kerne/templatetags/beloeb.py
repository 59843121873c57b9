"""Formatting of amounts at the edge: templates show kroner as 1.000 kr. or mio. kr."""

from django import template

from kerne import beloeb

register = template.Library()


@register.filter
def tusind(value):
    """Kroner shown in 1.000 kr.: 3292768400 → 3.292.768."""
    if value is None or value == "":
        return ""
    return beloeb.tusind_kr(value)


@register.filter
def mio(value, decimaler=1):
    """Kroner shown in mio. kr. with one decimal (or as many as given)."""
    if value is None or value == "":
        return ""
    return beloeb.mio_kr(value, int(decimaler))


@register.filter
def kr(value):
    """Kroner with øre, as entered: 1.234.567,89."""
    if value is None or value == "":
        return ""
    return beloeb.dansk_tal(value, 2)
