"""The portal's own checks on a received CFDI, after the CFDI engine's: who issued it, to
whom, which service it bills (R1–R4, R9), amounts, duplicates, credit notes.

Every finding is a dict ``{"code", "severity", "message", "path", "details"}`` with a
Spanish message saying what is wrong, where, and how to fix it.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from mantto.core.money import format_mxn, money
from mantto.invoicing.matching import cost_centre_findings, invoice_service
from mantto.invoicing.models import SUBMITTED, Kind, ReceivedDocument, State
from mantto.invoicing.reading import Parsed
from mantto.invoicing.verdict import HARMLESS_WARNINGS, Outcome, day, finding
from mantto.sat.models import FiscalProfile

__all__ = ["HARMLESS_WARNINGS", "cost_centre_findings", "run"]


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
        invoice_service(
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
        when = day(prior.sent_at)
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
