from django.conf import settings
from django.http import HttpRequest


def kommune(request: HttpRequest) -> dict[str, str]:
    return {"KOMMUNE_NAVN": settings.KOMMUNE_NAVN}
