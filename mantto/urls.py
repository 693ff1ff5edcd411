from django.urls import include, path

urlpatterns = [
    path("", include("mantto.core.urls")),
    path("", include("mantto.accounts.urls")),
    path("", include("mantto.audit.urls")),
    path("", include("mantto.services.urls")),
    path("", include("mantto.fleet.urls")),
    path("", include("mantto.suppliers.urls")),
    path("", include("mantto.reports.urls")),
    path("", include("mantto.invoicing.urls")),
]
