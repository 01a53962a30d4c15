"""Case pages, one module per audience; each module exposes its own `urlpatterns`."""
