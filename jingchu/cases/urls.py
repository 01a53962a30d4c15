from jingchu.cases.views import applicant, workbench

app_name = "cases"
urlpatterns = applicant.urlpatterns + workbench.urlpatterns
