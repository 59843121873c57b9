"""The Celery app: background jobs (the Bilag after a lock).

Without CELERY_BROKER_URL (the embedded default: `make run`, the tests) every job runs at once in the process that
asks for it, so nothing but Python is needed. With it (Redis or RabbitMQ), `make worker` runs them.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("budgetopfolgning")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")
