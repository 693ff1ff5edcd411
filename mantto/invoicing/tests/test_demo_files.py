from __future__ import annotations

from io import StringIO

from django.core.management import CommandError, call_command

from mantto.invoicing.models import State
from mantto.invoicing.tests.helpers import InvoicingTestCase
from mantto.sat.models import FiscalProfile


class DemoFilesTest(InvoicingTestCase):
    def test_it_refuses_outside_the_demo(self):
        with self.assertRaises(CommandError):
            call_command("invoicing_demo_files", out=str(self.media / "demo"), stdout=StringIO())

    def test_it_writes_invoices_that_pass_every_check(self):
        FiscalProfile.objects.filter(pk=1).update(is_demo=True)
        s = self.service()
        call_command("invoicing_demo_files", out=str(self.media / "demo"), stdout=StringIO())
        data = (self.media / "demo" / self.supplier.rfc / f"{s.ticket}.xml").read_bytes()
        doc = self.upload(data, s)
        self.assertEqual(doc.state, State.DRAFT, doc.findings)
