"""Two simultaneous Enviar of the same CFDI: the partial UNIQUE index lets only one win.

Runs on PostgreSQL (real concurrent transactions, one thread each); SQLite serializes
writers, so there the race cannot happen and the threaded test is skipped. The
constraint itself is checked on every database."""

from __future__ import annotations

import shutil
import tempfile
import threading
import unittest
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.test import TransactionTestCase
from django.utils import timezone

from mantto.accounts.models import Role, User
from mantto.cfdi import testing
from mantto.cfdi.testpki import write_sat_cert
from mantto.core.errors import DomainError
from mantto.fleet.models import Client, CostCentre, Vehicle
from mantto.invoicing import reading, services
from mantto.invoicing.models import ReceivedDocument, State
from mantto.invoicing.tests.helpers import InvoicingTestCase
from mantto.sat.models import FiscalProfile
from mantto.suppliers.models import Supplier


class ConstraintTest(InvoicingTestCase):
    def test_it_enforces_one_submitted_row_per_uuid_in_the_database(self):
        s = self.service()
        data = self.xml(s)
        first = self.upload(data, s)
        second = self.upload(data, s)
        services.send_document(self.owner, first, now=self.now)
        second.state = State.SENT
        with self.assertRaises(IntegrityError), transaction.atomic():
            second.save()


@unittest.skipUnless(
    connection.vendor == "postgresql",
    "necesita PostgreSQL: SQLite serializa las escrituras y la carrera no ocurre",
)
class ConcurrentSendTest(TransactionTestCase):
    service = InvoicingTestCase.service
    xml = InvoicingTestCase.xml
    payment_xml = InvoicingTestCase.payment_xml
    upload = InvoicingTestCase.upload

    def setUp(self) -> None:
        tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, tmp, ignore_errors=True)
        write_sat_cert(tmp / "certs")
        override = self.settings(MEDIA_ROOT=tmp / "media", SAT_CERTS_DIR=tmp / "certs")
        override.enable()
        self.addCleanup(override.disable)
        reading._store.cache_clear()
        self.now = timezone.now()
        self.supplier = Supplier.objects.create(
            rfc="TME960709LR2", name="Taller El Pistón SA de CV", email="taller@example.com"
        )
        self.owner = User.objects.create_user(
            "alice@example.org", name="Alice", role=Role.TALLER, supplier=self.supplier
        )
        self.colleague = User.objects.create_user(
            "bob@example.org", name="Bob", role=Role.TALLER, supplier=self.supplier
        )
        self.coordinador = User.objects.create_user(
            "coord@example.org", name="Carla", role=Role.COORDINADOR
        )
        FiscalProfile.objects.create(
            pk=1, rfc=testing.RECEPTOR["Rfc"], name=testing.RECEPTOR["Nombre"],
            postal_code="11000", regimen_fiscal="601", allowed_uso_cfdi=["G03"],
        )  # fmt: skip
        self.client_co = Client.objects.create(name="Cliente", rfc="CDE010101AA1")
        self.cc = CostCentre.objects.create(client=self.client_co, key="CC", name="CC")
        self.vehicle = Vehicle.objects.create(
            plate="ABC1234", vin="3N1AB7AP5KY000001", make="Nissan", model="Versa",
            year=2023, client=self.client_co, cost_centre=self.cc,
        )  # fmt: skip
        self.cc_ok = {}

    def race(self, docs, users) -> list:
        barrier = threading.Barrier(len(docs))
        results: list = [None] * len(docs)

        def run(i):
            try:
                barrier.wait(timeout=10)
                services.send_document(users[i], docs[i], now=self.now)
                results[i] = "ok"
            except DomainError as exc:
                results[i] = exc.code
            finally:
                connection.close()

        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(docs))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        return results

    def test_it_lets_only_one_of_two_simultaneous_invoices_win(self):
        s = self.service()
        data = self.xml(s)
        docs = [self.upload(data, s), self.upload(data, s, user=self.colleague)]
        results = self.race(docs, [self.owner, self.colleague])
        self.assertEqual(sorted(results), ["MANTTO-UUID-DUP", "ok"])
        self.assertEqual(ReceivedDocument.objects.filter(state=State.SENT).count(), 1)

    def test_it_lets_only_one_of_two_simultaneous_complements_win(self):
        # No service row to lock here: only the UNIQUE index stands between them.
        data = self.payment_xml()
        docs = [self.upload(data, kind="P"), self.upload(data, kind="P", user=self.colleague)]
        results = self.race(docs, [self.owner, self.colleague])
        self.assertEqual(sorted(results), ["MANTTO-UUID-DUP", "ok"])
        self.assertEqual(ReceivedDocument.objects.filter(state=State.SENT).count(), 1)
