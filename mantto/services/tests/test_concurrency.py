"""Two coordinators authorize at the same moment: exactly one wins (PostgreSQL only)."""

from __future__ import annotations

import threading
import unittest
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db import connection, connections
from django.test import TransactionTestCase

from mantto.accounts.models import Role, User
from mantto.audit.models import AuditEntry
from mantto.core.errors import DomainError
from mantto.fleet.models import Client, Vehicle
from mantto.services import authorization as auth
from mantto.services import services as svc
from mantto.services.models import Counter, ServiceRequest
from mantto.suppliers.models import Supplier

NOW = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)


@unittest.skipUnless(
    connection.vendor == "postgresql",
    "necesita PostgreSQL: SQLite serializa las escrituras y la carrera no ocurre "
    "(DATABASE_URL=postgres://… para probar SELECT … FOR UPDATE)",
)
class ConcurrentAuthorizationTestCase(TransactionTestCase):
    def setUp(self):
        self.supplier = Supplier.objects.create(
            rfc="TME960709LR2", name="Taller", email="t@example.com", service_types=["preventivo"]
        )
        self.owner = User.objects.create_user(
            "o@example.org", name="Owner", role=Role.TALLER, supplier=self.supplier
        )
        self.coords = [
            User.objects.create_user(f"c{i}@example.org", name=f"Coord {i}", role=Role.COORDINADOR)
            for i in range(8)
        ]
        client = Client.objects.create(name="Cliente")
        self.vehicle = Vehicle.objects.create(
            plate="ABC1234",
            vin="3N1AB7AP5KY000001",
            make="N",
            model="V",
            year=2023,
            client=client,
        )

    def quoted(self) -> ServiceRequest:
        c = self.coords[0]
        s = svc.register_request(
            c,
            vehicle=self.vehicle,
            driver=None,
            service_type="preventivo",
            symptom="x",
            odometer=1,
            location="x",
            now=NOW,
        )
        s = svc.assign_workshop(c, s, self.supplier, now=NOW)
        t = NOW + timedelta(hours=1)
        s = svc.confirm_reception(self.owner, s, received_at=t, odometer=1, now=t)
        svc.add_quote_line(
            self.owner, s, kind="otro", description="x", quantity=1, unit_price="100", now=t
        )
        return svc.submit_quote(self.owner, s, diagnosis="x", now=t)

    def run_together(self, jobs):
        """Run each job in its own thread and connection, released at the same instant."""
        barrier = threading.Barrier(len(jobs))
        results: list = [None] * len(jobs)

        def worker(i, job):
            try:
                barrier.wait()
                results[i] = job()
            except Exception as exc:  # collected and asserted below
                results[i] = exc
            finally:
                connections.close_all()

        threads = [threading.Thread(target=worker, args=(i, j)) for i, j in enumerate(jobs)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        return results

    def test_it_lets_exactly_one_coordinator_authorize(self):
        s = self.quoted()
        later = NOW + timedelta(hours=2)
        jobs = [
            (lambda c=c: auth.authorize_service(c, ServiceRequest.objects.get(pk=s.pk), now=later))
            for c in self.coords[:2]
        ]
        results = self.run_together(jobs)
        wins = [r for r in results if isinstance(r, ServiceRequest)]
        errors = [r for r in results if isinstance(r, DomainError)]
        self.assertEqual(len(wins), 1, results)
        self.assertEqual(len(errors), 1, results)
        self.assertEqual(errors[0].code, "MANTTO-AUT-TWICE")
        self.assertIn(str(wins[0].authorization_number), errors[0].message)
        s.refresh_from_db()
        self.assertEqual(s.authorization_number, wins[0].authorization_number)
        self.assertEqual(s.authorized_amount, Decimal("116.00"))
        self.assertEqual(Counter.objects.get(name="authorization").value, s.authorization_number)
        self.assertEqual(AuditEntry.objects.filter(action="service.authorized").count(), 1)
        self.assertEqual(s.events.filter(kind="autorizacion").count(), 1)

    def test_it_never_hands_out_the_same_number_twice(self):
        services = [self.quoted() for _ in self.coords]
        later = NOW + timedelta(hours=2)
        jobs = [
            (lambda c=c, s=s: auth.authorize_service(c, s, now=later))
            for c, s in zip(self.coords, services, strict=True)
        ]
        results = self.run_together(jobs)
        self.assertTrue(all(isinstance(r, ServiceRequest) for r in results), results)
        numbers = sorted(r.authorization_number for r in results)
        self.assertEqual(numbers, list(range(10_000_001, 10_000_001 + len(services))))
