"""A newcomer logs in in a real browser, reading the key from the e-mail."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from mantto.accounts.models import Role, User
from mantto.core.browser import assert_fits_width, screenshot
from mantto.notifications.services import flush_outbox
from mantto.suppliers.models import Supplier

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def juan_carlos(db):
    supplier = Supplier.objects.create(
        rfc="TME960709LR2", name="Taller El Pistón SA de CV", email="t@example.com"
    )
    return User.objects.create_user(
        "juancarlos@elpiston.example.com",
        name="Juan Carlos Hernández",
        role=Role.TALLER,
        supplier=supplier,
        is_supplier_admin=True,
    )


def _login(p, live_server, email: str, shot: str) -> None:
    p.goto(live_server.url + "/")
    assert "/ingresar/" in p.url
    assert_fits_width(p)
    screenshot(p, f"{shot}-1-correo")
    p.get_by_label("Correo electrónico").fill(email)
    p.get_by_role("button", name="Enviarme una llave de acceso").click()
    p.get_by_label("Llave de acceso").wait_for()
    screenshot(p, f"{shot}-2-llave")
    flush_outbox()
    key = re.search(r"^\s+([A-Z0-9]{10})\s*$", mail.outbox[-1].body, re.M).group(1)
    p.get_by_label("Llave de acceso").fill(key)
    p.get_by_role("button", name="Ingresar").click()


def test_it_logs_in_a_newcomer_on_a_phone(phone, live_server, juan_carlos):
    _login(phone, live_server, juan_carlos.email, "login-telefono")
    phone.get_by_role("heading", name="Hola, Juan").wait_for()
    nav = phone.get_by_role("navigation", name="Menú principal")
    for item in ("Inicio", "Facturas", "Correos", "Pagos", "Usuarios", "Aclaraciones"):
        assert nav.get_by_role("link", name=item, exact=True).count() == 1
    assert phone.get_by_text("Facturas a cobro").is_visible()
    assert_fits_width(phone)
    screenshot(phone, "login-telefono-3-inicio")


def test_it_shows_a_wrong_key_next_to_the_field(page, live_server, juan_carlos):
    page.goto(live_server.url + "/ingresar/")
    page.get_by_label("Correo electrónico").fill(juan_carlos.email)
    page.get_by_role("button", name="Enviarme una llave de acceso").click()
    page.get_by_label("Llave de acceso").fill("AAAAAAAAAA")
    page.get_by_role("button", name="Ingresar").click()
    page.get_by_text("no es válida, ya se usó o expiró").wait_for()
    screenshot(page, "login-escritorio-llave-incorrecta")
