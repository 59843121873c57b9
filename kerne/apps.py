from django.apps import AppConfig


class KerneConfig(AppConfig):
    """The shared kernel every app builds on: the money field and its parsing and formatting, the PDF renderer,
    the roles, the optimistic locking of the edit pages, and the logs (structured lines and the access log)."""

    name = "kerne"
    verbose_name = "Fælles"

    def ready(self) -> None:
        # Failed logins and lockouts are logged (who tried, from where); the handlers only write log lines.
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_login_failed

        from kerne import logning

        user_login_failed.connect(logning.mislykket_login, dispatch_uid="kerne.mislykket_login")
        user_locked_out.connect(logning.laast_ude, dispatch_uid="kerne.laast_ude")
