"""On a phone (360×740): the workshop quotes, the coordinator authorizes, the workshop
delivers with the driver's signature drawn on the screen."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client as DjangoClient
from django.utils import timezone

from mantto.accounts.models import Role, User
from mantto.core.browser import assert_fits_width, screenshot
from mantto.fleet.models import Client, CostCentre, Driver, Vehicle
from mantto.services import authorization as auth
from mantto.services import services as svc
from mantto.services.models import Attachment, ReferencePrice, ServiceRequest
from mantto.suppliers.models import Supplier

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    supplier = Supplier.objects.create(
        rfc="TME960709LR2",
        name="Taller Mecánico El Pistón SA de CV",
        trade_name="Taller El Pistón",
        email="t@example.com",
        service_types=["preventivo", "correctivo"],
    )
    taller = User.objects.create_user(
        "juancarlos@elpiston.example.com",
        name="Juan Carlos Hernández",
        role=Role.TALLER,
        supplier=supplier,
        is_supplier_admin=True,
    )
    coord = User.objects.create_user(
        "coordinador@mantto.example.com", name="Laura Coordinadora", role=Role.COORDINADOR
    )
    client = Client.objects.create(name="Distribuidora Nacional de Alimentos SA de CV")
    cc = CostCentre.objects.create(client=client, key="CC-100", name="Ventas Norte")
    driver = Driver.objects.create(client=client, name="Daniel Conductor", email="d@example.com")
    vehicle = Vehicle.objects.create(
        plate="DEM001A",
        vin="3N1DEMO0000000001",
        make="Nissan",
        model="Versa",
        year=2023,
        client=client,
        cost_centre=cc,
        driver=driver,
        odometer=20000,
    )
    ReferencePrice.objects.create(
        key="BALATAS-DEL",
        description="Balatas delanteras (juego)",
        kind="refaccion",
        unit_price=Decimal("950.00"),
        tolerance_pct=Decimal("10"),
    )
    # A brake job on the same vehicle 60 days ago: the review flags a possible repeat.
    before = timezone.now() - timedelta(days=60)
    old = svc.register_request(
        coord,
        vehicle=vehicle,
        driver=driver,
        service_type="correctivo",
        symptom="Ruido al frenar",
        odometer=15000,
        location="CDMX",
        now=before,
    )
    svc.assign_workshop(coord, old, supplier, now=before)
    svc.confirm_reception(taller, old, received_at=before, odometer=20000, now=before)
    svc.add_quote_line(
        taller,
        old,
        kind="refaccion",
        description="Balatas delanteras (juego)",
        reference=ReferencePrice.objects.get(),
        quantity=1,
        unit_price="950.00",
        now=before,
    )
    svc.submit_quote(taller, old, diagnosis="Balatas", now=before)
    auth.authorize_service(coord, old, now=before)
    now = timezone.now() - timedelta(hours=3)
    s = svc.register_request(
        coord,
        vehicle=vehicle,
        driver=driver,
        service_type="correctivo",
        symptom="Rechinido al frenar",
        odometer=20100,
        location="Av. Insurgentes Norte 1200",
        now=now,
    )
    s = svc.assign_workshop(coord, s, supplier, now=now)
    s = svc.confirm_reception(
        taller,
        s,
        received_at=now + timedelta(minutes=30),
        odometer=20150,
        now=now + timedelta(minutes=30),
    )
    return {"taller": taller, "coord": coord, "service": s}


def login_as(page, live_server, user) -> None:
    c = DjangoClient()
    c.force_login(user, backend="mantto.accounts.backends.KeyBackend")
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": c.cookies["sessionid"].value, "url": live_server.url}]
    )


def check(page, name: str) -> None:
    assert_fits_width(page)
    screenshot(page, f"services-{name}")


def test_it_quotes_authorizes_and_delivers_on_a_phone(phone, live_server, world):
    p, s = phone, world["service"]
    # 04 The workshop quotes from the shop floor.
    login_as(p, live_server, world["taller"])
    p.goto(live_server.url + "/servicios/")
    p.get_by_role("link", name=s.ticket).wait_for()
    check(p, "1-taller-servicios")
    p.get_by_role("link", name=s.ticket).click()
    p.get_by_role("link", name="Diagnóstico y cotización").click()
    p.get_by_label("Del catálogo (opcional)").select_option(
        label="BALATAS-DEL · Balatas delanteras (juego)"
    )
    p.get_by_label("Precio unitario sin IVA").fill("1290.00")
    p.get_by_role("button", name="Agregar partida").click()
    p.get_by_text("Partida agregada.").wait_for()
    p.get_by_label("Tipo").select_option(label="Mano de obra")
    p.get_by_label("Descripción").fill("Mano de obra frenos")
    p.get_by_label("Precio unitario sin IVA").fill("800")
    p.get_by_role("button", name="Agregar partida").click()
    p.get_by_text("$2,424.40").first.wait_for()  # (1,290 + 800) × 1.16
    p.get_by_label("Diagnóstico").fill("Balatas delanteras gastadas; se cambian con mano de obra.")
    check(p, "2-taller-cotizacion")
    p.get_by_role("button", name="Solicitar autorización").click()
    p.get_by_text("Cotización enviada a autorización.").wait_for()
    check(p, "3-taller-en-autorizacion")

    # 05 The coordinator validates and authorizes, also on a phone.
    login_as(p, live_server, world["coord"])
    p.goto(live_server.url + "/autorizaciones/")
    check(p, "4-coordinador-autorizaciones")
    p.get_by_role("link", name="Revisar").click()
    p.get_by_text("sobre referencia").wait_for()
    assert p.get_by_text("Posible reparación repetida").is_visible()
    check(p, "5-coordinador-revision")
    p.get_by_role("button", name="Autorizar partidas marcadas").click()
    p.get_by_text("Autorizado con el número").wait_for()
    s.refresh_from_db()
    assert s.state == ServiceRequest.State.AUTHORIZED
    assert p.get_by_text(str(s.authorization_number)).first.is_visible()
    check(p, "6-coordinador-autorizado")

    # 06 The workshop finishes and the driver signs on the phone's screen.
    login_as(p, live_server, world["taller"])
    p.goto(f"{live_server.url}/servicios/{s.code}/")
    p.get_by_role("button", name="Marcar como terminado").click()
    p.get_by_role("link", name="Registrar entrega y firma").click()
    box = p.locator("#signature-pad").bounding_box()
    p.mouse.move(box["x"] + 20, box["y"] + 150)
    p.mouse.down()
    for x, y in ((60, 40), (100, 160), (140, 50), (200, 150), (260, 60)):
        p.mouse.move(box["x"] + x, box["y"] + y, steps=5)
    p.mouse.up()
    check(p, "7-taller-firma")
    p.get_by_role("button", name="Registrar entrega").click()
    p.get_by_text("Entrega registrada.").wait_for()
    check(p, "8-taller-entregado")
    s.refresh_from_db()
    assert s.state == ServiceRequest.State.DELIVERED
    sig = Attachment.objects.get(service=s, kind=Attachment.Kind.SIGNATURE)
    assert sig.content_type == "image/png" and sig.size > 500

    # Inicio: "Facturas a cobro" now lists it with both numbers and the days left.
    p.get_by_role("link", name="Inicio").click()
    p.get_by_text(str(s.authorization_number)).wait_for()
    assert p.get_by_text("Quedan 30 días para facturar").is_visible()
    check(p, "9-taller-inicio")
