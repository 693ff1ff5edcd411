"""Test base (as in healthchecks): an owner, a colleague and an outsider, plus staff."""

from __future__ import annotations

from django.test import TestCase

from mantto.accounts.models import Role, User
from mantto.suppliers.models import Supplier

BACKEND = "mantto.accounts.backends.KeyBackend"


class BaseTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.supplier = Supplier.objects.create(
            rfc="TME960709LR2", name="Taller El Pistón SA de CV", email="taller@example.com"
        )
        cls.other_supplier = Supplier.objects.create(
            rfc="HPS050505QX3", name="Hojalatería del Sur SA de CV", email="sur@example.com"
        )
        cls.owner = User.objects.create_user(
            "alice@example.org",
            name="Alice Owner",
            role=Role.TALLER,
            supplier=cls.supplier,
            is_supplier_admin=True,
        )
        cls.colleague = User.objects.create_user(
            "bob@example.org", name="Bob Colleague", role=Role.TALLER, supplier=cls.supplier
        )
        cls.outsider = User.objects.create_user(
            "charlie@example.org",
            name="Charlie Outsider",
            role=Role.TALLER,
            supplier=cls.other_supplier,
            is_supplier_admin=True,
        )
        cls.coordinador = User.objects.create_user(
            "coord@example.org", name="Carla Coordinadora", role=Role.COORDINADOR
        )
        cls.finanzas = User.objects.create_user(
            "fin@example.org", name="Fernando Finanzas", role=Role.FINANZAS
        )
        cls.admin = User.objects.create_user(
            "admin@example.org", name="Ada Admin", role=Role.ADMINISTRADOR
        )

    def login(self, user: User) -> None:
        self.client.force_login(user, backend=BACKEND)
