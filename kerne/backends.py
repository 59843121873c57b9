"""The session's user read with its roles: every page asks for the roles (menus, permission rules), and reading them
with the user is one query per request instead of two."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef

from kerne.roller import ROLLER, saet_roller

_FELTER = {f"_rolle_{i}": rolle for i, rolle in enumerate(ROLLER)}


def bruger_med_roller(user_id: Any) -> User | None:
    """The user, its roles read in the same query (one EXISTS per role), as `roller.har_rolle` asks for them."""
    medlem = User.groups.through.objects.filter(user_id=OuterRef("pk"))
    try:
        user = User._default_manager.annotate(
            **{felt: Exists(medlem.filter(group__name=rolle)) for felt, rolle in _FELTER.items()}
        ).get(pk=user_id)
    except (User.DoesNotExist, ValueError, TypeError):
        return None
    saet_roller(user, {rolle for felt, rolle in _FELTER.items() if getattr(user, felt)})
    return user


class RollerMedBrugeren:
    """`get_user` of an authentication backend: the session's user with its roles, and only while it is active."""

    def get_user(self, user_id: Any) -> User | None:
        user = bruger_med_roller(user_id)
        return user if user is not None and user.is_active else None


class Brugerbackend(RollerMedBrugeren, ModelBackend):
    """Django's ModelBackend (username and password), its session user read with the roles."""
