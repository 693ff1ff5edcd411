from django.urls import path

from mantto.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("seccion/<slug:key>/", views.section, name="section"),
    path("aclaraciones/", views.aclaraciones, name="aclaraciones"),
    path("healthz/", views.healthz, name="healthz"),
    path("dev/correos/", views.dev_mail, name="dev_mail"),
]
