from django.apps import AppConfig


class KerneConfig(AppConfig):
    """The shared kernel every app builds on: the money field and its parsing and formatting, the PDF renderer,
    the roles, the optimistic locking of the edit pages. It has no tables (its one model is abstract) and imports
    none of the apps."""

    name = "kerne"
    verbose_name = "Fælles"
