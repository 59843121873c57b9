from django.apps import AppConfig


class BudgetopfolgningConfig(AppConfig):
    name = "budgetopfolgning"
    verbose_name = "Budgetopfølgning"

    def ready(self) -> None:
        from budgetopfolgning import mellemlager

        mellemlager.forbind()
