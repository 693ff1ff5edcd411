from django.urls import include, path

urlpatterns = [
    path("", include("mantto.core.urls")),
    path("", include("mantto.accounts.urls")),
    path("", include("mantto.audit.urls")),
]
