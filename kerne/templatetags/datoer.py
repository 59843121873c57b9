"""Dates at the edge, in Danish: "2. dec. 2026" and "2. dec. 2026 kl. 14.05" (Django's "M" would give "Dec")."""

from datetime import date, datetime

from django import template

from kerne import datoer

register = template.Library()


@register.filter
def kort_dato(value: date | datetime | None) -> str:
    return datoer.kort_dato(value) if value else ""


@register.filter
def dato_og_tid(value: datetime | None) -> str:
    return datoer.dato_og_tid(value) if value else ""
