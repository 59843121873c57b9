from django.conf import settings


def kommune(request):
    return {"KOMMUNE_NAVN": settings.KOMMUNE_NAVN}
