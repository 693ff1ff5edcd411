from django.urls import path

from mantto.suppliers import views

app_name = "suppliers"
urlpatterns = [
    path("talleres/", views.supplier_list, name="list"),
    path("talleres/<uuid:code>/", views.supplier_detail, name="detail"),
]
