from django.apps import AppConfig


class BudgetopfolgningConfig(AppConfig):
    name = "budgetopfolgning"
    verbose_name = "Budgetopfølgning"
