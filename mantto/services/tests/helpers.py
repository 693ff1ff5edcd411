"""Shared fixtures of the service-order tests: a client, a vehicle, and shortcuts that
take a service to a given state through the real service functions."""

from __future__ import annotations

import base64
import io
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mantto.core.testing import BaseTestCase
from mantto.fleet.models import Client, CostCentre, Driver, Vehicle
from mantto.services import authorization as auth
from mantto.services import delivery
from mantto.services import services as svc
from mantto.services.models import ReferencePrice, ServiceRequest

NOW = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)  # 12:00 in Mexico City


def png_bytes(size=(200, 80)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "white").save(buf, "PNG")
    return buf.getvalue()


def jpeg_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buf, "JPEG")
    return buf.getvalue()


def png_data_url(size=(200, 80)) -> str:
    return "data:image/png;base64," + base64.b64encode(png_bytes(size)).decode()


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


class ServiceTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.supplier.service_types = ["preventivo", "correctivo"]
        cls.supplier.zone = "CDMX Norte"
        cls.supplier.save()
        cls.other_supplier.service_types = ["correctivo", "hojalateria"]
        cls.other_supplier.zone = "CDMX Sur"
        cls.other_supplier.save()
        cls.client_co = Client.objects.create(
            name="Distribuidora Demo SA de CV", rfc="DDE010101AA1"
        )
        cls.cc = CostCentre.objects.create(
            client=cls.client_co,
            key="CC-100",
            name="Ventas",
            required_fields=[
                {
                    "name": "orden_compra",
                    "label": "Orden de compra",
                    "pattern": r"^OC-[0-9]{6}$",
                    "help": "Formato OC-123456",
                },
            ],
        )
        cls.driver = Driver.objects.create(
            client=cls.client_co, name="Daniel Conductor", email="daniel@cliente.example.com"
        )
        cls.vehicle = Vehicle.objects.create(
            plate="ABC1234",
            vin="3N1AB7AP5KY000001",
            make="Nissan",
            model="Versa",
            year=2023,
            client=cls.client_co,
            cost_centre=cls.cc,
            driver=cls.driver,
            odometer=20000,
        )
        cls.ref_oil = ReferencePrice.objects.create(
            key="ACEITE",
            description="Aceite 5W-30 litro",
            kind="refaccion",
            unit_price=Decimal("185.00"),
            tolerance_pct=Decimal("10"),
        )

    def setUp(self) -> None:
        super().setUp()
        media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        override = self.settings(MEDIA_ROOT=media)
        override.enable()
        self.addCleanup(override.disable)

    # ---- shortcuts through the real steps ------------------------------------------
    def requested(self, now=NOW, **kw) -> ServiceRequest:
        values = {
            "vehicle": self.vehicle,
            "driver": self.driver,
            "service_type": "preventivo",
            "symptom": "Servicio de los 20,000 km",
            "odometer": 20100,
            "location": "Av. Reforma 1, CDMX",
        }
        values.update(kw)
        return svc.register_request(self.coordinador, now=now, **values)

    def assigned(self, now=NOW, **kw) -> ServiceRequest:
        s = self.requested(now, **kw)
        return svc.assign_workshop(
            self.coordinador, s, self.supplier, now=now + timedelta(minutes=5)
        )

    def received(self, now=NOW, **kw) -> ServiceRequest:
        s = self.assigned(now, **kw)
        t = now + timedelta(hours=1)
        return svc.confirm_reception(self.owner, s, received_at=t, odometer=20150, now=t)

    def add_lines(self, s, now=NOW, lines=None):
        lines = lines or [
            ("refaccion", "Aceite 5W-30 litro", "4", "185.00", self.ref_oil),
            ("mano_obra", "Mano de obra servicio", "1", "650.00", None),
        ]
        for kind, desc, qty, price, ref in lines:
            svc.add_quote_line(
                self.owner,
                s,
                kind=kind,
                description=desc,
                quantity=qty,
                unit_price=price,
                reference=ref,
                now=now + timedelta(hours=1, minutes=10),
            )

    def quoted(self, now=NOW, lines=None, **kw) -> ServiceRequest:
        s = self.received(now, **kw)
        self.add_lines(s, now, lines)
        return svc.submit_quote(
            self.owner, s, diagnosis="Cambio de aceite y filtro", now=now + timedelta(hours=2)
        )

    def authorized(self, now=NOW, **kw) -> ServiceRequest:
        s = self.quoted(now, **kw)
        return auth.authorize_service(self.coordinador, s, now=now + timedelta(hours=3))

    def finished(self, now=NOW, **kw) -> ServiceRequest:
        s = self.authorized(now, **kw)
        return delivery.finish_service(self.owner, s, now=now + timedelta(hours=5))

    def delivered(self, now=NOW, **kw) -> ServiceRequest:
        s = self.finished(now, **kw)
        return delivery.deliver_service(
            self.owner,
            s,
            received_by="Daniel Conductor",
            signature=png_data_url(),
            now=now + timedelta(hours=6),
        )
