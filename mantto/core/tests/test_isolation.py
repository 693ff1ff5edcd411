"""The isolation matrix: every URL × every kind of user, with the expected outcome.

Each URL name of the project must have an entry in MATRIX, so a new screen cannot ship
without saying who may open it. Objects in URLs belong to the owner's supplier; a user
of another supplier must get 404 for them (403 would confirm they exist).

To add a screen: add its objects in ``build_objects`` (attributes on the test class)
and one ``Case`` per URL name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mantto.core.testing import BaseTestCase

PERSONAS = ("anon", "owner", "colleague", "outsider", "coordinador", "finanzas", "administrador")
STAFF = ("coordinador", "finanzas", "administrador")
LOGIN_REDIRECT = 302


def expect(default: int = 200, **overrides: int) -> dict[str, int]:
    """Expected status per persona; anonymous users are sent to the login page."""
    result = {p: default for p in PERSONAS}
    result["anon"] = LOGIN_REDIRECT
    result.update(overrides)
    return result


def taller_own(staff: int = 200) -> dict[str, int]:
    """Supplier-scoped object of the owner's supplier: outsider 404."""
    return expect(200, outsider=404, **{s: staff for s in STAFF})


def staff_only(*roles: str) -> dict[str, int]:
    allowed = roles or STAFF
    return expect(403, **{s: 200 for s in allowed})


@dataclass
class Case:
    path: Callable[[type[IsolationMatrixTest]], str]
    expected: dict[str, int]
    method: str = "get"
    data: dict = field(default_factory=dict)


def build_objects(cls: type[IsolationMatrixTest]) -> None:
    """Objects the URLs point at, all of the owner's supplier."""
    _build_service_objects(cls)
    _build_invoice_objects(cls)


def _build_service_objects(cls) -> None:
    """A quoted service of the owner's supplier, with a line, a photo and a survey link."""
    from datetime import UTC, datetime
    from decimal import Decimal

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from mantto.fleet.models import Client, Vehicle
    from mantto.services.models import (
        Attachment,
        QuoteLine,
        ReferencePrice,
        ServiceRequest,
        Survey,
    )

    now = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)
    client = Client.objects.create(name="Cliente de la matriz")
    vehicle = Vehicle.objects.create(
        plate="MTX0001",
        vin="3N1MATRIX00000001",
        make="Nissan",
        model="Versa",
        year=2023,
        client=client,
    )
    cls.service = ServiceRequest.objects.create(
        ticket="TKT-2026-900001",
        state=ServiceRequest.State.QUOTED,
        vehicle=vehicle,
        client=client,
        service_type="preventivo",
        symptom="Ruido",
        reported_odometer=100,
        location="CDMX",
        supplier=cls.supplier,
        created_by=cls.coordinador,
        created=now,
    )
    cls.line = QuoteLine.objects.create(
        service=cls.service,
        kind="refaccion",
        description="Filtro",
        item_key="filtro",
        quantity=Decimal("1"),
        unit_price=Decimal("100.00"),
        created=now,
    )
    cls.attachment = Attachment(
        service=cls.service,
        kind=Attachment.Kind.QUOTE,
        original_name="x.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        created=now,
    )
    # A fixed name, so repeated runs do not pile files up in MEDIA_ROOT.
    name = "servicios/matriz-de-aislamiento.pdf"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(b"%PDF-1.4\n"))
    cls.attachment.file.name = name
    cls.attachment.save()
    cls.survey_token = "matriz-token-de-encuesta"
    Survey.objects.create(
        service=cls.service, token_hash=Survey.hash_token(cls.survey_token), created=now
    )
    cls.price = ReferencePrice.objects.create(
        key="FILTRO", description="Filtro", kind="refaccion", unit_price=Decimal("100")
    )


def _build_invoice_objects(cls) -> None:
    """A CFDI of the owner's supplier waiting for Enviar, and one sent to Finanzas."""
    import uuid

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from mantto.invoicing.models import ReceivedDocument

    cls.batch = uuid.uuid4()
    docs = []
    for state in ("por_enviar", "enviada"):
        doc = ReceivedDocument(
            supplier=cls.supplier, batch=cls.batch, kind="P", state=state, xml_name="p.xml",
            xml_size=4, sha256="0" * 64, uuid=str(uuid.uuid4()).upper(), total=0,
            uploaded_by=cls.owner, uploaded_at=timezone.now(), sent_at=timezone.now(),
        )  # fmt: skip
        doc.xml_file.save("x.xml", ContentFile(b"<a/>"), save=False)
        doc.save()
        docs.append(doc)
    cls.invoice_doc, cls.sent_doc = docs


