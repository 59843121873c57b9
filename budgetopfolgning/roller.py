"""The three roles, as auth groups. Permission rules built on them live in rules.py."""

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


def er_okonomi(user) -> bool:
    return user.is_authenticated and (user.is_superuser or har_rolle(user, OKONOMI))


def er_konsulent(user) -> bool:
    return har_rolle(user, KONSULENT)


def kun_laeser(user) -> bool:
    """A user who may read published rounds only: udvalgsmedlemmer and anyone without a staff role."""
    return not (er_okonomi(user) or er_konsulent(user))
