"""One-pass structure check equivalent to SAT's XSDs (see schema.py).

Codes: ``MANTTO-XSD-…`` for what only the schema says; SAT's matrix code when a
catalog or pattern failure has one (``CFDI40104`` for FormaPago, …).
"""

from __future__ import annotations

from lxml import etree

from ..findings import Finding, error, warning
from . import values as v
from .schema import COMPROBANTE, NS_CFDI, NS_XSI, Attr, Elem
from .schema_complementos import KNOWN_COMPLEMENTS

_XSI_PREFIX = "{" + NS_XSI + "}"

# Complement namespaces SAT publishes that we accept without checking in depth.
_COMPLEMENT_NAMES = {
    "http://www.sat.gob.mx/implocal": "Impuestos locales",
    "http://www.sat.gob.mx/ComercioExterior20": "Comercio Exterior 2.0",
    "http://www.sat.gob.mx/CartaPorte31": "Carta Porte 3.1",
    "http://www.sat.gob.mx/CartaPorte30": "Carta Porte 3.0",
    "http://www.sat.gob.mx/nomina12": "Nómina 1.2",
    "http://www.sat.gob.mx/leyendasFiscales": "Leyendas fiscales",
}


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _is_blank(t: str | None) -> bool:
    return not t or t.isspace()


class _Out(list):
    """Findings plus the position of each repeated element, recorded while walking so a
    path like Concepto[9000] costs a dict lookup, not a scan of the siblings."""

    def __init__(self, at: dict[etree._Element, dict[str, str]] | None = None) -> None:
        super().__init__()
        self.pos: dict[etree._Element, int] = {}
        self.at = at if at is not None else {}


def node_path(el: etree._Element, out: list[Finding] | None = None) -> str:
    """XPath-like location of ``el`` ("/Comprobante/Conceptos/Concepto[2]"), computed only
    when a finding needs it so the valid path costs nothing."""
    pos = out.pos if isinstance(out, _Out) else {}
    parts = []
    while el is not None:
        name = _local(el.tag) if isinstance(el.tag, str) else "?"
        if el in pos:
            name += f"[{pos[el]}]"
        parts.append(name)
        el = el.getparent()
    return "/" + "/".join(reversed(parts))


def check_structure(
    root: etree._Element,
    out: list[Finding],
    at: dict[etree._Element, dict[str, str]] | None = None,
) -> None:
    """``at``: the tree's attribute snapshot (rules.context.snapshot), when there is one."""
    found = _Out(at)
    _walk(root, COMPROBANTE, found)
    out.extend(found)


def _walk(el: etree._Element, spec: Elem, out: list[Finding]) -> None:
    _check_attrs(el, spec, out)
    text = el.text
    if text and not text.isspace():
        out.append(
            error(
                "MANTTO-XSD-TEXT",
                f"El nodo {spec.name} contiene texto ({text.strip()[:40]!r}); en un CFDI los datos "
                "van en atributos. Elimine ese texto.",
                node_path(el, out),
            )
        )
    if not len(el):  # a leaf (most nodes): no tails, no children to match
        if spec.kids:
            _match_children(el, [], [], spec, out)
        return
    kids = []
    tags = []
    for child in el:
        tail = child.tail
        if tail and not tail.isspace():
            out.append(
                error(
                    "MANTTO-XSD-TEXT",
                    f"Hay texto suelto dentro del nodo {spec.name} ({tail.strip()[:40]!r}).",
                    node_path(el, out),
                )
            )
        tag = child.tag
        if isinstance(tag, str):  # comments and processing instructions are allowed
            kids.append(child)
            tags.append(tag)
    if kids or spec.kids:
        _match_children(el, kids, tags, spec, out)


