from django.urls import path

from mantto.audit import views

app_name = "audit"
urlpatterns = [path("bitacora/", views.audit_list, name="list")]
