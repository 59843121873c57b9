from django.apps import AppConfig


class BudgetopfolgningConfig(AppConfig):
    name = "budgetopfolgning"
    verbose_name = "Budgetopfølgning"

    def ready(self) -> None:
        from budgetopfolgning import mellemlager, services
        from kerne import jobs

        mellemlager.forbind()
        # The budget file uploaded in the browser runs as a background job with its progress shown (kerne/jobs.py).
        jobs.registrer("budget", services.koer_budgetimport)
