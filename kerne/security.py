"""Small pieces the settings point to: the client address behind the kommune's reverse proxy, and the log filter
that keeps a refused request to one line."""

import ipaddress
import logging
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address.strip())
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address a login attempt is counted against (django-axes' AXES_CLIENT_IP_CALLABLE).

    Behind a reverse proxy every request comes from the proxy, so the client's address is read from
    X-Forwarded-For, but only when the request really comes from a proxy in TRUSTED_PROXIES: anyone else can write
    that header. Each proxy appends the address it saw, so the list is read from the right, past our own proxies;
    the first address that is not one of them is the client, and whatever the client wrote further left is ignored.
    TRUSTED_PROXIES is read per request so tests can override it.
    """
    remote = request.META.get("REMOTE_ADDR")
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks:
        return remote

    def trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
        return address is not None and any(address in network for network in networks)

    if not trusted(_parse(remote or "")):
        return remote
    client = remote
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _parse(entry)
        if address is None:
            # Not an address our proxies would write: stop at the last proxy rather than believe the rest.
            break
        client = str(address)
        if not trusted(address):
            break
    return client


class ForbiddenWithoutTraceback(logging.Filter):
    """Drops the traceback Django attaches to "Forbidden (Permission denied)": a 403 is the permission check doing
    its job, and a stack trace for each one buries the errors that matter. The one-line message keeps the path."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
