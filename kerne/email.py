"""E-mail addresses as a Danish kommune writes them: `økonomi@balk.dk` is a valid address (RFC 6531, SMTPUTF8), but
Django's EmailValidator only accepts ASCII before the @. One validator, one model field and one form field, so every
address field of the app accepts the same addresses and refuses the same garbage."""

import re
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models

BESKED = "Skriv en gyldig e-mailadresse, fx økonomi@kommune.dk."
# RFC 5322's dot-atom characters, plus any non-ASCII character (RFC 6531's UTF8-non-ascii).
_TEGN = r"A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\u0080-\U0010ffff"
_LOKAL = re.compile(rf"^[{_TEGN}]+(?:\.[{_TEGN}]+)*$")


def valider_email(value: str) -> None:
    """Accept an internationalised address (UTF-8 before the @, an IDN domain after it); refuse spaces, control and
    format characters, a missing or doubled @, and a domain Django's own validator refuses."""
    value = str(value)
    lokal, at, domaene = value.rpartition("@")
    if not at or not lokal or not domaene or len(value) > 254 or len(lokal.encode("utf-8")) > 64:
        raise ValidationError(BESKED, code="invalid")
    if any(unicodedata.category(tegn)[0] in "CZ" for tegn in value) or not _LOKAL.match(lokal):
        raise ValidationError(BESKED, code="invalid")
    try:
        # The domain by Django's rules (which already know IDN domains), behind a local part it accepts.
        validate_email(f"postmaster@{domaene}")
    except ValidationError as exc:
        raise ValidationError(BESKED, code="invalid") from exc


class EmailFormFelt(forms.CharField):
    widget = forms.EmailInput
    default_validators = [valider_email]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault("strip", True)
        super().__init__(**kwargs)


class EmailFelt(models.EmailField):
    """An e-mail field that accepts internationalised addresses (see `valider_email`)."""

    default_validators = [valider_email]

    def formfield(  # type: ignore[override]
        self, form_class: type[forms.Field] | None = None, **kwargs: Any
    ) -> forms.Field | None:
        return super().formfield(form_class=form_class or EmailFormFelt, **kwargs)
