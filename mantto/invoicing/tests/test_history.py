"""Screen 08: the submission history with filters, CSV / XLSX, timeline and downloads;
isolated per supplier and without N+1 queries."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from mantto.invoicing import services
from mantto.invoicing.models import ReceivedDocument, State
from mantto.invoicing.tests.helpers import InvoicingTestCase


def clone(doc: ReceivedDocument, n: int, **kw) -> list[ReceivedDocument]:
    """Rows without files, for volume (the history never opens the files)."""
    rows = []
    for i in range(n):
        values = {f.attname: getattr(doc, f.attname) for f in doc._meta.concrete_fields}
        values.pop("id")
        values.pop("code")
        values.update(uuid=f"00000000-0000-4000-8000-{i:012d}", **kw)
        rows.append(ReceivedDocument(**values))
    return ReceivedDocument.objects.bulk_create(rows)


class HistoryTest(InvoicingTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.s1, self.s2 = self.service(), self.service()
        self.sent = services.send_document(
            self.owner, self.upload(self.xml(self.s1), self.s1), now=self.now
        )
        self.draft = self.upload(self.xml(self.s2), self.s2, now=self.now - timedelta(days=3))
        theirs = self.service(self.other_supplier)
        self.theirs = self.upload(
            self.xml(theirs, supplier=self.other_supplier), theirs, user=self.outsider
        )
        self.login(self.owner)

    def test_it_lists_only_the_suppliers_own_submissions(self):
        r = self.client.get(reverse("invoicing:history"))
        self.assertContains(r, self.sent.uuid)
        self.assertContains(r, self.draft.uuid)
        self.assertNotContains(r, self.theirs.uuid)

    def test_it_filters_by_state_type_uuid_authorization_and_date(self):
        url = reverse("invoicing:history")
        r = self.client.get(url, {"state": State.SENT})
        self.assertContains(r, self.sent.uuid)
        self.assertNotContains(r, self.draft.uuid)
        r = self.client.get(url, {"uuid": self.draft.uuid.lower()})
        self.assertContains(r, self.draft.uuid)
        self.assertNotContains(r, self.sent.uuid)
        r = self.client.get(url, {"authorization": f"AUT {self.s1.authorization_number}"})
        self.assertContains(r, self.sent.uuid)
        self.assertNotContains(r, self.draft.uuid)
        since = (self.now - timedelta(days=1)).date().isoformat()
        r = self.client.get(url, {"since": since})
        self.assertContains(r, self.sent.uuid)
        self.assertNotContains(r, self.draft.uuid)
        r = self.client.get(url, {"kind": "E"})
        self.assertContains(r, "Aún no hay envíos")

    def test_it_downloads_csv_and_xlsx_with_the_filters(self):
        r = self.client.get(reverse("invoicing:export", args=["csv"]), {"state": State.SENT})
        body = b"".join(r.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(body)))
        self.assertEqual(rows[0][0], "Cargada")
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][6], self.sent.uuid)
        r = self.client.get(reverse("invoicing:export", args=["xlsx"]))
        ws = load_workbook(io.BytesIO(r.content)).active
        uuids = {row[6] for row in ws.iter_rows(min_row=2, values_only=True)}
        self.assertEqual(uuids, {self.sent.uuid, self.draft.uuid})

    def test_it_shows_the_timeline_and_lets_only_the_owner_download(self):
        services.accept_document(self.finanzas, self.sent, now=self.now + timedelta(hours=1))
        r = self.client.get(reverse("invoicing:detail", args=[self.sent.code]))
        for step in ("Cargada y revisada", "Enviada a Finanzas", "Aceptada por Finanzas"):
            self.assertContains(r, step)
        url = reverse("invoicing:download", args=[self.sent.code, "xml"])
        r = self.client.get(url)
        self.assertEqual(r.status_code, 200)
        with self.sent.xml_file.open("rb") as fh:
            self.assertEqual(b"".join(r.streaming_content), fh.read())
        self.login(self.outsider)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("invoicing:detail", args=[self.sent.code])).status_code, 404
        )
        self.login(self.colleague)
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_it_paginates_without_n_plus_1(self):
        url = reverse("invoicing:history")
        clone(self.draft, 5)
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        clone(self.draft, 120)
        with CaptureQueriesContext(connection) as many:
            r = self.client.get(url)
        self.assertEqual(len(few), len(many))
        self.assertContains(r, "Página 1")
        self.assertContains(r, "pagina=2")
        r = self.client.get(url, {"pagina": 3})
        self.assertContains(r, "Página 3")
        self.assertContains(r, "pagina=2")
        self.assertNotContains(r, "pagina=4")
        self.assertEqual(self.client.get(url, {"pagina": "x"}).status_code, 200)

    def test_it_shows_the_late_count(self):
        late = self.service(delivered_hours=40)
        services.send_document(self.owner, self.upload(self.xml(late), late), now=self.now)
        r = self.client.get(reverse("invoicing:history"))
        self.assertContains(r, "1 factura enviada fuera de plazo")

    def test_it_uses_the_indexes_for_the_history_query(self):
        qs = ReceivedDocument.objects.filter(supplier=self.supplier).order_by("-uploaded_at", "-id")
        plan = qs.explain()
        self.assertNotIn("SCAN invoicing_receiveddocument\n", plan + "\n")
        self.assertNotIn("Seq Scan", plan)
