"""WSGI entry point of the exchange gateway's own server process (settings_gateway):

    granian --interface wsgi --workers 2 --blocking-threads 4 jingchu.wsgi_gateway:application
"""

import os

from jingchu.core.wsgi import buffered_application

# Always the gateway's settings: this entry point must never serve the portal's pages.
os.environ["DJANGO_SETTINGS_MODULE"] = "jingchu.settings_gateway"
application = buffered_application()  # bytes at once (jingchu.core.wsgi)
