"""R1–R4, R9 for an invoice: which service it bills, whether that service may be invoiced
now, and whether the amounts match the authorized quote line by line."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from mantto.core.money import format_mxn, money
from mantto.invoicing.models import SUBMITTED, Kind, ReceivedDocument
from mantto.invoicing.reading import Parsed, digits
from mantto.invoicing.verdict import Outcome, day, finding, moment, six_digit_message
from mantto.services.models import ServiceRequest, normalize_item


def _pick(out: Outcome, typed: str, found: list[str], what: str, code: str) -> str:
    """The number to use: the typed one, which the invoice must carry; or, in a batch
    (nothing typed), the only one the invoice carries."""
    where = _("en la descripción de un concepto, NoIdentificacion, Serie/Folio o la Addenda")
    if typed:
        if not found:
            out.add(
                f"{code}-FALTA",
                _(
                    "La factura no trae el %(what)s %(typed)s. Escríbelo %(where)s, "
                    "p. ej. «%(example)s», y timbra de nuevo."
                )
                % {"what": what, "typed": typed, "where": where, "example": _example(code, typed)},
            )
        elif typed not in found:
            out.add(
                f"{code}-DIFERENTE",
                _(
                    "Escribiste el %(what)s %(typed)s pero la factura trae %(found)s. "
                    "Revisa cuál es el correcto."
                )
                % {"what": what, "typed": typed, "found": ", ".join(found)},
            )
        return typed
    if len(found) == 1:
        return found[0]
    if not found:
        out.add(
            f"{code}-FALTA",
            _("No encontramos el %(what)s en la factura. Escríbelo %(where)s y timbra de nuevo.")
            % {"what": what, "where": where},
        )
    else:
        out.add(
            f"{code}-AMBIGUO",
            _("La factura trae varios %(what)s (%(found)s); debe traer uno solo.")
            % {"what": what, "found": ", ".join(found)},
        )
    return ""


def _example(code: str, typed: str) -> str:
    return f"AUT {typed}" if code == "MANTTO-AUT" else f"Ticket TKT-{typed[:4]}-{typed[4:]}"


def invoice_service(
    out: Outcome,
    supplier,
    parsed: Parsed,
    *,
    typed_authorization: str,
    typed_ticket: str,
    cost_centre_data: dict,
    now: datetime,
) -> None:
    typed_aut = digits(typed_authorization)
    found_aut = parsed.authorizations
    if len(typed_aut) == 6 or (not typed_aut and found_aut and all(len(a) == 6 for a in found_aut)):
        out.add("MANTTO-AUT-6D", six_digit_message())
        return
    found_aut = [a for a in found_aut if len(a) != 6]
    number = _pick(out, typed_aut, found_aut, _("número de autorización"), "MANTTO-AUT")
    ticket = _pick(
        out, digits(typed_ticket), parsed.tickets, _("número de ticket"), "MANTTO-TICKET"
    )
    out.authorization_number, out.ticket = number, ticket
    if not number:
        return
    service = (
        ServiceRequest.objects.filter(supplier=supplier, authorization_number=int(number))
        .select_related("cost_centre")
        .first()
    )
    if service is None:
        out.add(
            "MANTTO-AUT-NO-EXISTE",
            _(
                "La autorización %(number)s no corresponde a ningún servicio autorizado a tu "
                "taller. Revisa el número en el correo de autorización o en «Facturas a cobro»."
            )
            % {"number": number},
        )
        return
    out.service = service
    if ticket and digits(service.ticket) == ticket:
        out.ticket = service.ticket
    if ticket and digits(service.ticket) != ticket:
        out.add(
            "MANTTO-TICKET-NO-COINCIDE",
            _("El ticket de la autorización %(number)s es %(ticket)s, no el que trae la factura.")
            % {"number": number, "ticket": service.ticket},
        )
    if service.delivered_at is None or service.state != ServiceRequest.State.DELIVERED:
        out.add(
            "MANTTO-SERVICIO-NO-ENTREGADO",
            _(
                "El servicio %(ticket)s aún no está entregado (estado: %(state)s). Factura "
                "después de entregar el vehículo y registrar la firma del conductor."
            )
            % {"ticket": service.ticket, "state": service.get_state_display()},
        )
    if (
        service.invoice_accepted_at is not None
        or ReceivedDocument.objects.filter(
            service=service, kind=Kind.INGRESO, state__in=SUBMITTED
        ).exists()
    ):
        out.add(
            "MANTTO-SERVICIO-FACTURADO",
            _("El servicio %(ticket)s ya tiene una factura enviada o aceptada.")
            % {"ticket": service.ticket},
        )
    if not service.auth_window_open(now):
        last = service.auth_last_day()
        out.add(
            "MANTTO-AUT-30D",
            _(
                "La autorización %(number)s es del %(date)s: pasaron más de %(days)s días y "
                "Ayvens no puede pagar este servicio (venció el %(last)s). Comunícate a "
                "%(email)s."
            )
            % {
                "number": number,
                "date": day(service.authorized_at),
                "days": settings.AUTH_WINDOW_DAYS,
                "last": day(last),
                "email": settings.CLARIFICATIONS_EMAIL,
            },
        )
    else:
        left = service.days_left_to_invoice(now)
        if left is not None and left <= settings.AUTH_REMINDER_DAYS:
            out.add(
                "MANTTO-AUT-POR-VENCER",
                _(
                    "La autorización vence el %(last)s (quedan %(left)s días): presiona Enviar "
                    "hoy; después de esa fecha Ayvens ya no puede pagar este servicio."
                )
                % {"last": day(service.auth_last_day()), "left": left},
                severity="warning",
            )
    _amount(out, service, parsed)
    if service.delivered_at and service.is_invoice_late(now):
        out.is_late = True
        out.add(
            "MANTTO-FACTURA-TARDE",
            _(
                "La factura llega después de %(hours)s h de la entrega (vencía el %(due)s). "
                "Se recibe, pero queda marcada como tardía en el historial de tu taller."
            )
            % {
                "hours": settings.INVOICE_DUE_HOURS,
                "due": moment(service.invoice_due()),
            },
            severity="warning",
        )
    cost_centre_findings(out.findings, service, cost_centre_data)


def cost_centre_findings(findings: list[dict], service, values: dict) -> None:
    """R9: the data the client's cost centre asks for (replaces earlier such findings)."""
    findings[:] = [f for f in findings if f["code"] != "MANTTO-CC-DATOS"]
    cc = service.cost_centre if service else None
    if cc is None:
        return
    errors = cc.validate_values(values)
    if errors:
        findings.append(
            finding(
                "MANTTO-CC-DATOS",
                _(
                    "Faltan o están mal los datos que pide el centro de costos %(cc)s; "
                    "corrígelos abajo."
                )
                % {"cc": cc},
                details=list(errors.values()),
            )
        )
        # Fixable on the review screen, so it goes after the errors that are not.
        findings.sort(key=lambda f: f["severity"] != "error")


