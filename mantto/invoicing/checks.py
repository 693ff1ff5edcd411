"""The portal's own checks on a received CFDI, after the CFDI engine's: who issued it, to
whom, which service it bills (R1–R4, R9), amounts, duplicates, credit notes.

Every finding is a dict ``{"code", "severity", "message", "path", "details"}`` with a
Spanish message saying what is wrong, where, and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

from mantto.core.money import format_mxn, money
from mantto.invoicing.models import SUBMITTED, Kind, ReceivedDocument, State
from mantto.invoicing.reading import Parsed, digits
from mantto.sat.models import FiscalProfile
from mantto.services.models import ServiceRequest, normalize_item

# Warnings that do not stop automatic acceptance (INVOICE_AUTO_ACCEPT).
HARMLESS_WARNINGS = {"MANTTO-FACTURA-TARDE", "MANTTO-PAGO-SIN-CONCILIAR"}


def finding(
    code: str, message: str, path: str = "", *, severity: str = "error", details=None
) -> dict:
    d = {"code": code, "severity": severity, "message": str(message), "path": path}
    if details:
        d["details"] = [str(x) for x in details]
    return d


def six_digit_message() -> str:
    return _(
        "Las autorizaciones de seis dígitos (formato anterior) no se pueden ingresar en el "
        "portal. Envía tu factura y tu número de autorización a %(email)s o llama al "
        "%(phone)s para que Finanzas la reciba por aclaración."
    ) % {"email": settings.CLARIFICATIONS_EMAIL, "phone": settings.CLARIFICATIONS_PHONE}


@dataclass
class Outcome:
    findings: list[dict] = field(default_factory=list)
    service: ServiceRequest | None = None
    related_invoice: ReceivedDocument | None = None
    authorization_number: str = ""
    ticket: str = ""
    is_late: bool = False

    def add(self, *args, **kwargs) -> None:
        self.findings.append(finding(*args, **kwargs))


def engine_findings(parsed: Parsed) -> list[dict]:
    return [
        finding(f.code, f.message, f.path, severity=str(f.severity)) for f in parsed.report.findings
    ]


def run(
    supplier,
    parsed: Parsed,
    *,
    kind: str,
    typed_authorization: str = "",
    typed_ticket: str = "",
    cost_centre_data: dict | None = None,
    now: datetime,
) -> Outcome:
    """Every check for one document; the outcome carries the matched service."""
    out = Outcome(findings=engine_findings(parsed))
    r = parsed.report
    if r.tipo and r.tipo != kind:
        out.add(
            "MANTTO-TIPO",
            _(
                "Elegiste «%(chosen)s» pero el XML es de tipo «%(actual)s» "
                "(TipoDeComprobante). Elige el tipo correcto y cárgalo de nuevo."
            )
            % {"chosen": Kind(kind).label, "actual": _kind_label(r.tipo)},
            "/Comprobante/@TipoDeComprobante",
        )
    _parties(out, supplier, parsed, kind)
    _duplicate(out, supplier, r.uuid)
    if kind == Kind.INGRESO:
        _payment_method(out, r.metodo_pago)
        _invoice_service(
            out,
            supplier,
            parsed,
            typed_authorization=typed_authorization,
            typed_ticket=typed_ticket,
            cost_centre_data=cost_centre_data or {},
            now=now,
        )
    elif kind == Kind.EGRESO:
        _credit_note(out, supplier, parsed)
    elif kind == Kind.PAGO:
        out.add(
            "MANTTO-PAGO-SIN-CONCILIAR",
            _(
                "Guardamos el complemento de pago como documento recibido. Su conciliación "
                "con el pago de Ayvens se hace en la sección Pagos; aquí no se relaciona aún."
            ),
            severity="warning",
        )
    out.findings.sort(key=lambda f: f["severity"] != "error")
    return out


def _kind_label(tipo: str) -> str:
    try:
        return str(Kind(tipo).label)
    except ValueError:
        return tipo


def _norm(text: str | None) -> str:
    return " ".join((text or "").upper().split())


def _parties(out: Outcome, supplier, parsed: Parsed, kind: str) -> None:
    r = parsed.report
    if r.emisor_rfc is not None and r.emisor_rfc.upper() != supplier.rfc.upper():
        out.add(
            "MANTTO-EMISOR-RFC",
            _(
                "El RFC del emisor (%(found)s) no es el de tu taller (%(rfc)s). Solo puedes "
                "cargar facturas emitidas por tu propio RFC."
            )
            % {"found": r.emisor_rfc, "rfc": supplier.rfc},
            "/Comprobante/Emisor/@Rfc",
        )
    profile = FiscalProfile.current()
    if profile is None:
        out.add(
            "MANTTO-FISCAL-CONFIG",
            _(
                "Ayvens aún no configura sus datos fiscales en el portal; no podemos revisar "
                "el receptor. Comunícate a %(email)s."
            )
            % {"email": settings.CLARIFICATIONS_EMAIL},
        )
        return
    fix = _(
        "Pide a tu sistema de facturación que use los datos fiscales de Ayvens y timbra de nuevo."
    )
    checks = [
        ("MANTTO-RECEPTOR-RFC", _("RFC del receptor"), r.receptor_rfc, profile.rfc, "Rfc"),
        (
            "MANTTO-RECEPTOR-NOMBRE",
            _("Nombre del receptor"),
            _norm(r.receptor_nombre),
            _norm(profile.name),
            "Nombre",
        ),
        (
            "MANTTO-RECEPTOR-CP",
            _("Código postal del receptor"),
            r.receptor_domicilio_fiscal,
            profile.postal_code,
            "DomicilioFiscalReceptor",
        ),
        (
            "MANTTO-RECEPTOR-REGIMEN",
            _("Régimen fiscal del receptor"),
            r.receptor_regimen,
            profile.regimen_fiscal,
            "RegimenFiscalReceptor",
        ),
    ]
    for code, label, found, expected, attr in checks:
        if r.tipo is not None and (found or "") != (expected or ""):
            out.add(
                code,
                _("%(label)s: dice «%(found)s» y debe ser «%(expected)s». %(fix)s")
                % {"label": label, "found": found or "—", "expected": expected, "fix": fix},
                f"/Comprobante/Receptor/@{attr}",
            )
    allowed = [u.upper() for u in profile.allowed_uso_cfdi or []]
    if kind != Kind.PAGO and allowed and (r.uso_cfdi or "").upper() not in allowed:
        out.add(
            "MANTTO-USO-CFDI",
            _("El Uso de CFDI «%(found)s» no está permitido; usa uno de: %(allowed)s.")
            % {"found": r.uso_cfdi or "—", "allowed": ", ".join(allowed)},
            "/Comprobante/Receptor/@UsoCFDI",
        )


def _duplicate(out: Outcome, supplier, uuid: str | None) -> None:
    if not uuid:
        return
    prior = (
        ReceivedDocument.objects.filter(uuid=uuid, state__in=SUBMITTED)
        .only("supplier_id", "sent_at")
        .first()
    )
    if prior is None:
        return
    if prior.supplier_id == supplier.pk:
        when = formats.date_format(prior.sent_at, "SHORT_DATE_FORMAT") if prior.sent_at else ""
        msg = _("Ya enviaste este CFDI (UUID %(uuid)s) el %(when)s; no se recibe dos veces.") % {
            "uuid": uuid,
            "when": when,
        }
    else:
        msg = _(
            "Este CFDI (UUID %(uuid)s) ya fue recibido en el portal; no se recibe dos veces."
        ) % {"uuid": uuid}
    out.add("MANTTO-UUID-DUP", msg, "/Comprobante/Complemento/TimbreFiscalDigital/@UUID")


def _payment_method(out: Outcome, metodo: str | None) -> None:
    if metodo == "PUE" and not settings.INVOICE_ALLOW_PUE:
        out.add(
            "MANTTO-PUE",
            _(
                "La factura dice MetodoPago PUE (pago en una sola exhibición), pero Ayvens paga "
                "después de recibirla: emítela con PPD (pago en parcialidades o diferido) y "
                "FormaPago 99."
            ),
            "/Comprobante/@MetodoPago",
        )


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


def _invoice_service(
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
                "date": formats.date_format(service.authorized_at, "SHORT_DATE_FORMAT"),
                "days": settings.AUTH_WINDOW_DAYS,
                "last": formats.date_format(last, "SHORT_DATE_FORMAT") if last else "",
                "email": settings.CLARIFICATIONS_EMAIL,
            },
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
                "due": formats.date_format(service.invoice_due(), "SHORT_DATETIME_FORMAT"),
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


def _credit_note(out: Outcome, supplier, parsed: Parsed) -> None:
    r = parsed.report
    uuids = [u for rel in r.relacionados if rel.tipo_relacion == "01" for u in rel.uuids]
    if len(uuids) != 1:
        out.add(
            "MANTTO-NC-RELACION",
            _(
                "Una nota de crédito debe relacionar exactamente una factura con TipoRelacion "
                "01 (nota de crédito de los documentos relacionados); esta relaciona %(n)s."
            )
            % {"n": len(uuids)},
            "/Comprobante/CfdiRelacionados",
        )
        return
    invoice = (
        ReceivedDocument.objects.filter(
            supplier=supplier, kind=Kind.INGRESO, state=State.ACCEPTED, uuid=uuids[0]
        )
        .select_related("service")
        .first()
    )
    if invoice is None:
        out.add(
            "MANTTO-NC-FACTURA",
            _(
                "La factura relacionada %(uuid)s no es una factura aceptada de tu taller. "
                "Relaciona la nota de crédito con una factura que Finanzas ya aceptó."
            )
            % {"uuid": uuids[0]},
            "/Comprobante/CfdiRelacionados/CfdiRelacionado/@UUID",
        )
        return
    out.related_invoice = invoice
    out.service = invoice.service
    available = money(invoice.total - invoice.credited_amount(SUBMITTED))
    if r.total is not None and r.total > available:
        out.add(
            "MANTTO-NC-EXCEDE",
            _(
                "La nota de crédito (%(total)s) excede lo que queda por pagar de la factura "
                "%(uuid)s (%(available)s)."
            )
            % {
                "total": format_mxn(r.total),
                "uuid": invoice.uuid,
                "available": format_mxn(available),
            },
            "/Comprobante/@Total",
        )
