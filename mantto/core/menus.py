"""Menus per role. The taller menu is the seed's: Inicio, Facturas, Correos, Pagos,
Usuarios (plus Aclaraciones)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mantto.accounts.models import Role

MENUS = {
    Role.TALLER: [
        ("core:home", _("Inicio")),
        ("services:list", _("Servicios")),
        ("invoicing:upload", _("Facturas")),
        ("core:section", _("Correos"), "correos"),
        ("core:section", _("Pagos"), "pagos"),
        ("accounts:users", _("Usuarios")),
        ("core:aclaraciones", _("Aclaraciones")),
    ],
    Role.COORDINADOR: [
        ("core:home", _("Inicio")),
        ("services:list", _("Solicitudes")),
        ("services:authorizations", _("Autorizaciones")),
        ("suppliers:list", _("Talleres")),
        ("fleet:vehicles", _("Flota")),
        ("audit:list", _("Bitácora")),
    ],
    Role.FINANZAS: [
        ("core:home", _("Inicio")),
        ("invoicing:queue", _("Facturas recibidas")),
        ("core:section", _("Pagos"), "corridas-pago"),
        ("core:section", _("Complementos"), "complementos"),
        ("suppliers:list", _("Talleres")),
        ("audit:list", _("Bitácora")),
    ],
    Role.ADMINISTRADOR: [
        ("core:home", _("Inicio")),
        ("accounts:users", _("Usuarios")),
        ("services:list", _("Solicitudes")),
        ("suppliers:list", _("Talleres")),
        ("fleet:vehicles", _("Flota")),
        ("services:prices", _("Precios")),
        ("core:section", _("Reportes"), "reportes"),
        ("audit:list", _("Bitácora")),
    ],
}

# What each section will hold, shown until its screen exists, so no page is blank.
SECTIONS = {
    "correos": (
        _("Correos"),
        _(
            "Aquí administrarás los correos donde tu taller recibe avisos de pagos, "
            "rechazos y recordatorios."
        ),
        (Role.TALLER,),
    ),
    "pagos": (
        _("Pagos"),
        _(
            "Aquí verás cada pago por transferencia: facturas pagadas, importe, fecha y "
            "referencia, y podrás descargar el historial. Recuerda: un complemento de pago "
            "por cada factura pagada, antes del día 5 del mes siguiente."
        ),
        (Role.TALLER,),
    ),
    "corridas-pago": (
        _("Corridas de pago"),
        _("Aquí prepararás y aprobarás los pagos por transferencia SPEI."),
        (Role.FINANZAS, Role.ADMINISTRADOR),
    ),
    "complementos": (
        _("Complementos de pago"),
        _("Aquí vigilarás los complementos de pago pendientes y vencidos de cada taller."),
        (Role.FINANZAS, Role.ADMINISTRADOR),
    ),
    "reportes": (
        _("Reportes"),
        _("Aquí descargarás los reportes de servicios, facturas y pagos."),
        (Role.COORDINADOR, Role.FINANZAS, Role.ADMINISTRADOR),
    ),
}


def menu_for(user) -> list[dict]:
    from django.urls import reverse

    items = []
    for entry in MENUS.get(user.role, []):
        name, label, *args = entry
        items.append(
            {"url": reverse(name, args=args), "label": label, "key": args[0] if args else name}
        )
    return items
