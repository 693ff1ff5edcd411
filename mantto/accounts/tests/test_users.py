from __future__ import annotations

from mantto.accounts.models import Role, User
from mantto.audit.models import AuditEntry
from mantto.core.testing import BaseTestCase
from mantto.notifications.models import OutboxEmail


class UsersListTestCase(BaseTestCase):
    def test_it_lists_only_the_users_of_my_supplier(self):
        self.login(self.owner)
        r = self.client.get("/usuarios/")
        self.assertContains(r, "alice@example.org")
        self.assertContains(r, "bob@example.org")
        self.assertNotContains(r, "charlie@example.org")
        self.assertNotContains(r, "coord@example.org")
        self.assertContains(r, "Invitar usuario")

    def test_it_shows_a_read_only_list_to_non_admin_colleagues(self):
        self.login(self.colleague)
        r = self.client.get("/usuarios/")
        self.assertContains(r, "alice@example.org")
        self.assertNotContains(r, "Invitar usuario")
        self.assertNotContains(r, "Desactivar")

    def test_it_lists_everybody_for_the_administrator(self):
        self.login(self.admin)
        r = self.client.get("/usuarios/?q=example.org")
        for email in ("alice", "bob", "charlie", "coord", "fin"):
            self.assertContains(r, f"{email}@example.org")


class InviteTestCase(BaseTestCase):
    def test_it_invites_a_colleague_into_my_supplier(self):
        self.login(self.owner)
        r = self.client.post(
            "/usuarios/invitar/",
            {"email": "Dora@Example.org", "name": "Dora Nueva", "role": "administrador"},
        )
        self.assertRedirects(r, "/usuarios/")
        dora = User.objects.get(email="dora@example.org")
        # A supplier administrator cannot grant staff roles or another supplier.
        self.assertEqual(dora.role, Role.TALLER)
        self.assertEqual(dora.supplier, self.supplier)
        email = OutboxEmail.objects.get(to="dora@example.org")
        self.assertIn("Te invitaron", email.subject)
        self.assertIn("/ingresar/", email.body_text)
        self.assertIn("/ingresar/", email.body_html)
        self.assertTrue(AuditEntry.objects.filter(action="user.invited").exists())

    def test_it_refuses_a_duplicate_email(self):
        self.login(self.owner)
        r = self.client.post("/usuarios/invitar/", {"email": "BOB@example.org", "name": "Bob 2"})
        self.assertContains(r, "Ya existe un usuario con ese correo electrónico.")
        self.assertEqual(User.objects.filter(email__iexact="bob@example.org").count(), 1)

    def test_it_refuses_a_bad_email(self):
        self.login(self.owner)
        r = self.client.post("/usuarios/invitar/", {"email": "no-es-correo", "name": "X"})
        self.assertContains(r, "Introduzca una dirección de correo electrónico válida")
        self.assertEqual(OutboxEmail.objects.count(), 0)

    def test_it_lets_the_administrator_create_staff(self):
        self.login(self.admin)
        r = self.client.post(
            "/usuarios/invitar/",
            {"email": "nuevo@example.org", "name": "Nuevo Coord", "role": "coordinador"},
        )
        self.assertRedirects(r, "/usuarios/")
        u = User.objects.get(email="nuevo@example.org")
        self.assertEqual(u.role, Role.COORDINADOR)
        self.assertIsNone(u.supplier)

    def test_it_requires_a_supplier_for_taller_users(self):
        self.login(self.admin)
        r = self.client.post(
            "/usuarios/invitar/", {"email": "t@example.org", "name": "T", "role": "taller"}
        )
        self.assertContains(r, "Elige el taller al que pertenece el usuario.")

    def test_it_lets_the_administrator_pick_the_supplier(self):
        self.login(self.admin)
        self.client.post(
            "/usuarios/invitar/",
            {
                "email": "t@example.org",
                "name": "T",
                "role": "taller",
                "supplier": str(self.other_supplier.code),
            },
        )
        self.assertEqual(User.objects.get(email="t@example.org").supplier, self.other_supplier)

    def test_it_forbids_non_admin_colleagues(self):
        self.login(self.colleague)
        r = self.client.post("/usuarios/invitar/", {"email": "x@example.org", "name": "X"})
        self.assertEqual(r.status_code, 403)
        self.assertFalse(User.objects.filter(email="x@example.org").exists())


