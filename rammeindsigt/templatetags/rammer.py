"""Template tags for the ramme pages: `{% load rammer %}{% rammenavigation ramme "regnskab" %}`."""

from django import template

from kerne.beloeb import dansk_tal
from kerne.datoer import maanedsnavn as _maanedsnavn
from rammer.models import Aarsregnskab, Ledelsesinformation, Ydelse

register = template.Library()


@register.inclusion_tag("rammer/_navigation.html")
def rammenavigation(ramme, aktiv: str = "ramme"):
    """Links between a ramme's pages; a page the ramme has no data for is left out rather than linked to a 404."""
    sider = [("ramme", "rammer:ramme", "Rammen")]
    if Aarsregnskab.objects.filter(ramme=ramme).exists():
        sider.append(("regnskab", "rammer:regnskab", "Årsregnskab"))
    if Ledelsesinformation.objects.filter(ramme=ramme).exists():
        sider.append(("ledelsesinformation", "rammer:ledelsesinformation", "Ledelsesinformation"))
    if Ydelse.objects.filter(ramme=ramme).exists():
        sider.append(("budgetmodel", "rammer:budgetmodel", "Budgetmodel"))
    return {"ramme": ramme, "aktiv": aktiv, "sider": sider}


@register.filter
def antal(value, decimaler=2):
    """A count such as helårsbrugere in Danish notation with its decimals: 29,00 and 1,25."""
    if value is None or value == "":
        return ""
    return dansk_tal(value, int(decimaler))


@register.filter
def kroner(value):
    """Whole kroner with thousands dots: 11.890.000 (the ledelsesinformation's category table is in kroner)."""
    if value is None or value == "":
        return ""
    return dansk_tal(value, 0)


@register.filter
def maanedsnavn(value):
    """1 → 'januar'."""
    return _maanedsnavn(int(value))


@register.filter
def tal(value):
    """A number as typed: decimals only when it has any (650, 1,25, 215.000, 215.000,50)."""
    if value is None or value == "":
        return ""
    return dansk_tal(value, 0 if value == value.to_integral_value() else 2)
