from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from mantto.audit.models import AuditEntry, log_action
from mantto.core.testing import BaseTestCase

MX = ZoneInfo("America/Mexico_City")


class AuditListTestCase(BaseTestCase):
    def setUp(self) -> None:
        log_action(
            self.owner,
            "user.invited",
            self.colleague,
            {"role": "taller"},
            now=datetime(2026, 11, 30, 10, tzinfo=MX),
        )
        log_action(
            self.coordinador,
            "login.success",
            self.coordinador,
            now=datetime(2026, 12, 2, 10, tzinfo=MX),
        )

    def test_it_records_actor_object_and_supplier(self):
        e = AuditEntry.objects.get(action="user.invited")
        self.assertEqual(e.actor, self.owner)
        self.assertEqual(e.actor_label, "alice@example.org")
        self.assertEqual(e.object_type, "accounts.user")
        self.assertEqual(e.object_code, str(self.colleague.code))
        self.assertEqual(e.supplier_id, self.supplier.pk)
        self.assertEqual(e.data, {"role": "taller"})

    def test_it_lists_entries_for_staff(self):
        self.login(self.finanzas)
        r = self.client.get("/bitacora/")
        self.assertContains(r, "user.invited")
        self.assertContains(r, "login.success")

    def test_it_filters_by_user_object_and_date(self):
        self.login(self.admin)
        r = self.client.get("/bitacora/?usuario=alice")
        self.assertContains(r, "user.invited")
        self.assertNotContains(r, "login.success")
        r = self.client.get(f"/bitacora/?objeto={self.colleague.code}")
        self.assertContains(r, "user.invited")
        self.assertNotContains(r, "login.success")
        r = self.client.get("/bitacora/?desde=2026-12-01&hasta=2026-12-31")
        self.assertNotContains(r, "user.invited")
        self.assertContains(r, "login.success")
        r = self.client.get("/bitacora/?desde=no-es-fecha")
        self.assertEqual(r.status_code, 200)

    def test_it_is_not_for_workshops(self):
        self.login(self.owner)
        self.assertEqual(self.client.get("/bitacora/").status_code, 403)
