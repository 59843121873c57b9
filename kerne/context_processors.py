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
