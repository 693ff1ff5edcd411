"""Load demo data. Idempotent: running it twice changes nothing."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from mantto.core.demo import load_demo


class Command(BaseCommand):
    help = "Carga datos de demostración (idempotente) e imprime las cuentas de prueba."

    def handle(self, *args, **options):
        with transaction.atomic():
            accounts = load_demo()
        self.stdout.write("Cuentas de demostración (la llave de acceso llega a var/mail/):")
        for email, role, supplier in accounts:
            extra = f" · {supplier}" if supplier else ""
            self.stdout.write(f"  {email:38} {role}{extra}")
