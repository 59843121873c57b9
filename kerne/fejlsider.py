"""The Danish 404 page also in development.

With DEBUG on, Django answers a 404 with its English technical page, which an udvalg user testing a development
server then sees for an open round (a draft they may not see). Unless a developer asks for the technical page
(`DEBUG_404_SIDE=1`), this middleware serves the same Danish page as production.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.defaults import page_not_found


class DanskFejlsideMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 404 and settings.DEBUG and not settings.DEBUG_404_SIDE:
            return page_not_found(request, Http404())
        return response
