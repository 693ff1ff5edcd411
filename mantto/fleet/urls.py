from django.urls import path

from mantto.fleet import views

app_name = "fleet"
urlpatterns = [
    path("flota/", views.vehicle_list, name="vehicles"),
    path("flota/buscar/", views.vehicle_search, name="vehicle_search"),
    path("flota/importar/", views.vehicle_import, name="import"),
]
