from django.urls import path

from mantto.services import views, views_catalogue, views_public

app_name = "services"
urlpatterns = [
    path("servicios/", views.service_list, name="list"),
    path("servicios/nueva/", views.service_new, name="new"),
    path("servicios/<uuid:code>/", views.service_detail, name="detail"),
    path("servicios/<uuid:code>/asignar/", views.service_assign, name="assign"),
    path("servicios/<uuid:code>/recepcion/", views.service_receive, name="receive"),
    path("servicios/<uuid:code>/cotizacion/", views.service_quote, name="quote"),
    path("servicios/<uuid:code>/cotizacion/enviar/", views.submit_quote, name="submit_quote"),
    path("servicios/<uuid:code>/adjuntar/", views.service_evidence, name="evidence"),
    path("servicios/<uuid:code>/revisar/", views.service_review, name="review"),
    path("servicios/<uuid:code>/autorizar/", views.service_authorize, name="authorize"),
    path("servicios/<uuid:code>/rechazar/", views.service_reject, name="reject"),
    path(
        "servicios/<uuid:code>/pedir-cambios/",
        views.service_reject,
        {"changes": True},
        name="changes",
    ),
    path("servicios/<uuid:code>/avance/", views.service_progress, name="progress"),
    path("servicios/<uuid:code>/terminar/", views.service_finish, name="finish"),
    path("servicios/<uuid:code>/entrega/", views.service_deliver, name="deliver"),
    path("partidas/<uuid:code>/borrar/", views.line_delete, name="line_delete"),
    path("adjuntos/<uuid:code>/", views.attachment, name="attachment"),
    path("autorizaciones/", views.authorizations, name="authorizations"),
    path("precios/", views_catalogue.price_list, name="prices"),
    path("precios/nuevo/", views_catalogue.price_edit, name="price_new"),
    path("precios/<uuid:code>/", views_catalogue.price_edit, name="price_edit"),
    path("encuesta/<str:token>/", views_public.survey, name="survey"),
]
