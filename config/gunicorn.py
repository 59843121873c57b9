"""gunicorn's settings for `make serve`: everything that differs between installations comes from the environment.

Read by gunicorn (`gunicorn -c config/gunicorn.py config.wsgi`), not by Django. Each process shares nothing with the
others but the database (and Redis where jobs run): sessions live in the database and static files are served from
the collected, hashed files by WhiteNoise, so any number of processes or machines can stand behind one proxy.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Rendering a Bilag or a workbook holds a worker for seconds; threads keep the other requests moving meanwhile.
workers = int(os.environ.get("GUNICORN_WORKERS", str(min(4, multiprocessing.cpu_count() * 2 + 1))))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# A worker is replaced after this many requests (spread by the jitter), so a slow leak never grows for weeks.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))
# The reverse proxy is the only client; X-Forwarded-* is read by Django (SECURE_PROXY_SSL_HEADER, TRUSTED_PROXIES).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Empty turns the access log off (the app logs each request itself when LOG_FORMAT=json).
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
wsgi_app = "config.wsgi:application"
# gunicorn's control socket lives at one fixed path per user; two servers on one machine (two ports, as in the
# tests) would fight over it, and systemd already controls the process.
control_socket_disable = True

# The master imports the app, its URLs (and with them every view, WeasyPrint, openpyxl) and the main pages'
# templates before it forks the workers, so no user pays the import time of a fresh worker (seconds), and a worker
# replaced after max_requests starts warm. Nothing here may leave a database connection open: the forked workers would
# share its socket. Django opens connections only on a query, and `when_ready` closes any a check may have opened.
preload_app = True


def when_ready(server):
    from django.db import connections
    from django.template.loader import get_template
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    for navn in ("budgetopfolgning/opfoelgning.html", "budgetopfolgning/udvalg.html", "budgetopfolgning/ramme.html",
                 "budgetopfolgning/_tabel.html", "budgetopfolgning/forside.html"):
        get_template(navn)
    connections.close_all()
