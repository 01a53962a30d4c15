"""Pages of the lake, one module per area (datasets, quality, linkage), each with its
`urlpatterns`."""
