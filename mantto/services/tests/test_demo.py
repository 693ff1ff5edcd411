from __future__ import annotations

import shutil
import tempfile

from django.test import TestCase

from mantto.core.demo import load_demo
from mantto.services.models import ReferencePrice, ServiceRequest


class DemoServicesTestCase(TestCase):
    def setUp(self):
        media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        override = self.settings(MEDIA_ROOT=media)
        override.enable()
        self.addCleanup(override.disable)

    def test_it_loads_services_in_every_state_once(self):
        load_demo()
        states = set(ServiceRequest.objects.values_list("state", flat=True))
        self.assertEqual(states, {"asignado", "recibido", "cotizado", "autorizado", "entregado"})
        pending = ServiceRequest.objects.filter(
            supplier__rfc="TME960709LR2", state="entregado", invoice_accepted_at__isnull=True
        )
        self.assertEqual(pending.count(), 3)
        counts = (ServiceRequest.objects.count(), ReferencePrice.objects.count())
        load_demo()
        self.assertEqual((ServiceRequest.objects.count(), ReferencePrice.objects.count()), counts)
