"""What django-simple-history records beside a save or a delete: who made it and why.

The library reads both from attributes of the instance (`_history_user`, `_change_reason`), its documented way to
pass them. The models do not declare those attributes, so they are set here and nowhere else.
"""

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def saet_bruger(objekt: models.Model, bruger: "User | None") -> None:
    """The user the object's next history entry names (None: nobody, not the request's user)."""
    setattr(objekt, "_history_user", bruger)  # noqa: B010 - an attribute the model does not declare


def saet_grund(objekt: models.Model, grund: str) -> None:
    """The reason the object's next history entry gives."""
    setattr(objekt, "_change_reason", grund)  # noqa: B010 - an attribute the model does not declare
