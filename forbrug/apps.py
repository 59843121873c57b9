from django.apps import AppConfig


class ForbrugConfig(AppConfig):
    name = "forbrug"
    verbose_name = "Forbrug og periodisering"

    def ready(self) -> None:
        # The forbrug file uploaded in the browser runs as a background job with its progress shown (kerne/jobs.py).
        from forbrug import services, signaler
        from kerne import jobs

        jobs.registrer("forbrug", services.koer_forbrugimport)
        signaler.forbind()
