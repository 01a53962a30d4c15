from django.urls import URLPattern

from jingchu.reviews.views import applicant, phone, public, staff, window

app_name = "reviews"
urlpatterns: list[URLPattern] = (
    applicant.urlpatterns + staff.urlpatterns + window.urlpatterns + phone.urlpatterns
    + public.urlpatterns
)
