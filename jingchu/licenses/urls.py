"""Pages of 电子证照 under /licences/ (namespace "licenses"). The wallet's catch-all
`<identifier>/` comes last: "verify/" and "issued/" are matched before it."""

from jingchu.licenses.views import issued, public, wallet

app_name = "licenses"
urlpatterns = public.urlpatterns + issued.urlpatterns + wallet.urlpatterns

# The bulk import's pages ("imports/..."), also before the wallet's catch-all.
from jingchu.licenses import import_views  # noqa: E402

urlpatterns = import_views.urlpatterns + urlpatterns
