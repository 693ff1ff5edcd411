"""In a real browser: upload → review → Enviar → history on a phone, a multi-file upload
with progress on a desktop, and Finanzas' queue. Screenshots: var/screenshots/invoicing-*."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from django.test import Client as DjangoClient
from django.utils import timezone

from mantto.accounts.models import Role, User
from mantto.cfdi import testing
from mantto.cfdi.testpki import write_sat_cert
from mantto.core.browser import assert_fits_width, screenshot
from mantto.fleet.models import Client, CostCentre, Vehicle
from mantto.invoicing import reading
from mantto.invoicing.models import ReceivedDocument, State
from mantto.invoicing.tests.helpers import PDF, InvoicingTestCase
from mantto.sat.models import FiscalProfile
from mantto.suppliers.models import Supplier

pytestmark = pytest.mark.django_db(transaction=True)


class World:
    """The invoicing fixtures, outside a TestCase."""

    service = InvoicingTestCase.service
    xml = InvoicingTestCase.xml


@pytest.fixture
def world(settings):
    tmp = Path(tempfile.mkdtemp())
    write_sat_cert(tmp / "certs")
    settings.MEDIA_ROOT = tmp / "media"
    settings.SAT_CERTS_DIR = tmp / "certs"
    reading._store.cache_clear()
    w = World()
    w.now = timezone.now()
    w.supplier = Supplier.objects.create(
        rfc="TME960709LR2", name="Taller El Pistón SA de CV", email="taller@example.com"
    )
    w.owner = User.objects.create_user(
        "juancarlos@elpiston.example.com", name="Juan Carlos Hernández", role=Role.TALLER,
        supplier=w.supplier, is_supplier_admin=True,
    )  # fmt: skip
    w.coordinador = User.objects.create_user("c@example.org", name="Carla", role=Role.COORDINADOR)
    w.finanzas = User.objects.create_user("f@example.org", name="Lydia", role=Role.FINANZAS)
    FiscalProfile.objects.create(
        pk=1, rfc=testing.RECEPTOR["Rfc"], name=testing.RECEPTOR["Nombre"],
        postal_code="11000", regimen_fiscal="601", allowed_uso_cfdi=["G03"],
    )  # fmt: skip
    w.client_co = Client.objects.create(name="Distribuidora Demo", rfc="DDE010101AA1")
    w.cc = CostCentre.objects.create(
        client=w.client_co, key="CC-100", name="Ventas",
        required_fields=[{"name": "orden_compra", "label": "Orden de compra",
                          "pattern": r"^OC-[0-9]{6}$", "help": "Formato OC-123456"}],
    )  # fmt: skip
    w.vehicle = Vehicle.objects.create(
        plate="ABC1234", vin="3N1AB7AP5KY000001", make="Nissan", model="Versa", year=2023,
        client=w.client_co, cost_centre=w.cc,
    )  # fmt: skip
    yield w
    reading._store.cache_clear()
    shutil.rmtree(tmp, ignore_errors=True)


def login(page, live_server, user) -> None:
    c = DjangoClient()
    c.force_login(user, backend="mantto.accounts.backends.KeyBackend")
    page.context.add_cookies(
        [{"name": "sessionid", "value": c.cookies["sessionid"].value, "url": live_server.url}]
    )


def payload(name: str, data: bytes, mime="application/xml") -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


def test_it_uploads_reviews_sends_and_lists_on_a_phone(phone, live_server, world):
    s = world.service()
    login(phone, live_server, world.owner)
    phone.goto(live_server.url + "/facturas/")
    phone.get_by_role("heading", name="Cargar CFDI").wait_for()
    assert_fits_width(phone)
    screenshot(phone, "invoicing-1-carga-telefono")
    phone.set_input_files(
        "#id_files",
        [payload("A-101.xml", world.xml(s)), payload("A-101.pdf", PDF, "application/pdf")],
    )
    phone.get_by_label("Número de autorización").fill(str(s.authorization_number))
    phone.get_by_label("Orden de compra").fill("OC-123456")  # appears through htmx
    phone.get_by_label("Número de ticket").fill(s.ticket)
    screenshot(phone, "invoicing-2-datos-telefono")
    phone.get_by_role("button", name="Cargar y revisar").click()
    phone.get_by_role("heading", name="Resultado de la revisión").wait_for()
    assert phone.get_by_text("Todo correcto").is_visible()
    assert_fits_width(phone)
    screenshot(phone, "invoicing-3-revision-telefono")
    assert ReceivedDocument.objects.get().state == State.DRAFT
    phone.get_by_role("button", name="Enviar", exact=True).click()
    phone.get_by_role("heading", name="Historial de envíos").wait_for()
    assert phone.get_by_text("Enviado. Finanzas lo revisará").is_visible()
    assert_fits_width(phone)
    screenshot(phone, "invoicing-4-historial-telefono")
    assert ReceivedDocument.objects.get().state == State.SENT


def test_it_uploads_many_files_with_progress_and_sends_the_good_ones(page, live_server, world):
    # A cost centre without extra data: in a batch that data is completed per invoice.
    a, b = world.service(cost_centre=None), world.service(cost_centre=None)
    login(page, live_server, world.owner)
    page.goto(live_server.url + "/facturas/")
    page.set_input_files(
        "#id_files",
        [
            payload("A-1.xml", world.xml(a)),
            payload("A-1.pdf", PDF, "application/pdf"),
            payload("B-2.xml", world.xml(b)),
            payload("C-3.xml", world.xml(b, receptor={"Rfc": "XAX010101000"})),
            payload("notas.xml", b"esto no es un XML"),
        ],
    )
    page.locator("#cc-fields").wait_for(state="attached")
    page.get_by_role("button", name="Cargar y revisar").click()
    page.get_by_text("4 de 4 archivos revisados").wait_for()
    assert page.get_by_text("Lista para enviar").count() == 2
    assert page.get_by_text("MANTTO-XML-MALFORMED").count() == 1
    screenshot(page, "invoicing-5-carga-multiple")
    page.get_by_role("link", name="Revisar y enviar la carga").click()
    page.get_by_role("button", name="Enviar los 2 CFDI sin errores").click()
    page.get_by_text("Enviamos 2 CFDI a Finanzas.").wait_for()
    screenshot(page, "invoicing-6-historial")
    assert ReceivedDocument.objects.filter(state=State.SENT).count() == 2


def test_it_explains_errors_and_lets_finanzas_decide(page, phone, live_server, world):
    s = world.service(delivered_hours=30)
    login(phone, live_server, world.owner)
    phone.goto(live_server.url + "/facturas/")
    bad = world.xml(
        s, receptor={"Nombre": "ARRENDADORA EQUIVOCADA"}, MetodoPago="PUE", FormaPago="03"
    )
    phone.set_input_files("#id_files", [payload("mal.xml", bad)])
    phone.get_by_label("Número de autorización").fill(str(s.authorization_number))
    phone.get_by_label("Orden de compra").fill("OC-1")
    phone.get_by_role("button", name="Cargar y revisar").click()
    phone.get_by_role("heading", name="Resultado de la revisión").wait_for()
    for code in ("MANTTO-RECEPTOR-NOMBRE", "MANTTO-PUE", "MANTTO-CC-DATOS", "MANTTO-FACTURA-TARDE"):
        assert phone.get_by_text(code).count() >= 1, code
    assert phone.get_by_role("button", name="Enviar", exact=True).count() == 0
    assert_fits_width(phone)
    screenshot(phone, "invoicing-7-errores-telefono")

    good = world.service()
    from mantto.invoicing import services

    doc = services.upload_document(
        world.owner, xml_name="ok.xml", xml_data=world.xml(good), kind="I",
        typed_authorization=str(good.authorization_number), typed_ticket=good.ticket,
        cost_centre_data={"orden_compra": "OC-123456"}, now=timezone.now(),
    )  # fmt: skip
    services.send_document(world.owner, doc, now=timezone.now())
    login(page, live_server, world.finanzas)
    page.goto(live_server.url + "/facturas-recibidas/")
    page.get_by_text(doc.uuid).wait_for()
    screenshot(page, "invoicing-8-finanzas-cola")
    page.locator("table.list a").first.click()
    page.get_by_role("heading", name="Resultado de la revisión").wait_for()
    screenshot(page, "invoicing-9-finanzas-revision")
    page.get_by_role("button", name="Aceptar").click()
    page.get_by_text("CFDI aceptado").wait_for()
    doc.refresh_from_db()
    assert doc.state == State.ACCEPTED
    page.goto(live_server.url + f"/facturas/{doc.code}/impresion/")
    screenshot(page, "invoicing-10-impresion")
