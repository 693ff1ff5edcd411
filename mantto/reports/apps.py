from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "mantto.reports"
    label = "reports"
