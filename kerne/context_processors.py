from django.conf import settings
from django.http import HttpRequest


def kommune(request: HttpRequest) -> dict[str, str | bool]:
    return {"KOMMUNE_NAVN": settings.KOMMUNE_NAVN, "OIDC_AKTIV": bool(settings.OIDC_RP_CLIENT_ID)}
