from jingchu.identity.views import account, auth, clients, entities

app_name = "identity"
urlpatterns = auth.urlpatterns + account.urlpatterns + entities.urlpatterns + clients.urlpatterns
