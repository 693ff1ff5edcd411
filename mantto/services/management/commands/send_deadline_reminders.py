"""Run from cron or by hand; the django-tasks task does the same from the worker."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from mantto.services.delivery import send_deadline_reminders


class Command(BaseCommand):
    help = "Avisa a los talleres de autorizaciones cuya ventana de 30 días está por cerrar."

    def handle(self, *args, **options):
        sent = send_deadline_reminders(timezone.now())
        self.stdout.write(f"Recordatorios enviados: {sent}")
