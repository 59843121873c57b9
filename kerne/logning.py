"""Structured logs: a request id and the user on every line, one line per request with its duration, JSON lines when
LOG_FORMAT=json; failed logins and lockouts; and the access log of who fetched what (kerne.models.Adgangslog).

What is logged is who, what and how long — never amounts or explanations: the request line names the path, not the
query string or the body.
"""

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
bruger_var: ContextVar[str] = ContextVar("bruger", default="-")

logger = logging.getLogger("budgetopfolgning.request")
sikkerhed = logging.getLogger("budgetopfolgning.sikkerhed")

_GYLDIGT_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Extra fields a log call may add (logger.info(..., extra={...})); anything else stays out of the JSON line.
FELTER = ("method", "path", "status", "duration_ms", "bruger", "roller", "ip", "handling", "objekt")


class KontekstFilter(logging.Filter):
    """Puts the current request's id and user on every record, also those of libraries."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        if not hasattr(record, "bruger"):
            record.bruger = bruger_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, user and the known extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        linje: dict[str, Any] = {
            "tid": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "niveau": record.levelname,
            "logger": record.name,
            "besked": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for felt in FELTER:
            if hasattr(record, felt):
                linje[felt] = getattr(record, felt)
        if record.exc_info:
            linje["undtagelse"] = self.formatException(record.exc_info)
        return json.dumps(linje, ensure_ascii=False, default=str)


class RequestLogMiddleware:
    """Gives each request an id (the proxy's X-Request-ID when it is a plain token, else a new one), returns it in
    the response, and logs one line when the response is ready: method, path, status, duration and user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        indkommende = request.headers.get("X-Request-ID", "")
        request_id = indkommende if _GYLDIGT_ID.match(indkommende) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        id_token = request_id_var.set(request_id)
        bruger_token = bruger_var.set("-")
        start = time.perf_counter()
        try:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            bruger = user.get_username() if user is not None and user.is_authenticated else "-"
            bruger_var.set(bruger)
            response["X-Request-ID"] = request_id
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - start) * 1000, 1),
                    "bruger": bruger,
                },
            )
            return response
        finally:
            request_id_var.reset(id_token)
            bruger_var.reset(bruger_token)


def noter_adgang(request: HttpRequest, handling: str, objekt: object) -> None:
    """Writes who fetched or saw what into the access log (Adgangslog), and a log line."""
    from kerne.models import Adgangslog  # this module is loaded by the logging setup, before the models

    user = request.user
    Adgangslog.objects.create(
        bruger=user if user.is_authenticated else None,
        brugernavn=user.get_username(),
        handling=handling,
        objekt=str(objekt)[:200],
        sti=request.path[:500],
        request_id=getattr(request, "request_id", ""),
    )
    logger.info("adgang: %s %s", handling, objekt, extra={"handling": handling, "objekt": str(objekt)})


def mislykket_login(sender: object, credentials: dict, request: HttpRequest | None = None, **kwargs: object) -> None:
    """Django's user_login_failed: the username tried and the client address, never the password."""
    from kerne.security import client_ip

    sikkerhed.warning(
        "Mislykket login",
        extra={"bruger": credentials.get("username", "-"), "ip": client_ip(request) if request else "-"},
    )


def laast_ude(
    sender: object, request: HttpRequest | None = None, username: str | None = None, **kwargs: object
) -> None:
    """django-axes' user_locked_out: five failures lock the username + address for 15 minutes."""
    from kerne.security import client_ip

    sikkerhed.warning(
        "Låst ude efter for mange mislykkede logins",
        extra={"bruger": username or "-", "ip": client_ip(request) if request else "-"},
    )
