"""The three roles, as auth groups, and the predicates every app's permission rules are built from.

The predicates are `rules` predicates, so they combine with `&` and `|` in each app's rules.py, and they can be
called as plain functions with a user.
"""

import rules

OKONOMI = "Center for Økonomi"
KONSULENT = "Økonomikonsulent"
UDVALGSMEDLEM = "Udvalgsmedlem"
ROLLER = (OKONOMI, KONSULENT, UDVALGSMEDLEM)


def har_rolle(user, rolle: str) -> bool:
    if not user.is_authenticated:
        return False
    cache = getattr(user, "_roller_cache", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._roller_cache = cache
    return rolle in cache


@rules.predicate
def er_okonomi(user) -> bool:
    return user.is_authenticated and (user.is_superuser or har_rolle(user, OKONOMI))


@rules.predicate
def er_konsulent(user) -> bool:
    return har_rolle(user, KONSULENT)


def kun_laeser(user) -> bool:
    """A user who may read published rounds only: udvalgsmedlemmer and anyone without a staff role."""
    return not (er_okonomi(user) or er_konsulent(user))