def _doc(name: str, *args) -> Callable:
    return lambda t: reverse(name, args=[t.invoice_doc.code, *args])


def _taller(ok: int = 200, outsider: int | None = None) -> dict[str, int]:
    """Workshop screens: taller users only (403 for staff)."""
    return expect(403, owner=ok, colleague=ok, outsider=ok if outsider is None else outsider)


def _srv(name: str) -> Callable:
    return lambda t: reverse(name, args=[t.service.code])


def _coord(ok: int = 200) -> dict[str, int]:
    """Coordination screens: coordinators and administrators only (403 for the rest)."""
    return expect(403, coordinador=ok, administrador=ok)


def _section(key: str) -> Callable:
    return lambda t: reverse("core:section", args=[key])


MATRIX: dict[str, list[Case]] = {
    "core:home": [Case(lambda t: reverse("core:home"), expect())],
    "core:section": [
        Case(_section("correos"), expect(403, owner=200, colleague=200, outsider=200)),
        Case(_section("pagos"), expect(403, owner=200, colleague=200, outsider=200)),
        Case(_section("complementos"), staff_only("finanzas", "administrador")),
        Case(_section("reportes"), staff_only()),
        Case(_section("no-existe"), expect(404)),
    ],
    "core:aclaraciones": [Case(lambda t: reverse("core:aclaraciones"), expect())],
    "core:healthz": [Case(lambda t: reverse("core:healthz"), expect(200, anon=200))],
    # DEBUG is off in tests: the development mailbox does not exist.
    "core:dev_mail": [Case(lambda t: reverse("core:dev_mail"), expect(404, anon=404))],
    "accounts:login": [
        Case(lambda t: reverse("accounts:login"), expect(302, anon=200)),
    ],
    "accounts:logout": [
        Case(lambda t: reverse("accounts:logout"), expect(302, anon=302), method="post"),
    ],
    "accounts:users": [
        Case(
            lambda t: reverse("accounts:users"),
            expect(200, coordinador=403, finanzas=403),
        )
    ],
    "accounts:invite": [
        Case(
            lambda t: reverse("accounts:invite"),
            expect(403, owner=200, outsider=200, administrador=200),
        )
    ],
    "accounts:edit": [
        Case(
            lambda t: reverse("accounts:edit", args=[t.colleague.code]),
            expect(403, owner=200, outsider=404, administrador=200),
        )
    ],
    "accounts:deactivate": [
        Case(
            lambda t: reverse("accounts:deactivate", args=[t.colleague.code]),
            expect(403, owner=302, outsider=404, administrador=302),
            method="post",
        )
    ],
    "accounts:activate": [
        Case(
            lambda t: reverse("accounts:activate", args=[t.colleague.code]),
            expect(403, owner=302, outsider=404, administrador=302),
            method="post",
        )
    ],
    "audit:list": [Case(lambda t: reverse("audit:list"), staff_only())],
    # ---- service orders (issue #4) -----------------------------------------------
    "services:list": [Case(lambda t: reverse("services:list"), expect())],
    "services:authorizations": [Case(lambda t: reverse("services:authorizations"), _coord())],
    "services:new": [Case(lambda t: reverse("services:new"), _coord())],
    "services:detail": [Case(_srv("services:detail"), taller_own())],
    "services:assign": [Case(_srv("services:assign"), _coord())],
    "services:receive": [Case(_srv("services:receive"), expect(302, outsider=404), "post")],
    "services:quote": [Case(_srv("services:quote"), {**taller_own(), "finanzas": 403})],
    "services:submit_quote": [
        Case(_srv("services:submit_quote"), expect(302, outsider=404), "post")
    ],
    "services:evidence": [Case(_srv("services:evidence"), expect(302, outsider=404), "post")],
    "services:review": [Case(_srv("services:review"), _coord())],
    "services:authorize": [Case(_srv("services:authorize"), _coord(302), "post")],
    "services:reject": [Case(_srv("services:reject"), _coord(302), "post")],
    "services:changes": [Case(_srv("services:changes"), _coord(302), "post")],
    "services:progress": [Case(_srv("services:progress"), expect(302, outsider=404), "post")],
    "services:finish": [Case(_srv("services:finish"), expect(302, outsider=404), "post")],
    "services:deliver": [Case(_srv("services:deliver"), {**taller_own(), "finanzas": 403})],
    "services:line_delete": [
        Case(
            lambda t: reverse("services:line_delete", args=[t.line.code]),
            expect(302, outsider=404),
            "post",
        )
    ],
    "services:attachment": [
        Case(lambda t: reverse("services:attachment", args=[t.attachment.code]), taller_own())
    ],
    "services:prices": [Case(lambda t: reverse("services:prices"), _coord())],
    "services:price_new": [Case(lambda t: reverse("services:price_new"), _coord())],
    "services:price_edit": [
        Case(lambda t: reverse("services:price_edit", args=[t.price.code]), _coord())
    ],
    # The driver's survey link works without login; an unknown token is 404 for all.
    "services:survey": [
        Case(lambda t: reverse("services:survey", args=[t.survey_token]), expect(200, anon=200)),
        Case(lambda t: reverse("services:survey", args=["otro"]), expect(404, anon=404)),
    ],
    "fleet:vehicles": [Case(lambda t: reverse("fleet:vehicles"), _coord())],
    "fleet:vehicle_search": [Case(lambda t: reverse("fleet:vehicle_search"), _coord())],
    "fleet:import": [Case(lambda t: reverse("fleet:import"), _coord())],
    "suppliers:list": [Case(lambda t: reverse("suppliers:list"), staff_only())],
    "suppliers:detail": [
        Case(lambda t: reverse("suppliers:detail", args=[t.supplier.code]), staff_only())
    ],
    "reports:pending_authorizations": [
        Case(lambda t: reverse("reports:pending_authorizations", args=["xlsx"]), expect()),
        Case(lambda t: reverse("reports:pending_authorizations", args=["csv"]), expect()),
    ],
    # ---- invoice reception (issue #5) --------------------------------------------------
    "invoicing:upload": [Case(lambda t: reverse("invoicing:upload"), _taller())],
    "invoicing:cc_fields": [Case(lambda t: reverse("invoicing:cc_fields"), _taller())],
    "invoicing:history": [Case(lambda t: reverse("invoicing:history"), _taller())],
    "invoicing:export": [
        Case(lambda t: reverse("invoicing:export", args=["csv"]), _taller()),
        Case(lambda t: reverse("invoicing:export", args=["xlsx"]), _taller()),
    ],
    "invoicing:batch": [
        Case(lambda t: reverse("invoicing:batch", args=[t.batch]), _taller(outsider=404))
    ],
    "invoicing:send_batch": [
        Case(
            lambda t: reverse("invoicing:send_batch", args=[t.batch]),
            _taller(302, outsider=404),
            "post",
        )
    ],
    "invoicing:detail": [Case(_doc("invoicing:detail"), taller_own())],
    "invoicing:send": [Case(_doc("invoicing:send"), _taller(302, outsider=404), "post")],
    "invoicing:cost_centre": [
        Case(_doc("invoicing:cost_centre"), _taller(302, outsider=404), "post")
    ],
    "invoicing:print": [Case(_doc("invoicing:print"), taller_own())],
    "invoicing:download": [
        Case(_doc("invoicing:download", "xml"), taller_own()),
        Case(_doc("invoicing:download", "pdf"), expect(404)),
    ],
    "invoicing:queue": [
        Case(lambda t: reverse("invoicing:queue"), staff_only("finanzas", "administrador"))
    ],
    "invoicing:decide": [
        Case(
            lambda t: reverse("invoicing:decide", args=[t.sent_doc.code]),
            expect(403, finanzas=302, administrador=302),
            "post",
            {"decision": "aceptar"},
        )
    ],
}