def _check_attrs(el: etree._Element, spec: Elem, out: list[Finding]) -> None:
    snap = out.at.get(el)  # type: ignore[attr-defined]  # out is always an _Out here
    attrs = snap if snap is not None else dict(el.items())
    # Hot path: documents repeat a few attribute layouts, so whether the names are right
    # (none unknown outside xsi:, every required one present) and which checks apply is
    # a dict hit on the names; then one check per present attribute. Anything off goes
    # to the loop of _check_attrs_slow, which reports in document order.
    present = tuple(attrs)
    layouts = spec.layouts
    checks = layouts.get(present, _UNSEEN)
    if checks is _UNSEEN:
        checks = _layout_checks(spec, attrs)
        if len(layouts) > 1024:
            layouts.clear()
        layouts[present] = checks
    if checks is not None:
        for name, check in checks:
            if not check(attrs[name]):
                break
        else:
            return
    _check_attrs_slow(el, attrs, spec, out)


_UNSEEN = object()


def _layout_checks(spec: Elem, attrs: dict[str, str]) -> tuple | None:
    names, required_names, checks = spec.quick if spec.quick is not None else spec.quick_table()
    keys = attrs.keys()
    if not required_names <= keys:
        return None
    if not keys <= names and not all(n.startswith(_XSI_PREFIX) for n in keys - names):
        return None
    return tuple((name, check) for name, check in checks if name in keys)


def _check_attrs_slow(
    el: etree._Element, attrs: dict[str, str], spec: Elem, out: list[Finding]
) -> None:
    """One dict lookup and one check per attribute; problems go to _slow()."""
    fast = spec.fast if spec.fast is not None else spec.fast_table()
    required = 0
    for name, value in attrs.items():
        f = fast.get(name)
        if f is None:
            if not name.startswith(_XSI_PREFIX):
                out.append(
                    error(
                        "MANTTO-XSD-ATTR-UNKNOWN",
                        f"El atributo {_local(name)} no existe en el nodo {spec.name} según el "
                        "esquema del SAT; elimínelo (o revise mayúsculas y acentos del nombre).",
                        f"{node_path(el, out)}/@{_local(name)}",
                    )
                )
            continue
        check, req, a = f
        required += req
        if check is not None and not check(value):
            _slow(name, value, a, spec, el, out)
    if required != spec.n_required:
        for name, a in spec.attrs.items():
            if a.required and attrs.get(name) is None:
                out.append(
                    error(
                        "MANTTO-XSD-ATTR-REQUIRED",
                        f"Falta el atributo obligatorio {name} en el nodo {spec.name}; debe "
                        f"contener {a.hint}.",
                        f"{node_path(el, out)}/@{name}",
                    )
                )


def _catalog_name(a: Attr) -> str:
    return a.hint.removeprefix("una clave del catálogo ").split()[0]


def _slow(
    name: str, value: str, a: Attr, spec: Elem, el: etree._Element, out: list[Finding]
) -> None:
    """A value failed the fast check: retry as XSD would (whitespace collapsed), then report."""
    collapsed = v.collapse(value)
    ok = bool(a.check(value)) or (collapsed != value and bool(a.check(collapsed)))
    if ok and a.catalog is not None:
        if value in a.values() or collapsed in a.values():
            return
        out.append(
            error(
                a.code or "MANTTO-XSD-CATALOG",
                f"El atributo {name} del nodo {spec.name} tiene el valor {value[:60]!r}, que no "
                f"existe en el catálogo {_catalog_name(a)} "
                "del SAT. Use una clave vigente del catálogo.",
                f"{node_path(el, out)}/@{name}",
            )
        )
        return
    if not ok:
        out.append(
            error(
                a.code or "MANTTO-XSD-VALUE",
                f"El atributo {name} del nodo {spec.name} tiene el valor {value[:60]!r}, que no "
                f"cumple el formato del SAT: debe ser {a.hint}.",
                f"{node_path(el, out)}/@{name}",
            )
        )


