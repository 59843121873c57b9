from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from kerne.models import Kommune


def kommune(request: HttpRequest) -> dict[str, object]:
    """The kommune's name and settings for every page, read once and only by a page that shows them."""
    indstillinger: Kommune = SimpleLazyObject(Kommune.hent)  # type: ignore[assignment]
    return {
        "KOMMUNE": indstillinger,
        "KOMMUNE_NAVN": SimpleLazyObject(lambda: indstillinger.visningsnavn),
        "OIDC_AKTIV": bool(settings.OIDC_RP_CLIENT_ID),
    }


# The main menu's sections by the start of the path; the round pages (and the front page) are "Budgetopfølgninger".
_MENUAFSNIT = (("/omstilling/", "omstilling"), ("/rammer/", "rammer"), ("/admin/", "admin"), ("/opfolgning/", "runder"))


def hovedmenu(request: HttpRequest) -> dict[str, str]:
    """Which main-menu entry the page belongs to, so the menu can mark it (aria-current="page")."""
    if request.path == "/":
        return {"MENU_AKTIV": "runder"}
    for start, afsnit in _MENUAFSNIT:
        if request.path.startswith(start):
            return {"MENU_AKTIV": afsnit}
    return {"MENU_AKTIV": ""}
