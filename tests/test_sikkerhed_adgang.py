"""Who may hand out rights, how the login lockout counts, and the smaller hardening: sessions, downloads, logs."""

import io
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from unittest import mock

from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client, override_settings

from budgetopfolgning.models import Opfoelgning
from config import settings as projekt_settings
from kerne import roller
from omstilling.models import Forslagsopfoelgning
from rammer.models import Budgetaar
from tests.base import BaseTestCase, DemoTestCase, formular
from tests.test_omstilling import FIXTURE

# --- Users and roles in the admin -----------------------------------------------------------------------------------


class UserAdminTests(BaseTestCase):
    """Center for Økonomi manages users and their roles, and nothing that hands out more rights than its own."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        call_command("opsaet_roller", stdout=io.StringIO())
        cls.okonomi.is_staff = True
        cls.okonomi.save()
        cls.rod = User.objects.create_superuser("rod", password="rod-hemmelig-1")
        cls.drift = Group.objects.create(name="IT-drift")
        cls.drift.permissions.add(Permission.objects.get(codename="change_group"))

    def setUp(self):
        self.client.force_login(self.okonomi)

    def _gruppe(self, navn):
        return Group.objects.get(name=navn)

    def _post_change(self, user, **data):
        # All the stock form's fields, so the forged parts are the only difference from an honest save.
        felter = {
            "username": user.username,
            "first_name": "",
            "last_name": "",
            "email": "",
            "is_active": "on",
            "date_joined_0": "2024-01-01",
            "date_joined_1": "12:00:00",
            "groups": [self._gruppe(roller.KONSULENT).pk],
            **data,
        }
        return self.client.post(f"/admin/auth/user/{user.pk}/change/", felter)

    def test_the_change_page_shows_no_superuser_staff_or_permission_fields(self):
        response = self.client.get(f"/admin/auth/user/{self.konsulent.pk}/change/")
        self.assertEqual(response.status_code, 200)
        for felt in ("is_superuser", "is_staff", "user_permissions"):
            self.assertNotContains(response, f'name="{felt}"')
        self.assertContains(response, 'name="groups"')
        # Only the three roles can be chosen.
        for navn in roller.ROLLER:
            self.assertContains(response, navn)
        self.assertNotContains(response, "IT-drift")

    def test_a_forged_post_grants_no_superuser_staff_or_permissions(self):
        perm = Permission.objects.get(codename="change_group")
        response = self._post_change(
            self.konsulent, is_staff="on", is_superuser="on", user_permissions=[perm.pk]
        )
        self.assertEqual(response.status_code, 302)
        self.konsulent.refresh_from_db()
        self.assertFalse(self.konsulent.is_superuser)
        self.assertFalse(self.konsulent.is_staff)
        self.assertFalse(self.konsulent.user_permissions.exists())
        self.assertEqual(list(self.konsulent.groups.values_list("name", flat=True)), [roller.KONSULENT])

    def test_a_forged_post_cannot_give_a_group_outside_the_roles(self):
        response = self._post_change(self.konsulent, groups=[self.drift.pk])
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self.konsulent.groups.filter(pk=self.drift.pk).exists())

    def test_okonomi_adds_a_user_and_gives_the_konsulent_role(self):
        response = self.client.post(
            "/admin/auth/user/add/",
            {"username": "ny", "usable_password": "true", "password1": "Budget-2024-x", "password2": "Budget-2024-x",
             "is_superuser": "on", "is_staff": "on"},
        )
        self.assertEqual(response.status_code, 302)
        ny = User.objects.get(username="ny")
        self.assertFalse(ny.is_superuser or ny.is_staff)
        self.assertEqual(self._post_change(ny, first_name="Nina").status_code, 302)
        ny.refresh_from_db()
        self.assertEqual(list(ny.groups.values_list("name", flat=True)), [roller.KONSULENT])
        self.assertEqual(ny.first_name, "Nina")
        self.assertFalse(ny.is_staff or ny.is_superuser)

    def test_the_okonomi_role_brings_staff_and_taking_it_away_removes_it(self):
        self._post_change(self.konsulent, groups=[self._gruppe(roller.OKONOMI).pk])
        self.konsulent.refresh_from_db()
        self.assertTrue(self.konsulent.is_staff)
        self.assertFalse(self.konsulent.is_superuser)
        self._post_change(self.konsulent, groups=[self._gruppe(roller.KONSULENT).pk])
        self.konsulent.refresh_from_db()
        self.assertFalse(self.konsulent.is_staff)

    def test_okonomi_cannot_change_a_superuser_or_their_password(self):
        url = f"/admin/auth/user/{self.rod.pk}/change/"
        side = self.client.get(url)
        self.assertEqual(side.status_code, 200)  # view only
        self.assertNotContains(side, 'name="_save"')
        self.assertEqual(self._post_change(self.rod, first_name="Ændret", groups=[]).status_code, 403)
        self.assertEqual(self.client.get(f"/admin/auth/user/{self.rod.pk}/password/").status_code, 403)
        response = self.client.post(
            f"/admin/auth/user/{self.rod.pk}/password/",
            {"usable_password": "true", "password1": "Overtaget-2024", "password2": "Overtaget-2024"},
        )
        self.assertEqual(response.status_code, 403)
        self.rod.refresh_from_db()
        self.assertTrue(self.rod.is_superuser)
        self.assertEqual(self.rod.first_name, "")
        self.assertTrue(self.rod.check_password("rod-hemmelig-1"))

    def test_okonomi_cannot_change_a_user_with_rights_beyond_the_roles(self):
        tekniker = User.objects.create_user("tekniker", password="x")
        tekniker.groups.add(self.drift)
        self.assertEqual(self._post_change(tekniker).status_code, 403)
        self.assertTrue(tekniker.groups.filter(pk=self.drift.pk).exists())

    def test_group_permissions_are_hidden_from_okonomi(self):
        self.assertEqual(self.client.get("/admin/auth/group/").status_code, 403)
        self.assertEqual(self.client.get(f"/admin/auth/group/{self.drift.pk}/change/").status_code, 403)
        self.assertNotContains(self.client.get("/admin/"), "/admin/auth/group/")
        okonomi = self._gruppe(roller.OKONOMI)
        self.assertFalse(okonomi.permissions.filter(content_type__model="group").exists())

    def test_rerunning_opsaet_roller_takes_back_permissions_it_no_longer_gives(self):
        okonomi = self._gruppe(roller.OKONOMI)
        okonomi.permissions.add(Permission.objects.get(codename="change_group"))
        call_command("opsaet_roller", stdout=io.StringIO())
        self.assertFalse(okonomi.permissions.filter(codename="change_group").exists())
        self.assertTrue(okonomi.permissions.filter(codename="change_user").exists())

    def test_a_superuser_keeps_the_full_admin(self):
        self.client.force_login(self.rod)
        response = self.client.get(f"/admin/auth/user/{self.konsulent.pk}/change/")
        for felt in ("is_superuser", "is_staff", "user_permissions"):
            self.assertContains(response, f'name="{felt}"')
        self.assertContains(response, "IT-drift")
        self.assertEqual(self._post_change(self.konsulent, is_superuser="on", is_staff="on").status_code, 302)
        self.konsulent.refresh_from_db()
        self.assertTrue(self.konsulent.is_superuser)


# --- The login lockout ---------------------------------------------------------------------------------------------

T0 = datetime(2024, 4, 12, 9, 0, tzinfo=UTC)


@contextmanager
def klokken(tid: datetime):
    """Moves the clock for Django and for django-axes, which stamps each attempt with its own imported now()."""
    with mock.patch("django.utils.timezone.now", return_value=tid), \
            mock.patch("axes.handlers.proxy.now", return_value=tid):
        yield


class LockoutTests(BaseTestCase):
    def _login(self, username="okonomi", password="demo", **meta):
        return Client().post("/login/", {"username": username, "password": password}, **meta)

    def _lock(self, username="okonomi", **meta):
        for _ in range(5):
            response = self._login(username, "forkert", **meta)
        self.assertEqual(response.status_code, 429)

    def test_the_lockout_is_per_username_and_address(self):
        self._lock(REMOTE_ADDR="192.0.2.10")
        self.assertEqual(self._login(REMOTE_ADDR="192.0.2.10").status_code, 429)
        self.assertEqual(self._login(REMOTE_ADDR="192.0.2.11").status_code, 302)
        self.assertEqual(self._login("konsulent", REMOTE_ADDR="192.0.2.10").status_code, 302)

    def test_attempts_during_the_lockout_do_not_extend_it(self):
        with klokken(T0):
            self._lock()
        with klokken(T0 + timedelta(minutes=10)):
            self.assertEqual(self._login(password="forkert").status_code, 429)
            self.assertEqual(self._login().status_code, 429)
        with klokken(T0 + timedelta(minutes=14, seconds=59)):
            self.assertEqual(self._login().status_code, 429)
        # 15 minutes after the fifth failure, not after the later tries.
        with klokken(T0 + timedelta(minutes=15, seconds=1)):
            self.assertEqual(self._login().status_code, 302)

    @override_settings(TRUSTED_PROXIES=["10.0.0.1"])
    def test_behind_a_trusted_proxy_clients_are_told_apart_by_x_forwarded_for(self):
        self._lock(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
        self.assertEqual(self._login(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code, 429)
        self.assertEqual(self._login(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6").status_code, 302)

    @override_settings(TRUSTED_PROXIES=["10.0.0.0/24"])
    def test_behind_a_trusted_proxy_a_client_cannot_dodge_by_prepending_addresses(self):
        # The proxy appends the address it saw; what the client wrote itself is to the left of it.
        self._lock(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5")
        response = self._login(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2, 203.0.113.5, 10.0.0.2")
        self.assertEqual(response.status_code, 429)

    @override_settings(TRUSTED_PROXIES=[])
    def test_without_trust_a_forged_x_forwarded_for_is_ignored(self):
        self._lock(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.5")
        self.assertEqual(self._login(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.6").status_code, 429)

    @override_settings(TRUSTED_PROXIES=["10.0.0.1"])
    def test_x_forwarded_for_from_an_untrusted_address_is_ignored(self):
        self._lock(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.5")
        self.assertEqual(self._login(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.6").status_code, 429)


# --- Smaller things ---------------------------------------------------------------------------------------------------


class KommentarLengthTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        call_command("indlaes_omstilling", FIXTURE, stdout=io.StringIO())
        Opfoelgning.objects.create(
            aar=Budgetaar.objects.create(aar=2019), nummer=1, pr_dato=date(2019, 4, 30), dokumentdato=date(2019, 4, 12)
        )

    def test_a_follow_up_comment_over_5000_characters_is_refused(self):
        self.client.force_login(self.konsulent)
        url = "/omstilling/opfolgning/2019/1/2019/TMU-01/"
        data = {**formular(self.client.get(url).content.decode()), "indsats": "glad", "oekonomi": "glad"}
        response = self.client.post(url, {**data, "kommentar": "x" * 5001})
        self.assertContains(response, "Denne værdi må højst have 5000 tegn (den har 5001).")
        self.assertFalse(Forslagsopfoelgning.objects.exists())
        self.assertEqual(self.client.post(url, {**data, "kommentar": "x" * 5000}).status_code, 302)


class SessionTests(BaseTestCase):
    def test_a_session_ends_after_a_working_day_without_activity(self):
        with klokken(T0):
            self.client.force_login(self.udvalg)
        # Activity keeps the session alive past the first eight hours.
        for timer in (7, 14):
            with klokken(T0 + timedelta(hours=timer)):
                response = self.client.get("/")
                self.assertEqual(response.status_code, 200)
        with klokken(T0 + timedelta(hours=22, minutes=1)):
            udloebet = self.client.get("/")
        self.assertEqual(udloebet.status_code, 302)
        self.assertTrue(udloebet["Location"].startswith("/login/"))
        # Every answer renews the cookie for another eight hours.
        self.assertEqual(response.cookies["sessionid"]["max-age"], 8 * 60 * 60)

    def test_activity_renews_the_session_at_most_once_a_minute(self):
        from django.contrib.sessions.models import Session
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with klokken(T0):
            self.client.force_login(self.udvalg)
            self.client.get("/")
        noegle = self.client.session.session_key

        def side(tid):
            with klokken(tid), CaptureQueriesContext(connection) as forespoergsler:
                response = self.client.get("/")
            self.assertEqual(response.status_code, 200)
            skrevet = [q for q in forespoergsler if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
            return response, skrevet, Session.objects.get(session_key=noegle).expire_date

        # Within the minute: no write, and no new cookie; the expiry stays where the first page left it.
        response, skrevet, udloeb = side(T0 + timedelta(seconds=59))
        self.assertEqual(skrevet, [])
        self.assertNotIn("sessionid", response.cookies)
        self.assertEqual(udloeb, T0 + timedelta(hours=8))
        # A minute after: the session is saved with eight hours from now, and the cookie with it.
        response, skrevet, udloeb = side(T0 + timedelta(seconds=61))
        self.assertEqual(len(skrevet), 1)
        self.assertEqual(udloeb, T0 + timedelta(hours=8, seconds=61))
        self.assertEqual(response.cookies["sessionid"]["max-age"], 8 * 60 * 60)

    def test_a_made_up_or_expired_session_is_not_renewed_into_a_new_one(self):
        from django.contrib.sessions.backends.db import SessionStore
        from django.http import HttpResponse
        from django.test import RequestFactory

        from kerne.middleware import SessionFornyelseMiddleware

        # A cookie naming no stored session, on a request that never looked at the session (a 404, a redirect to
        # add a slash): marking it would make SessionMiddleware store a new session for nobody.
        request = RequestFactory().get("/findesikke")
        request.session = SessionStore("x" * 32)
        SessionFornyelseMiddleware(lambda r: HttpResponse())(request)
        self.assertFalse(request.session.modified)
        self.assertTrue(request.session.is_empty())

    def test_the_session_user_comes_with_its_roles_and_a_changed_role_counts_at_the_next_request(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.client.force_login(self.okonomi)
        self.client.get("/")
        with CaptureQueriesContext(connection) as forespoergsler:
            self.assertEqual(self.client.get("/rammer/").status_code, 200)
        # One query reads the user and its roles; none reads the roles on their own.
        self.assertEqual([q["sql"] for q in forespoergsler if q["sql"].startswith('SELECT "auth_group"')], [])
        self.assertEqual(len([q for q in forespoergsler if 'FROM "auth_user"' in q["sql"]]), 1)
        # Taken out of Center for Økonomi: the admin is closed at the very next request.
        self.assertEqual(self.client.get("/opfolgning/indlaes/").status_code, 200)
        self.okonomi.groups.clear()
        self.assertEqual(self.client.get("/opfolgning/indlaes/").status_code, 403)
        self.okonomi.groups.add(Group.objects.get(name=roller.OKONOMI))
        self.assertEqual(self.client.get("/opfolgning/indlaes/").status_code, 200)
        # A deactivated account's session ends.
        User.objects.filter(pk=self.okonomi.pk).update(is_active=False)
        self.assertEqual(self.client.get("/opfolgning/indlaes/").status_code, 302)

    def test_env_int_reads_minutes_and_fails_loudly(self):
        env_int = projekt_settings.env_int
        with mock.patch.dict("os.environ", {"SESSION_IDLE_TIMEOUT_MINUTES": "30"}):
            self.assertEqual(env_int("SESSION_IDLE_TIMEOUT_MINUTES", 480), 30)
        with mock.patch.dict("os.environ", {"SESSION_IDLE_TIMEOUT_MINUTES": ""}):
            self.assertEqual(env_int("SESSION_IDLE_TIMEOUT_MINUTES", 480), 480)
        with mock.patch.dict("os.environ", {"SESSION_IDLE_TIMEOUT_MINUTES": "otte timer"}):
            with self.assertRaises(ImproperlyConfigured):
                env_int("SESSION_IDLE_TIMEOUT_MINUTES", 480)


class DownloadCacheTests(DemoTestCase):
    def test_every_download_is_private(self):
        self.client.force_login(self.okonomi)
        urls = [
            "/opfolgning/2024/1/tabeller.xlsx",
            "/opfolgning/2024/1/tabel-1.csv",
            "/opfolgning/2024/2/tabel-2.csv",
            "/omstilling/2019/oversigt.xlsx",
            "/rammer/2023/30.46/ledelsesinformation/underretninger.svg",
        ]
        svar = {url: self.client.get(url) for url in urls}
        self.assertEqual({url: r.status_code for url, r in svar.items()}, dict.fromkeys(urls, 200))
        offentlige = [url for url, r in svar.items() if "private" not in r.get("Cache-Control", "")]
        self.assertEqual(offentlige, [])


@override_settings(DEBUG=False)
class ForbiddenLogTests(BaseTestCase):
    def test_a_403_is_logged_as_one_line_without_a_traceback(self):
        self.client.force_login(self.udvalg)
        with self.assertLogs("django.request", "WARNING") as logs:
            self.assertEqual(self.client.get("/opfolgning/ny/").status_code, 403)
        [record] = logs.records
        self.assertIsNone(record.exc_info)
        self.assertEqual(record.getMessage(), "Forbidden (Permission denied): /opfolgning/ny/")
        self.assertNotIn("\n", logs.output[0])
