"""The app's URLs plus `/hilsen/`: a logged-in page doing only what every page does (session and user).

Used by `benchmarks/sider.py` only (through sider_indstillinger). LoginRequiredMiddleware guards it like any page.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as app_urls


def hilsen(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"Hej {request.user.get_username()}", content_type="text/plain; charset=utf-8")


urlpatterns = [path("hilsen/", hilsen, name="hilsen"), *app_urls]
