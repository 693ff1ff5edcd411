"""Demo services in every state for «Taller El Pistón», and a reference-price catalogue.

Idempotent: each demo service carries a fixed form token; when it exists it is skipped.
The steps run through the real service functions with past ``now`` values, so the
timelines, audit entries and e-mails look like real use.
"""

from __future__ import annotations

import base64
import io
import uuid
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from PIL import Image, ImageDraw

from mantto.accounts.models import User
from mantto.fleet.models import Vehicle
from mantto.services import authorization as auth
from mantto.services import delivery
from mantto.services import services as svc
from mantto.services.models import ReferencePrice, ServiceRequest
from mantto.suppliers.models import Supplier

PRICES = [
    ("ACEITE-5W30", "Aceite sintético 5W-30 (litro)", "refaccion", "preventivo", "185.00", 10),
    ("FILTRO-ACEITE", "Filtro de aceite", "refaccion", "preventivo", "160.00", 15),
    ("FILTRO-AIRE", "Filtro de aire", "refaccion", "preventivo", "240.00", 15),
    ("BALATAS-DEL", "Balatas delanteras (juego)", "refaccion", "correctivo", "950.00", 10),
    ("DISCO-DEL", "Disco de freno delantero", "refaccion", "correctivo", "1150.00", 10),
    ("BATERIA-12V", "Batería 12 V 600 CCA", "refaccion", "electrico", "2400.00", 10),
    ("MO-SERVICIO", "Mano de obra servicio preventivo", "mano_obra", "preventivo", "650.00", 10),
    ("MO-FRENOS", "Mano de obra frenos", "mano_obra", "correctivo", "800.00", 10),
    ("MO-HORA", "Hora de mano de obra", "mano_obra", "", "450.00", 10),
]


def signature_data_url() -> str:
    img = Image.new("RGB", (300, 100), "white")
    draw = ImageDraw.Draw(img)
    draw.line([(20, 70), (60, 30), (90, 75), (130, 25), (170, 70), (230, 40), (280, 60)], "navy", 3)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _token(name: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"mantto-demo-service-{name}")


def _lines(service, actor, now, lines):
    for key, qty, price in lines:
        ref = ReferencePrice.objects.get(key=key)
        svc.add_quote_line(
            actor,
            service,
            kind=ref.kind,
            description=ref.description,
            reference=ref,
            quantity=Decimal(qty),
            unit_price=Decimal(price),
            now=now,
        )


def _walk(name, *, coord, taller, supplier, plate, stop, days_ago, service_type, lines, symptom):
    """Create one demo service and take it through the steps up to ``stop``."""
    if ServiceRequest.objects.filter(form_token=_token(name)).exists():
        return
    vehicle = Vehicle.objects.get(plate=plate)
    t = timezone.now() - timedelta(days=days_ago)
    s = svc.register_request(
        coord,
        vehicle=vehicle,
        driver=vehicle.driver,
        service_type=service_type,
        symptom=symptom,
        odometer=vehicle.odometer + 500,
        location="Av. Insurgentes Norte 1200, CDMX",
        form_token=_token(name),
        now=t,
    )
    steps = [
        "asignado",
        "recibido",
        "cotizado",
        "autorizado",
        "terminado",
        "entregado",
        "encuesta",
    ]
    todo = steps[: steps.index(stop) + 1]
    t += timedelta(minutes=20)
    svc.assign_workshop(coord, s, supplier, now=t)
    if "recibido" in todo:
        t += timedelta(hours=2)
        svc.confirm_reception(taller, s, received_at=t, odometer=vehicle.odometer + 520, now=t)
        t += timedelta(hours=1)
        _lines(s, taller, t, lines)
    if "cotizado" in todo:
        t += timedelta(hours=1)
        svc.submit_quote(
            taller,
            s,
            diagnosis="Revisión completa. Se requieren las refacciones y mano de obra cotizadas.",
            now=t,
        )
    if "autorizado" in todo:
        t += timedelta(hours=3)
        auth.authorize_service(coord, s, now=t)
        t += timedelta(hours=4)
        delivery.report_progress(taller, s, note="Refacciones recibidas, inicia el trabajo.", now=t)
    if "terminado" in todo:
        t += timedelta(hours=6)
        delivery.finish_service(taller, s, now=t)
    if "entregado" in todo:
        t += timedelta(hours=2)
        delivery.deliver_service(
            taller,
            s,
            received_by=vehicle.driver.name if vehicle.driver else "Conductor",
            signature=signature_data_url(),
            now=t,
        )
    if "encuesta" in todo:
        token = delivery.send_survey(s, now=t)  # already sent: returns None
        survey = s.survey
        if token is None and survey.answered_at is None:
            survey.answered_at = t + timedelta(hours=3)
            survey.quality, survey.timeliness, survey.treatment = 5, 4, 5
            survey.comment = "Muy buen servicio, entregaron a tiempo."
            survey.save()


