from django.apps import AppConfig


class RammerConfig(AppConfig):
    name = "rammer"
    verbose_name = "Udvalg og bevillingsrammer"
