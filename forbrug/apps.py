from django.apps import AppConfig


class ForbrugConfig(AppConfig):
    name = "forbrug"
    verbose_name = "Forbrug og periodisering"
