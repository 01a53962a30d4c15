"""`gunicorn minimal.wsgi --workers 2 --threads 4` with bench/ on the Python path."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minimal.settings")
application = get_wsgi_application()
