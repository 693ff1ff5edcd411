from django.apps import AppConfig


class InvoicingConfig(AppConfig):
    name = "mantto.invoicing"
    label = "invoicing"
