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


def _section(key: str) -> Callable:
    return lambda t: reverse("core:section", args=[key])


MATRIX: dict[str, list[Case]] = {
    "core:home": [Case(lambda t: reverse("core:home"), expect())],
    "core:section": [
        Case(_section("facturas"), expect(403, owner=200, colleague=200, outsider=200)),
        Case(_section("correos"), expect(403, owner=200, colleague=200, outsider=200)),
        Case(_section("pagos"), expect(403, owner=200, colleague=200, outsider=200)),
        Case(_section("talleres"), staff_only()),
        Case(_section("facturas-recibidas"), staff_only("finanzas", "administrador")),
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
