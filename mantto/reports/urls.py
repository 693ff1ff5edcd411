from django.urls import path

from mantto.reports import views

app_name = "reports"
urlpatterns = [
    path(
        "reportes/autorizaciones-pendientes.<str:fmt>",
        views.pending_authorizations,
        name="pending_authorizations",
    ),
]
