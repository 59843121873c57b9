"""Middleware of the project's own."""

from collections.abc import Callable

from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

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


# A logged-in session's idle expiry is renewed at most this often. Saving the session on every request (Django's
# SESSION_SAVE_EVERY_REQUEST) is a database write per page view, on SQLite a turn at the whole database's write lock,
# to move an expiry hours away by seconds.
FORNY_SESSION_SEKUNDER = 60
_FORNYET = "_fornyet"


class SessionFornyelseMiddleware:
    """Renews a logged-in session's idle expiry (SESSION_COOKIE_AGE from now, in the database and the cookie) on the
    first request a minute or more after the last renewal: it marks the session changed, so SessionMiddleware, outside
    it, saves it and sends the cookie again. A session ends after the idle timeout, give or take that minute."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a logged-in session is renewed: one that was never sent, had expired, was made up, or was logged out
        # (flushed) in this request has no user, and marking it would store a new, empty session.
        if session is not None and SESSION_KEY in session:
            nu = int(timezone.now().timestamp())
            if nu - session.get(_FORNYET, 0) >= FORNY_SESSION_SEKUNDER:
                session[_FORNYET] = nu
        return response
