from django.apps import AppConfig


class OmstillingConfig(AppConfig):
    name = "omstilling"
    verbose_name = "Omstillingsforslag"

    def ready(self):
        # A locked round freezes its follow-up of the proposals along with its own figures (see laasning.py).
        from budgetopfolgning import laasning
        from omstilling import forslagsstatus, mellemlager

        mellemlager.forbind()

        laasning.registrer(
            laasning.Frysning(
                navn="omstillingsforslag", frys=forslagsstatus.frys, verificer=forslagsstatus.verificer
            )
        )
