"""WSGI entry point of the API's own server process for bearer-token callers (settings_api):

    granian --interface wsgi --workers 3 --blocking-threads 8 jingchu.wsgi_api:application
"""

import os
import sys

import django

from jingchu.core.wsgi import HotPathHandler, WSGIApp, buffered

# Always the API's settings: this entry point must never serve the portal's pages.
os.environ["DJANGO_SETTINGS_MODULE"] = "jingchu.settings_api"


def _application() -> WSGIApp:
    """Bytes at once, the API's hot operations (jingchu.core.wsgi), and the process's switch
    interval (JINGCHU_API_SWITCH_INTERVAL_MS)."""
    django.setup(set_prefix=False)
    from django.conf import settings

    from jingchu.api import hot_operations  # the API's modules need Django set up

    sys.setswitchinterval(settings.API_SWITCH_INTERVAL_MS / 1000)
    return buffered(HotPathHandler(hot_operations()))


application = _application()