def _match_children(
    el: etree._Element, kids: list, tags: list[str], spec: Elem, out: list[Finding]
) -> None:
    i, n = 0, len(kids)
    for qname, local, child_spec, lo, hi in spec.kids:
        count = 0
        while i < n and tags[i] == qname and count < hi:
            count += 1
            if hi > 1:
                out.pos[kids[i]] = count  # type: ignore[attr-defined]
            if child_spec is not None:
                _walk(kids[i], child_spec, out)
            else:
                _any_content(kids[i], local, out)
            i += 1
        if count < lo:
            out.append(
                error(
                    "MANTTO-XSD-ELEMENT-REQUIRED",
                    f"Falta el nodo obligatorio {local} dentro de {spec.name} (o está fuera "
                    "del orden que exige el esquema del SAT).",
                    f"{node_path(el, out)}/{local}",
                )
            )
    if i < n:
        extra = kids[i]
        tag = extra.tag
        ns = tag[1:].partition("}")[0] if tag.startswith("{") else ""
        if ns != spec_ns(spec):
            msg = (
                f"El nodo {_local(tag)} (espacio de nombres {ns or 'vacío'!r}) no se permite "
                f"dentro de {spec.name}; revise el prefijo/namespace del nodo."
            )
        else:
            msg = (
                f"El nodo {_local(tag)} no se permite en esa posición dentro de {spec.name}: "
                "sobra, está repetido o está fuera del orden que exige el esquema del SAT."
            )
        out.append(error("MANTTO-XSD-ELEMENT-UNEXPECTED", msg, node_path(extra, out)))


def spec_ns(spec: Elem) -> str:
    return spec.children[0][0] if spec.children else NS_CFDI


def _any_content(el: etree._Element, local: str, out: list[Finding]) -> None:
    """xs:any containers: Complemento, Addenda and ComplementoConcepto."""
    if el.attrib:
        out.append(
            error(
                "MANTTO-XSD-ATTR-UNKNOWN",
                f"El nodo {local} no lleva atributos según el esquema del SAT.",
                node_path(el, out),
            )
        )
    if local == "Addenda":
        return  # SAT does not validate addendas; they are the receiver's business.
    if not _is_blank(el.text) or any(not _is_blank(k.tail) for k in el):
        out.append(
            error(
                "MANTTO-XSD-TEXT",
                f"El nodo {local} contiene texto suelto; solo puede contener nodos. Elimínelo.",
                node_path(el, out),
            )
        )
    kids = [k for k in el if isinstance(k.tag, str)]
    if local == "ComplementoConcepto":
        if kids:
            out.append(
                warning(
                    "MANTTO-COMPLEMENTO-NO-VERIFICADO",
                    "El concepto trae un complemento (ComplementoConcepto) que este validador no "
                    "revisa a detalle; verifíquelo por separado si es relevante.",
                    node_path(el, out),
                )
            )
        return
    seen: set[str] = set()
    for k in kids:
        tag = k.tag
        spec = KNOWN_COMPLEMENTS.get(tag)
        if spec is not None:
            if tag in seen:
                out.append(
                    error(
                        "MANTTO-COMPLEMENTO-DUPLICADO",
                        f"El complemento {spec.name} aparece más de una vez; solo se permite uno.",
                        f"{node_path(el, out)}/{spec.name}",
                    )
                )
                continue
            seen.add(tag)
            _walk(k, spec, out)
            continue
        ns = tag[1:].partition("}")[0] if tag.startswith("{") else ""
        if ns in (NS_CFDI, "") or not ns.startswith("http://www.sat.gob.mx/"):
            out.append(
                error(
                    "MANTTO-XSD-ELEMENT-UNEXPECTED",
                    f"El nodo {_local(tag)} no es un complemento publicado por el SAT y no "
                    "puede ir dentro de Complemento.",
                    f"{node_path(el, out)}/{_local(tag)}",
                )
            )
            continue
        name = _COMPLEMENT_NAMES.get(ns, f"{_local(tag)} ({ns})")
        out.append(
            warning(
                "MANTTO-COMPLEMENTO-NO-VERIFICADO",
                f"El CFDI trae el complemento {name}, que este validador acepta pero no revisa a "
                "detalle.",
                f"{node_path(el, out)}/{_local(tag)}",
            )
        )
