from django.apps import AppConfig


class FleetConfig(AppConfig):
    name = "mantto.fleet"
    label = "fleet"
