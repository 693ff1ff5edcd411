"""Fixtures of the invoicing tests: the fleet company's fiscal data, a delivered and
authorized service, and real CFDI signed with the supplier's CSD and stamped by the
fake SAT of mantto.cfdi.testpki."""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from datetime import timedelta
from decimal import Decimal
from itertools import count
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mantto.cfdi import testing
from mantto.cfdi.testpki import csd, write_sat_cert
from mantto.core.testing import BaseTestCase
from mantto.fleet.models import Client, CostCentre, Vehicle
from mantto.invoicing import reading, services
from mantto.sat.models import FiscalProfile
from mantto.services.models import QuoteLine, ServiceRequest

_numbers = count(1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# The default invoice of mantto.cfdi.testing: 1 × 3,500.00 + 2 × 450.50, IVA 16 %.
LINES = [
    ("Servicio de mantenimiento preventivo", "1", "3500.00"),
    ("Balatas delanteras", "2", "450.50"),
]
TOTAL = Decimal("5105.16")


def addenda(aut, ticket) -> str:
    return (
        '<taller:Datos xmlns:taller="http://taller.example.com/addenda" '
        f'Autorizacion="{aut}" Ticket="{ticket}"/>'
    )


class InvoicingTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        FiscalProfile.objects.create(
            pk=1,
            rfc=testing.RECEPTOR["Rfc"],
            name=testing.RECEPTOR["Nombre"],
            postal_code=testing.RECEPTOR["DomicilioFiscalReceptor"],
            regimen_fiscal=testing.RECEPTOR["RegimenFiscalReceptor"],
            allowed_uso_cfdi=["G03", "G02"],
        )
        cls.client_co = Client.objects.create(name="Cliente Demo SA", rfc="CDE010101AA1")
        cls.cc = CostCentre.objects.create(
            client=cls.client_co,
            key="CC-100",
            name="Ventas",
            required_fields=[
                {"name": "orden_compra", "label": "Orden de compra", "pattern": r"^OC-[0-9]{6}$"}
            ],
        )
        cls.vehicle = Vehicle.objects.create(
            plate="ABC1234", vin="3N1AB7AP5KY000001", make="Nissan", model="Versa",
            year=2023, client=cls.client_co, cost_centre=cls.cc,
        )  # fmt: skip
        cls.cc_ok = {"orden_compra": "OC-123456"}

    def setUp(self) -> None:
        super().setUp()
        tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, tmp, ignore_errors=True)
        self.media = tmp / "media"
        certs = tmp / "certs"
        write_sat_cert(certs)
        override = self.settings(MEDIA_ROOT=self.media, SAT_CERTS_DIR=certs)
        override.enable()
        self.addCleanup(override.disable)
        reading._store.cache_clear()
        self.addCleanup(reading._store.cache_clear)
        self.now = timezone.now()

    # ---- services ---------------------------------------------------------------------
    def service(self, supplier=None, *, authorized_days=2, delivered_hours=2, delivered=True,
                lines=LINES, cost_centre="default") -> ServiceRequest:  # fmt: skip
        n = next(_numbers)
        authorized_at = self.now - timedelta(days=authorized_days)
        s = ServiceRequest.objects.create(
            ticket=f"TKT-2026-{n:06d}",
            state="entregado" if delivered else "autorizado",
            vehicle=self.vehicle,
            client=self.client_co,
            cost_centre=self.cc if cost_centre == "default" else cost_centre,
            service_type="preventivo",
            symptom="Servicio",
            reported_odometer=1000,
            location="CDMX",
            supplier=supplier or self.supplier,
            created_by=self.coordinador,
            created=authorized_at - timedelta(days=1),
            authorization_number=20_000_000 + n,
            authorized_at=authorized_at,
            authorized_by=self.coordinador,
            delivered_at=self.now - timedelta(hours=delivered_hours) if delivered else None,
        )
        for desc, qty, price in lines:
            QuoteLine.objects.create(
                service=s, kind="refaccion", description=desc, item_key=desc.lower(),
                quantity=Decimal(qty), unit_price=Decimal(price), authorized=True,
                created=authorized_at,
            )  # fmt: skip
        s.authorized_amount = s.authorized_totals()["total"]
        s.save(update_fields=["authorized_amount"])
        return s

    # ---- documents --------------------------------------------------------------------
    def xml(self, service=None, *, supplier=None, aut=None, ticket=None, **kw) -> bytes:
        supplier = supplier or self.supplier
        if service is not None and "addenda" not in kw:
            kw["addenda"] = addenda(aut or service.authorization_number, ticket or service.ticket)
        emisor = {"Rfc": supplier.rfc, "Nombre": supplier.name.upper(), **kw.pop("emisor", {})}
        return testing.make_invoice(emisor=emisor, csd=csd(supplier.rfc), **kw)

    def credit_note_xml(self, related_uuid, supplier=None, **kw) -> bytes:
        supplier = supplier or self.supplier
        return testing.make_credit_note(
            related_uuid,
            emisor={"Rfc": supplier.rfc, "Nombre": supplier.name.upper()},
            csd=csd(supplier.rfc),
            **kw,
        )

    def payment_xml(self, related_uuid=None, supplier=None, **kw) -> bytes:
        supplier = supplier or self.supplier
        return testing.make_payment(
            related_uuid,
            emisor={"Rfc": supplier.rfc, "Nombre": supplier.name.upper()},
            csd=csd(supplier.rfc),
            **kw,
        )

    def upload(self, data: bytes, service=None, *, user=None, kind="I", **kw):
        kw.setdefault("cost_centre_data", self.cc_ok)
        if service is not None:
            kw.setdefault("typed_authorization", str(service.authorization_number))
            kw.setdefault("typed_ticket", service.ticket)
        return services.upload_document(
            user or self.owner, xml_name="factura.xml", xml_data=data, kind=kind,
            now=kw.pop("now", self.now), **kw,
        )  # fmt: skip

    def accepted_invoice(self, service=None):
        service = service or self.service()
        doc = self.upload(self.xml(service), service)
        services.send_document(self.owner, doc, now=self.now)
        return services.accept_document(self.finanzas, doc, now=self.now)

    def codes(self, doc) -> list[str]:
        return [f["code"] for f in doc.findings]

    def error_codes(self, doc) -> list[str]:
        return [f["code"] for f in doc.errors]


def file(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def make_zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()
