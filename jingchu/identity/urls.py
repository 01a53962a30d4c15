from jingchu.identity.views import account, auth

app_name = "identity"
urlpatterns = auth.urlpatterns + account.urlpatterns
