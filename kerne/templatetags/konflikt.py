"""The conflict box's side-by-side view: saved now against what the user submitted (kerne/versioner.py)."""

from typing import Any

from django import template
from django.forms import BaseForm

from kerne import versioner

register = template.Library()


@register.filter
def sammenlign(indsendt: list[tuple[str, str]] | None, formular: BaseForm | None) -> list[dict[str, Any]]:
    return versioner.sammenlign(indsendt or [], formular if isinstance(formular, BaseForm) else None)
