from django.urls import URLPattern

from jingchu.payments.views import urlpatterns as page_urls

app_name = "payments"
urlpatterns: list[URLPattern] = page_urls
