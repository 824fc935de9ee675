import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()


def _warm_up() -> None:
    from escalations.reports.render import warm_up

    warm_up()


# the report's plotting and PDF libraries take seconds to import: not on a person's first request
threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()
