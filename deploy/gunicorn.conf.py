"""gunicorn settings for one 2-core machine (`gunicorn -c deploy/gunicorn.conf.py povertyportal.wsgi`).

Two worker processes (one per core) of four threads each: a page spends most of its time waiting on
PostgreSQL, so threads keep both cores busy without a process per request; with DATABASE_CONN_MAX_AGE
(60 s in production) each thread keeps its database connection. Exports and imports never run here: the
task worker (`manage.py db_worker`) runs beside gunicorn as its own service.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread"
# A request that takes longer than this is a bug (long work goes to the task worker).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Recycle a worker now and then, so a slow leak never grows for weeks.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
