"""Safe XML parsing for documents uploaded by strangers.

A CFDI never needs a DTD, entities, XInclude or anything outside the document, so
all of that is refused instead of being "safely" expanded. Every failure becomes
an ``error`` Finding with a stable ``MANTTO-XML-…`` code; nothing here raises on
bad input, reads a local file or touches the network.
"""

from __future__ import annotations

import re
import threading
from functools import cache

from lxml import etree

from .findings import Finding, error

DEFAULT_MAX_BYTES = 2_000_000
# A CFDI with Pagos 2.0 is 8 levels deep; addendas add a few more.
DEFAULT_MAX_DEPTH = 64

XINCLUDE_NS = ("http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude")

# Declarations that may only appear in a DTD (or an internal subset), in any case.
_DTD_RE = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)", re.IGNORECASE)
_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_UTF8_NAMES = frozenset({b"utf-8", b"utf8"})


class _RefuseAll(etree.Resolver):
    """Answers every external lookup with an empty document, so nothing is ever fetched."""

    def resolve(self, system_url: str, public_id: str, context: object) -> object:
        return self.resolve_string("", context)


def _parser() -> etree.XMLParser:
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=False,
        remove_blank_text=False,
        collect_ids=False,
    )
    parser.resolvers.add(_RefuseAll())
    return parser


# lxml parsers are not thread-safe; one per thread is enough and saves ~20 µs a call.
_local = threading.local()


def _thread_parser() -> etree.XMLParser:
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = _parser()
    return parser


@cache
def _too_deep(max_depth: int) -> etree.XPath:
    # One compiled location path "/*/*/…" answers "is any element deeper than N?" in C.
    return etree.XPath("boolean(/*" + "/*" * max_depth + ")")


# Files people upload by mistake instead of the XML, told apart by their first bytes.
_SIGNATURES = (
    (b"%PDF", "un PDF (la representación impresa)"),
    (b"PK\x03\x04", "un ZIP (o un documento de Office)"),
    (b"\x89PNG", "una imagen PNG"),
    (b"\xff\xd8\xff", "una imagen JPEG"),
    (b"GIF8", "una imagen GIF"),
    (b"\xd0\xcf\x11\xe0", "un documento de Office (Word/Excel)"),
)


def _other_format(data: bytes) -> Finding | None:
    """Only consulted once parsing failed, so the happy path pays nothing for it."""
    head = data.lstrip()[:8]
    for magic, what in _SIGNATURES:
        if head.startswith(magic):
            return error(
                "MANTTO-XML-NO-ES-XML",
                f"El archivo es {what}, no un XML. Suba el archivo .xml del CFDI que le "
                "entregó el PAC.",
            )
    return None


