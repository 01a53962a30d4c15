from jingchu.cases.views import applicant, prefill, workbench

app_name = "cases"
urlpatterns = applicant.urlpatterns + prefill.urlpatterns + workbench.urlpatterns
