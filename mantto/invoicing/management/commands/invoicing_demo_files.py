"""Demo only: signed and stamped CFDI for every service waiting for its invoice, so the
upload screens can be tried by hand (``make run``, then upload var/demo-cfdi/<RFC>/*.xml).

It writes the test kit's fake SAT certificate into SAT_CERTS_DIR, which would make fake
stamps verify: so it refuses unless the fiscal profile is the demo one. The fake keys
are new on every run; restart the server after running it.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mantto.cfdi import testing
from mantto.cfdi.testpki import csd, write_sat_cert
from mantto.sat.models import FiscalProfile
from mantto.services.models import ServiceRequest


class Command(BaseCommand):
    help = "Genera CFDI de prueba para los servicios pendientes de facturar (solo demo)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", default=str(settings.VAR_DIR / "demo-cfdi"))

    def handle(self, *args, out: str, **options) -> None:
        profile = FiscalProfile.current()
        if profile is None or not profile.is_demo:
            raise CommandError("Solo con los datos fiscales de demostración (manage.py demo).")
        write_sat_cert(settings.SAT_CERTS_DIR)
        receptor = {
            "Rfc": profile.rfc,
            "Nombre": profile.name,
            "DomicilioFiscalReceptor": profile.postal_code,
            "RegimenFiscalReceptor": profile.regimen_fiscal,
            "UsoCFDI": (profile.allowed_uso_cfdi or ["G03"])[0],
        }
        pending = ServiceRequest.objects.filter(
            state=ServiceRequest.State.DELIVERED,
            invoice_accepted_at__isnull=True,
            authorization_number__isnull=False,
        ).select_related("supplier")
        count = 0
        for service in pending:
            supplier = service.supplier
            conceptos = [
                testing.Concepto(
                    valor_unitario=str(line.unit_price),
                    cantidad=str(line.quantity.normalize()),
                    descripcion=line.description,
                    iva=f"{line.iva_rate:.6f}",
                )
                for line in service.authorized_lines()
            ]
            xml = testing.make_invoice(
                emisor={"Rfc": supplier.rfc, "Nombre": supplier.name.upper()},
                receptor=receptor,
                conceptos=conceptos or None,
                csd=csd(supplier.rfc),
                addenda=(
                    '<taller:Datos xmlns:taller="http://taller.example.com/addenda" '
                    f'Autorizacion="{service.authorization_number}" Ticket="{service.ticket}"/>'
                ),
            )
            folder = Path(out) / supplier.rfc
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{service.ticket}.xml").write_bytes(xml)
            count += 1
        self.stdout.write(f"{count} CFDI escritos en {out}; reinicia el servidor.")