def parse(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> tuple[etree._Element | None, list[Finding]]:
    """Parse ``data`` into an element tree, or explain in findings why not.

    Returns ``(root, [])`` on success and ``(None, [finding])`` otherwise.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        return None, [error("MANTTO-XML-TYPE", "El contenido no es un archivo (bytes).")]
    data = bytes(data)
    if not data or data.isspace():  # isspace() stops at the first "<": no copy, no scan
        return None, [
            error("MANTTO-XML-EMPTY", "El archivo está vacío. Suba el XML del CFDI completo.")
        ]
    if len(data) > max_bytes:
        return None, [
            error(
                "MANTTO-XML-TOO-LARGE",
                f"El archivo mide {len(data):,} bytes y el máximo aceptado es {max_bytes:,}. "
                "Un CFDI normal mide unos pocos KB: verifique que sea el XML correcto.",
            )
        ]
    problem = _declared_encoding_problem(data)
    if problem:
        return None, [_other_format(data) or problem]
    # "!" is rare in a CFDI: a one-byte (memchr) scan usually skips the other two scans.
    if b"!" in data and b"<!" in data and _DTD_RE.search(data):
        return None, [
            error(
                "MANTTO-XML-DTD",
                "El XML contiene una declaración DOCTYPE o ENTITY. Un CFDI no las usa y por "
                "seguridad no se procesan; genere el XML de nuevo desde su sistema de facturación.",
            )
        ]
    try:
        root = etree.fromstring(data, _thread_parser())
    except etree.XMLSyntaxError as exc:
        # libxml2 refuses every byte that is not UTF-8; only now is it worth decoding the
        # whole file to tell a Latin-1 upload from broken XML.
        return None, [_other_format(data) or _utf8_problem(data) or _syntax_finding(exc)]
    except (ValueError, MemoryError, RecursionError) as exc:
        return None, [
            error("MANTTO-XML-MALFORMED", f"El XML no se pudo leer ({type(exc).__name__}).")
        ]
    if root is None:
        return None, [error("MANTTO-XML-MALFORMED", "El XML no tiene elemento raíz.")]
    # A well-formed element N levels deep needs N start tags and N - 1 end tags, so a
    # document with at most 2 * max_depth "<" cannot be too deep: it skips the XPath walk.
    if data.count(b"<") > 2 * max_depth and _too_deep(max_depth)(root):
        return None, [
            error(
                "MANTTO-XML-DEPTH",
                f"El XML anida elementos a más de {max_depth} niveles; un CFDI no lo necesita.",
            )
        ]
    # Both namespaces contain "XInclude"; written with character references ("&#88;")
    # they would not show in the bytes, so "&#" also sends the tree to the exact check.
    if b"XInclude" not in data and b"&#" not in data:
        return root, []
    for ns in XINCLUDE_NS:
        if root.find(f".//{{{ns}}}*") is not None or root.tag.startswith("{" + ns):
            return None, [
                error(
                    "MANTTO-XML-XINCLUDE",
                    "El XML usa XInclude para incluir otros archivos; no se permite en un CFDI.",
                )
            ]
    return root, []


def _declared_encoding_problem(data: bytes) -> Finding | None:
    """CFDI must be UTF-8 (Anexo 20): UTF-16 and a declared non-UTF-8 encoding are
    refused before lxml sees the bytes. Invalid UTF-8 bytes make lxml fail, and
    :func:`_utf8_problem` then explains them."""
    head = data[:4]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or data.find(b"\x00", 0, 1024) >= 0:
        return error(
            "MANTTO-XML-ENCODING",
            "El archivo está en UTF-16 u otra codificación de varios bytes. Un CFDI debe "
            "estar en UTF-8: genérelo de nuevo o conviértalo a UTF-8.",
        )
    m = _ENCODING_RE.match(data[3:] if data.startswith(b"\xef\xbb\xbf") else data)
    if m and m.group(1).lower() not in _UTF8_NAMES:
        return error(
            "MANTTO-XML-ENCODING",
            f'El XML declara encoding="{m.group(1).decode("ascii")}"; el SAT exige UTF-8. '
            "Genere el XML de nuevo en UTF-8.",
        )
    return None


def _utf8_problem(data: bytes) -> Finding | None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return error(
            "MANTTO-XML-ENCODING",
            f"El archivo no es UTF-8 válido (byte inválido en la posición {exc.start}); "
            "probablemente fue guardado en Latin-1/Windows-1252, o no es un XML. "
            "Un CFDI debe estar en UTF-8.",
        )
    return None


def _syntax_finding(exc: etree.XMLSyntaxError) -> Finding:
    msg = str(exc.msg or exc)
    line = getattr(exc, "lineno", None) or "?"
    if "depth" in msg.lower() or "nested" in msg.lower():
        return error("MANTTO-XML-DEPTH", "El XML anida demasiados elementos; no es un CFDI válido.")
    if "entity" in msg.lower():
        return error(
            "MANTTO-XML-ENTITY",
            f"El XML usa una entidad no definida o externa (línea {line}); no se procesa.",
        )
    return error(
        "MANTTO-XML-MALFORMED",
        f"El XML está mal formado o incompleto (línea {line}: {msg}). "
        "Descargue de nuevo el XML original; no lo edite a mano.",
    )
