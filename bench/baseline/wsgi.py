"""WSGI entry point for the baseline project (``bench.baseline.wsgi:application``)."""

import os

from django.core.wsgi import get_wsgi_application

# setdefault so a caller can still point at other settings; the runner sets it explicitly anyway.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.baseline.settings")

application = get_wsgi_application()
