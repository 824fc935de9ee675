"""The Celery app of larger deployments: a worker with beat runs the timer sweep every minute
(``workflows.tasks.sweep_timers``, scheduled by ``CELERY_BEAT_SCHEDULE``), the same sweep that
``manage.py run_timers --loop`` runs locally (docs/adr/0009-celery.md).

    celery -A config worker -B      # worker and beat in one process, or
    celery -A config worker         # any number of workers
    celery -A config beat           # and one beat

Settings come from Django's, those named ``CELERY_...``. Nothing here connects to the broker:
that happens when a worker starts or a task is sent.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("resolve")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()  # lazy: each installed app's tasks module, when a worker starts
