# The Celery app is loaded with Django, so the jobs' @shared_task binds to it in the web processes too.
from config.celery import app as celery_app

__all__ = ["celery_app"]