def _amount(out: Outcome, service: ServiceRequest, parsed: Parsed) -> None:
    r = parsed.report
    if r.moneda and r.moneda != "MXN":
        out.add(
            "MANTTO-MONEDA",
            _("La factura está en %(moneda)s; los servicios se facturan en pesos (MXN).")
            % {"moneda": r.moneda},
            "/Comprobante/@Moneda",
        )
        return
    if r.total is None or service.authorized_amount is None:
        return
    tolerance = Decimal(settings.INVOICE_AMOUNT_TOLERANCE)
    diff = money(r.total - service.authorized_amount)
    if abs(diff) <= tolerance:
        return
    out.add(
        "MANTTO-IMPORTE",
        _(
            "El total de la factura (%(total)s) no coincide con el importe autorizado "
            "(%(authorized)s): diferencia de %(diff)s (tolerancia %(tol)s). Factura solo las "
            "partidas autorizadas, con sus precios."
        )
        % {
            "total": format_mxn(r.total),
            "authorized": format_mxn(service.authorized_amount),
            "diff": format_mxn(diff),
            "tol": format_mxn(tolerance),
        },
        "/Comprobante/@Total",
        details=line_differences(service, parsed.conceptos, tolerance),
    )


def line_differences(service: ServiceRequest, conceptos: list[dict], tolerance) -> list[str]:
    """Which concepts differ from the authorized quote lines (matched by catalogue key /
    NoIdentificacion or by normalized description)."""
    lines = list(service.authorized_lines().select_related("reference"))
    unmatched = list(lines)
    notes = []
    for c in conceptos:
        desc = normalize_item(c["descripcion"])
        ident = (c.get("no_identificacion") or "").upper()
        line = next(
            (
                ln
                for ln in unmatched
                if normalize_item(ln.description) == desc
                or (
                    ident
                    and (
                        ln.item_key.upper() == ident
                        or (ln.reference and ln.reference.key.upper() == ident)
                    )
                )
            ),
            None,
        )
        importe = money(Decimal(c["importe"] or "0") - Decimal(c.get("descuento") or "0"))
        if line is None:
            notes.append(
                _("«%(desc)s» (%(amount)s) no está en la cotización autorizada.")
                % {"desc": c["descripcion"], "amount": format_mxn(importe)}
            )
            continue
        unmatched.remove(line)
        if abs(importe - line.subtotal) > tolerance:
            notes.append(
                _("«%(desc)s»: facturado %(billed)s antes de IVA, autorizado %(auth)s.")
                % {
                    "desc": c["descripcion"],
                    "billed": format_mxn(importe),
                    "auth": format_mxn(line.subtotal),
                }
            )
    for line in unmatched:
        notes.append(
            _("Falta la partida autorizada «%(desc)s» (%(amount)s antes de IVA).")
            % {"desc": line.description, "amount": format_mxn(line.subtotal)}
        )
    return notes
