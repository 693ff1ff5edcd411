from django.urls import path

from mantto.accounts import views

app_name = "accounts"
urlpatterns = [
    path("ingresar/", views.login_view, name="login"),
    path("salir/", views.logout_view, name="logout"),
    path("usuarios/", views.users_list, name="users"),
    path("usuarios/invitar/", views.user_invite, name="invite"),
    path("usuarios/<uuid:code>/", views.user_edit, name="edit"),
    path(
        "usuarios/<uuid:code>/desactivar/",
        views.user_set_active,
        {"active": False},
        name="deactivate",
    ),
    path("usuarios/<uuid:code>/activar/", views.user_set_active, {"active": True}, name="activate"),
]