def load_services_demo() -> None:
    for key, desc, kind, stype, price, tol in PRICES:
        ReferencePrice.objects.update_or_create(
            key=key,
            defaults={
                "description": desc,
                "kind": kind,
                "service_type": stype,
                "unit_price": Decimal(price),
                "tolerance_pct": Decimal(tol),
            },
        )
    coord = User.objects.get(email="coordinador@mantto.example.com")
    taller = User.objects.get(email="juancarlos@elpiston.example.com")
    piston = Supplier.objects.get(rfc="TME960709LR2")
    preventive = [
        ("ACEITE-5W30", "4.5", "185.00"),
        ("FILTRO-ACEITE", "1", "160.00"),
        ("MO-SERVICIO", "1", "650.00"),
    ]
    brakes = [
        ("BALATAS-DEL", "1", "980.00"),
        ("DISCO-DEL", "2", "1150.00"),
        ("MO-FRENOS", "1", "800.00"),
    ]
    common = {"coord": coord, "taller": taller, "supplier": piston}
    # Oldest first, so the vehicle histories make sense.
    _walk(
        "survey",
        plate="DEM004A",
        stop="encuesta",
        days_ago=12,
        service_type="preventivo",
        lines=preventive,
        symptom="Servicio de los 20,000 km.",
        **common,
    )
    _walk(
        "late",
        plate="DEM001A",
        stop="entregado",
        days_ago=27,
        service_type="correctivo",
        lines=brakes,
        symptom="Rechinido al frenar.",
        **common,
    )
    _walk(
        "fresh",
        plate="DEM002A",
        stop="entregado",
        days_ago=3,
        service_type="preventivo",
        lines=preventive,
        symptom="Servicio de los 30,000 km.",
        **common,
    )
    _walk(
        "working",
        plate="DEM003A",
        stop="autorizado",
        days_ago=2,
        service_type="electrico",
        lines=[("BATERIA-12V", "1", "2450.00"), ("MO-HORA", "1", "450.00")],
        symptom="No enciende por las mañanas.",
        **common,
    )
    # Same vehicle, same repair as "late" within 90 days, and a price above reference.
    _walk(
        "repeat",
        plate="DEM001A",
        stop="cotizado",
        days_ago=1,
        service_type="correctivo",
        lines=[("BALATAS-DEL", "1", "1290.00"), ("MO-FRENOS", "1", "800.00")],
        symptom="Vuelve a rechinar al frenar.",
        **common,
    )
    _walk(
        "quoting",
        plate="DEM005A",
        stop="recibido",
        days_ago=0,
        service_type="preventivo",
        lines=[("FILTRO-AIRE", "1", "240.00")],
        symptom="Servicio de los 10,000 km.",
        **common,
    )
    _walk(
        "new",
        plate="DEM006A",
        stop="asignado",
        days_ago=0,
        service_type="correctivo",
        lines=[],
        symptom="Se enciende el testigo de motor.",
        **common,
    )
