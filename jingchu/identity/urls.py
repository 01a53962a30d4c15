from django.contrib.auth import views as auth_views
from django.urls import path

from jingchu.identity import views

app_name = "identity"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.account, name="account"),
]
