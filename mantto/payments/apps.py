from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "mantto.payments"
    label = "payments"
