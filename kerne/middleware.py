"""Middleware of the project's own."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from kerne.models import _KOMMUNE_MEMO


class KommuneMiddleware:
    """One read of the kommune's settings per request, however many parts of the page ask."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _KOMMUNE_MEMO.set({})
        try:
            return self.get_response(request)
        finally:
            _KOMMUNE_MEMO.reset(token)
