"""The three roles, as auth groups, and the predicates every app's permission rules are built from.

The predicates are `rules` predicates, so they combine with `&` and `|` in each app's rules.py, and they can be
called as plain functions with a user.
"""

from typing import TYPE_CHECKING

import rules
from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

OKONOMI = "Center for Økonomi"
KONSULENT = "Økonomikonsulent"
UDVALGSMEDLEM = "Udvalgsmedlem"
ROLLER = (OKONOMI, KONSULENT, UDVALGSMEDLEM)


def har_rolle(user: "User | AnonymousUser", rolle: str) -> bool:
    """Whether the user has the role. The session's user comes with its roles (kerne.backends); any other user's
    are read once."""
    if not user.is_authenticated:
        return False
    cache: set[str] | None = getattr(user, "_roller_cache", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        saet_roller(user, cache)
    return rolle in cache


def saet_roller(user: "User", roller: set[str]) -> None:
    setattr(user, "_roller_cache", roller)  # noqa: B010 - an attribute the user model does not declare


@rules.predicate
def er_okonomi(user: "User | AnonymousUser") -> bool:
    return user.is_authenticated and (user.is_superuser or har_rolle(user, OKONOMI))


@rules.predicate
def er_konsulent(user: "User | AnonymousUser") -> bool:
    return har_rolle(user, KONSULENT)


def kun_laeser(user: "User | AnonymousUser") -> bool:
    """A user who may read published rounds only: udvalgsmedlemmer and anyone without a staff role."""
    return not (er_okonomi(user) or er_konsulent(user))


class AuthenticatedHttpRequest(HttpRequest):
    """The request of every view not marked `login_not_required`: LoginRequiredMiddleware has let only a signed-in
    user through, so `request.user` is a `User`. Views that hand the user to a service (which records who saved)
    are annotated with it; it is a type only, Django still passes its own request."""

    user: "User"
