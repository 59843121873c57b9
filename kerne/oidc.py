"""Single sign-on through the kommune's identity provider (Entra ID, AD FS) with OpenID Connect.

mozilla-django-oidc does the authorization-code flow with PKCE and checks the tokens; this module decides who the
user is and which roles they have. Users are created at their first login from the claims; the three roles come
from the group claim, mapped by the settings OIDC_ROLLE_OKONOMI, OIDC_ROLLE_KONSULENT and OIDC_ROLLE_UDVALG, and are
set again at every login, so taking someone out of a group in AD takes the role away at their next login. Which
rammer a konsulent has stays in the app. Someone in none of the groups gets a page saying so, not an account.
"""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group, User
from django.contrib.auth.views import LogoutView
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.views.decorators.http import require_POST
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from kerne import roller
from kerne.backends import RollerMedBrugeren
from kerne.models import SsoIdentitet

logger = logging.getLogger(__name__)


def rollekort() -> dict[str, set[str]]:
    """Role name → the group ids (or names) in the group claim that give it."""
    return {
        roller.OKONOMI: set(settings.OIDC_ROLLE_OKONOMI),
        roller.KONSULENT: set(settings.OIDC_ROLLE_KONSULENT),
        roller.UDVALGSMEDLEM: set(settings.OIDC_ROLLE_UDVALG),
    }


def roller_fra_claims(claims: dict) -> set[str]:
    grupper = claims.get(settings.OIDC_GRUPPE_CLAIM) or []
    if isinstance(grupper, str):
        grupper = [grupper]
    grupper = {str(g) for g in grupper}
    return {rolle for rolle, ids in rollekort().items() if ids & grupper}


class Backend(RollerMedBrugeren, OIDCAuthenticationBackend):
    """Who the user is (their username claim) and which roles they have (their group claim), at every login."""

    def get_userinfo(self, access_token: str, id_token: str, payload: dict) -> dict:
        """The claims of the checked ID token and the userinfo endpoint together: Entra ID puts the groups in the
        ID token only."""
        return {**payload, **super().get_userinfo(access_token, id_token, payload)}

    def verify_claims(self, claims: dict) -> bool:
        if not claims.get(settings.OIDC_BRUGERNAVN_CLAIM) or not claims.get("sub"):
            return False
        if not roller_fra_claims(claims):
            if self.request is not None:
                self.request.oidc_ingen_rolle = True
            logger.info("OIDC-login uden rolle afvist", extra={"bruger": claims.get(settings.OIDC_BRUGERNAVN_CLAIM)})
            return False
        return True

    def filter_users_by_claims(self, claims: dict) -> "QuerySet[User]":
        """The account of this identity: the one its issuer and `sub` were linked to at an earlier login, else an
        account of the same username that no one signs in to yet, neither by password nor by another identity
        (one Center for Økonomi made ahead, to give a konsulent rammer before the first login)."""
        kendt = User.objects.filter(sso_identitet__udsteder=_udsteder(claims), sso_identitet__sub=_sub(claims))
        if kendt.exists():
            return kendt
        return User.objects.filter(
            username=_brugernavn(claims), sso_identitet__isnull=True, password__startswith=UNUSABLE_PASSWORD_PREFIX
        )

    def create_user(self, claims: dict) -> User:
        if User.objects.filter(username=_brugernavn(claims)).exists():
            # The name belongs to a local account with a password, or to another person's identity (a UPN given
            # again): never hand either to whoever the provider now calls by that name.
            if self.request is not None:
                self.request.oidc_optaget = _brugernavn(claims)
            logger.warning("OIDC-login afvist: brugernavnet er en anden konto", extra={"bruger": _brugernavn(claims)})
            raise SuspiciousOperation("Brugernavnet tilhører en anden konto")
        user = User.objects.create_user(_brugernavn(claims))
        user.set_unusable_password()  # signs in through the provider only
        return self.update_user(user, claims)

    @transaction.atomic
    def update_user(self, user: User, claims: dict) -> User:
        SsoIdentitet.objects.get_or_create(bruger=user, defaults={"udsteder": _udsteder(claims), "sub": _sub(claims)})
        # A changed UPN follows the person, unless another account has the new name.
        if user.username != _brugernavn(claims) and not User.objects.filter(username=_brugernavn(claims)).exists():
            user.username = _brugernavn(claims)
        user.first_name = str(claims.get("given_name") or claims.get("name") or "")[:150]
        user.last_name = str(claims.get("family_name") or "")[:150]
        user.email = str(claims.get("email") or "")[:254]
        nye = roller_fra_claims(claims)
        user.is_staff = user.is_superuser or roller.OKONOMI in nye  # as in the admin: staff follows the role
        user.save()
        andre = user.groups.exclude(name__in=roller.ROLLER)
        user.groups.set([*andre, *Group.objects.filter(name__in=nye)])
        logger.info("OIDC-login", extra={"bruger": user.username, "roller": sorted(nye)})
        return user


def _brugernavn(claims: dict) -> str:
    return str(claims[settings.OIDC_BRUGERNAVN_CLAIM])[:150]


def _udsteder(claims: dict) -> str:
    return str(claims.get("iss") or "")[:300]


def _sub(claims: dict) -> str:
    return str(claims["sub"])[:255]


def _aktiv() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


@login_not_required
def start(request: HttpRequest) -> HttpResponse:
    """Sends the browser to the provider (authorization request with state, nonce and PKCE)."""
    if not _aktiv():
        raise Http404
    return OIDCAuthenticationRequestView.as_view()(request)


class _Tilbage(OIDCAuthenticationCallbackView):
    def login_failure(self) -> HttpResponse:
        if getattr(self.request, "oidc_ingen_rolle", False):
            return render(self.request, "registration/ingen_rolle.html", status=403)
        if optaget := getattr(self.request, "oidc_optaget", None):
            return render(self.request, "registration/oidc_optaget.html", {"brugernavn": optaget}, status=403)
        return render(self.request, "registration/oidc_fejl.html", status=403)


@login_not_required
def tilbage(request: HttpRequest) -> HttpResponse:
    """The provider sends the browser back here with the code; the backend exchanges it and signs the user in."""
    if not _aktiv():
        raise Http404
    return _Tilbage.as_view()(request)


@require_POST
def logud(request: HttpRequest) -> HttpResponseBase:
    """Logout; a user who signed in through the provider is sent on to its end-session endpoint, so the session
    at the kommune's identity provider ends too (where it has one)."""
    id_token = request.session.get("oidc_id_token")
    if not (_aktiv() and id_token and settings.OIDC_OP_LOGOUT_ENDPOINT):
        return LogoutView.as_view()(request)
    auth.logout(request)
    efter = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
    parametre = {"client_id": settings.OIDC_RP_CLIENT_ID, "post_logout_redirect_uri": efter, "id_token_hint": id_token}
    return HttpResponseRedirect(f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{urlencode(parametre)}")
