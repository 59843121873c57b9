from django.apps import AppConfig


class RammeindsigtConfig(AppConfig):
    """The ramme in depth: a ramme's own page across rounds, its årsregnskab, ledelsesinformation and budget model.
    Built on the master data (rammer) and the rounds (budgetopfolgning); the data itself lives with the master data."""

    name = "rammeindsigt"
    verbose_name = "Rammen i dybden"
