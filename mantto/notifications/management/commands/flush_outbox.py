from django.core.management.base import BaseCommand

from mantto.notifications.services import flush_outbox


class Command(BaseCommand):
    help = "Envía los correos en cola cuyo intento ya toca (recupera tareas perdidas)."

    def handle(self, *args, **options):
        sent = flush_outbox()
        self.stdout.write(f"Enviados: {sent}")
