from django.apps import AppConfig


class SatConfig(AppConfig):
    name = "mantto.sat"
    label = "sat"
