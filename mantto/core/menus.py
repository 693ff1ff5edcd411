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
        ("core:section", _("Talleres"), "talleres"),
        ("audit:list", _("Bitácora")),
    ],
    Role.ADMINISTRADOR: [
        ("core:home", _("Inicio")),
        ("accounts:users", _("Usuarios")),
        ("core:section", _("Talleres"), "talleres"),
        ("core:section", _("Flota"), "flota"),
        ("core:section", _("Reportes"), "reportes"),
        ("audit:list", _("Bitácora")),
    ],
}

# What each section will hold, shown until its screen exists, so no page is blank.
SECTIONS = {
    "facturas": (
        _("Facturas"),
        _(
            "Aquí cargarás el XML de cada factura (y su PDF), indicarás los datos del centro "
            "de costos y el tipo de comprobante (Ingreso, Egreso o Pago), revisarás el "
            "resultado y presionarás Enviar. También verás tu historial de envíos."
        ),
        (Role.TALLER,),
    ),
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
    "solicitudes": (
        _("Solicitudes de servicio"),
        _("Aquí registrarás las llamadas de los conductores y asignarás el taller."),
        (Role.COORDINADOR, Role.ADMINISTRADOR),
    ),
    "autorizaciones": (
        _("Autorizaciones"),
        _("Aquí validarás cotizaciones y generarás números de autorización."),
        (Role.COORDINADOR, Role.ADMINISTRADOR),
    ),
    "talleres": (
        _("Talleres"),
        _("Aquí verás la red de talleres, sus datos fiscales y su historial."),
        (Role.COORDINADOR, Role.FINANZAS, Role.ADMINISTRADOR),
    ),
    "flota": (
        _("Flota"),
        _("Aquí verás clientes, centros de costos, vehículos y conductores."),
        (Role.COORDINADOR, Role.ADMINISTRADOR),
    ),
    "facturas-recibidas": (
        _("Facturas recibidas"),
        _("Aquí revisarás las facturas enviadas por los talleres y las aceptarás o rechazarás."),
        (Role.FINANZAS, Role.ADMINISTRADOR),
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
