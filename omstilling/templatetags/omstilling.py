"""Template tags for other apps' pages: `{% load omstilling %}{% forslag_for_ramme ramme %}` on a ramme's page."""

from decimal import Decimal

from django import template

from kerne.beloeb import MIO, dansk_tal
from omstilling import mellemlager

register = template.Library()


@register.inclusion_tag("omstilling/_forslag_for_ramme.html")
def forslag_for_ramme(ramme):
    """The omstillingsforslag touching a `rammer.models.Bevillingsramme`: those naming its number in a catalogue
    that runs in the ramme's year, with the net saving each plans for that year."""
    aar = ramme.aar.aar
    return {"ramme": ramme, "aar": aar, "forslag": mellemlager.forslag_for_ramme(ramme.nummer, aar)}


@register.inclusion_tag("omstilling/_smiley.html")
def smiley(status):
    """A follow-up status as symbol and word; the symbol is decoration, the word carries the meaning."""
    return {"status": status}


@register.filter
def mio_forslag(value):
    """A proposal's own figure in the overview: mio. kr. with two decimals, or three when two would hide its
    thousands (ØKU-11 Pensionistskovture prints -0,025 in the published catalogue). Totals use `|mio:2` and round."""
    if value is None or value == "":
        return ""
    mio = Decimal(value) / MIO
    return dansk_tal(mio, 2 if mio == mio.quantize(Decimal("0.01")) else 3)