def _all_url_names(resolver=None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            names |= _all_url_names(p, ns)
        elif isinstance(p, URLPattern) and p.name:
            names.add(prefix + p.name)
    return names


class IsolationMatrixTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_objects(cls)

    def persona(self, name: str):
        return {
            "owner": self.owner,
            "colleague": self.colleague,
            "outsider": self.outsider,
            "coordinador": self.coordinador,
            "finanzas": self.finanzas,
            "administrador": self.admin,
        }.get(name)

    def test_it_has_an_entry_for_every_url(self):
        missing = _all_url_names() - set(MATRIX)
        self.assertEqual(missing, set(), "URLs sin expectativa en la matriz de aislamiento")

    def test_it_enforces_the_matrix(self):
        for name, cases in MATRIX.items():
            for case in cases:
                path = case.path(type(self))
                for persona in PERSONAS:
                    with self.subTest(url=name, path=path, persona=persona):
                        self.client.logout()
                        user = self.persona(persona)
                        if user is not None:
                            self.login(user)
                        # Each request's changes are rolled back so the next persona
                        # sees the same data.
                        with transaction.atomic():
                            r = getattr(self.client, case.method)(path, case.data)
                            transaction.set_rollback(True)
                        self.assertEqual(
                            r.status_code,
                            case.expected[persona],
                            f"{persona} {case.method.upper()} {path}",
                        )
