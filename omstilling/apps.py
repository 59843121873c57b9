from django.apps import AppConfig


class OmstillingConfig(AppConfig):
    name = "omstilling"
    verbose_name = "Omstillingsforslag"
