import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

# The report's plotting and PDF libraries take seconds to import: here, as the server starts,
# not on a person's first report. In the importing thread (no background thread to be caught
# half-way by gunicorn's fork under --preload, when the workers inherit them already imported).
from escalations.reports.render import warm_up  # noqa: E402

warm_up()
