from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "mantto.services"
    label = "services"
