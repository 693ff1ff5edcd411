from django.urls import path

from mantto.invoicing import views

app_name = "invoicing"
urlpatterns = [
    path("facturas/", views.upload, name="upload"),
    path("facturas/centro-de-costos/", views.cc_fields, name="cc_fields"),
    path("facturas/historial/", views.history, name="history"),
    path("facturas/historial.<str:fmt>", views.export, name="export"),
    path("facturas/carga/<uuid:code>/", views.batch, name="batch"),
    path("facturas/carga/<uuid:code>/enviar/", views.send_batch, name="send_batch"),
    path("facturas/<uuid:code>/", views.detail, name="detail"),
    path("facturas/<uuid:code>/enviar/", views.send, name="send"),
    path("facturas/<uuid:code>/centro-de-costos/", views.cost_centre, name="cost_centre"),
    path("facturas/<uuid:code>/impresion/", views.print_view, name="print"),
    path("facturas/<uuid:code>/descargar/<str:which>/", views.download, name="download"),
    path("facturas-recibidas/", views.queue, name="queue"),
    path("facturas-recibidas/<uuid:code>/decidir/", views.decide, name="decide"),
]
