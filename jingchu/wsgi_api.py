"""WSGI entry point of the API's own server process for bearer-token callers (settings_api):

    granian --interface wsgi --workers 2 --blocking-threads 4 jingchu.wsgi_api:application
"""

import os

from jingchu.core.wsgi import hot_api_application

# Always the API's settings: this entry point must never serve the portal's pages.
os.environ["DJANGO_SETTINGS_MODULE"] = "jingchu.settings_api"
application = hot_api_application()  # bytes at once, hot operations (jingchu.core.wsgi)