class DeactivateTestCase(BaseTestCase):
    def test_it_deactivates_and_reactivates_a_colleague(self):
        self.login(self.owner)
        r = self.client.post(f"/usuarios/{self.colleague.code}/desactivar/")
        self.assertRedirects(r, "/usuarios/")
        self.colleague.refresh_from_db()
        self.assertFalse(self.colleague.is_active)
        self.client.post(f"/usuarios/{self.colleague.code}/activar/")
        self.colleague.refresh_from_db()
        self.assertTrue(self.colleague.is_active)
        actions = list(AuditEntry.objects.values_list("action", flat=True))
        self.assertIn("user.deactivated", actions)
        self.assertIn("user.activated", actions)

    def test_it_returns_404_for_another_suppliers_user(self):
        self.login(self.owner)
        r = self.client.post(f"/usuarios/{self.outsider.code}/desactivar/")
        self.assertEqual(r.status_code, 404)
        self.outsider.refresh_from_db()
        self.assertTrue(self.outsider.is_active)

    def test_it_refuses_to_deactivate_myself(self):
        self.login(self.owner)
        r = self.client.post(f"/usuarios/{self.owner.code}/desactivar/", follow=True)
        self.assertContains(r, "No puedes desactivar tu propio usuario.")
        self.owner.refresh_from_db()
        self.assertTrue(self.owner.is_active)

    def test_it_answers_404_for_a_malformed_code(self):
        self.login(self.owner)
        r = self.client.post("/usuarios/not-a-uuid/desactivar/")
        self.assertEqual(r.status_code, 404)


class EditTestCase(BaseTestCase):
    def test_it_lets_the_administrator_change_role_and_supplier(self):
        self.login(self.admin)
        r = self.client.post(
            f"/usuarios/{self.colleague.code}/",
            {"name": "Bob Coord", "role": "coordinador"},
        )
        self.assertRedirects(r, "/usuarios/")
        self.colleague.refresh_from_db()
        self.assertEqual(self.colleague.role, Role.COORDINADOR)
        self.assertIsNone(self.colleague.supplier)
        entry = AuditEntry.objects.get(action="user.updated")
        self.assertEqual(entry.data["before"]["role"], "taller")
        self.assertEqual(entry.data["after"]["role"], "coordinador")

    def test_it_lets_a_supplier_admin_promote_a_colleague_but_not_change_role(self):
        self.login(self.owner)
        r = self.client.post(
            f"/usuarios/{self.colleague.code}/",
            {"name": "Bob Admin", "role": "administrador", "is_supplier_admin": "on"},
        )
        self.assertRedirects(r, "/usuarios/")
        self.colleague.refresh_from_db()
        self.assertEqual(self.colleague.role, Role.TALLER)
        self.assertTrue(self.colleague.is_supplier_admin)
        self.assertEqual(self.colleague.supplier, self.supplier)

    def test_it_refuses_to_change_my_own_role(self):
        self.login(self.admin)
        r = self.client.post(f"/usuarios/{self.admin.code}/", {"name": "Ada", "role": "finanzas"})
        self.assertContains(r, "No puedes cambiar tu propio rol.")
        self.admin.refresh_from_db()
        self.assertEqual(self.admin.role, Role.ADMINISTRADOR)

    def test_it_returns_404_for_another_suppliers_user(self):
        self.login(self.owner)
        r = self.client.get(f"/usuarios/{self.outsider.code}/")
        self.assertEqual(r.status_code, 404)
