"""Hostile and broken input: always one MANTTO-XML-… error, never an exception, a file
read, a network access or an unbounded parse."""

from __future__ import annotations

import time
from unittest import mock

import pytest

from mantto.cfdi import testing, xmlsafe
from mantto.cfdi.validate import validate

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4">&lol9;</cfdi:Comprobante>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE c [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0">&xxe;</cfdi:Comprobante>"""

DOCTYPE_SYSTEM = b"""<?xml version="1.0"?>
<!DOCTYPE Comprobante SYSTEM "http://127.0.0.1:9/evil.dtd">
<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0"/>"""

XINCLUDE = b"""<?xml version="1.0"?>
<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0"
  xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="file:///etc/passwd"
  parse="text"/></cfdi:Comprobante>"""

UNDECLARED_ENTITY = b"""<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4"
 Version="4.0">&xxe;</cfdi:Comprobante>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!doctype x [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]><x/>"""


def deep(n: int) -> bytes:
    return b"<a>" * n + b"</a>" * n


HOSTILE = {
    "billion-laughs": (BILLION_LAUGHS, "MANTTO-XML-DTD"),
    "xxe-file": (XXE, "MANTTO-XML-DTD"),
    "doctype-system": (DOCTYPE_SYSTEM, "MANTTO-XML-DTD"),
    "parameter-entity": (PARAMETER_ENTITY, "MANTTO-XML-DTD"),
    "xinclude": (XINCLUDE, "MANTTO-XML-XINCLUDE"),
    "undeclared-entity": (UNDECLARED_ENTITY, "MANTTO-XML-ENTITY"),
    "3-mb": (b"<a>" + b" " * 3_000_000 + b"</a>", "MANTTO-XML-TOO-LARGE"),
    "10000-deep": (deep(10_000), "MANTTO-XML-DEPTH"),
    "100-deep": (deep(100), "MANTTO-XML-DEPTH"),
    "binary-garbage": (bytes(range(256)) * 40, "MANTTO-XML-ENCODING"),
    "binary-no-nul": (bytes(range(1, 256)) * 40, "MANTTO-XML-ENCODING"),
    "empty": (b"", "MANTTO-XML-EMPTY"),
    "whitespace-only": (b"  \n\t ", "MANTTO-XML-EMPTY"),
    "utf-16": (
        '<?xml version="1.0" encoding="UTF-16"?><a/>'.encode("utf-16"),
        "MANTTO-XML-ENCODING",
    ),
    "utf-16-no-bom": ('<a b="c"/>'.encode("utf-16-le"), "MANTTO-XML-ENCODING"),
    "latin-1-as-utf-8": (
        '<?xml version="1.0" encoding="UTF-8"?><a b="Peña"/>'.encode("latin-1"),
        "MANTTO-XML-ENCODING",
    ),
    "latin-1-declared": (
        '<?xml version="1.0" encoding="ISO-8859-1"?><a b="Peña"/>'.encode("latin-1"),
        "MANTTO-XML-ENCODING",
    ),
    "truncated": (
        b'<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.',
        "MANTTO-XML-MALFORMED",
    ),
    "not-xml": (b"%PDF-1.7 this is a pdf", "MANTTO-XML-MALFORMED"),
    "two-roots": (b"<a/><b/>", "MANTTO-XML-MALFORMED"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_it_refuses_hostile_input_with_a_finding(name: str):
    data, code = HOSTILE[name]
    start = time.perf_counter()
    root, found = xmlsafe.parse(data)
    assert time.perf_counter() - start < 1.0
    assert root is None
    assert [f.code for f in found] == [code]
    assert found[0].is_error and found[0].message


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_it_never_raises_from_validate(name: str):
    report = validate(HOSTILE[name][0])
    assert not report.valid
    assert report.findings and report.findings[0].code.startswith("MANTTO-XML-")


def test_it_never_opens_a_file_or_socket_while_parsing():
    with (
        mock.patch("builtins.open", side_effect=AssertionError("file read")),
        mock.patch("socket.socket", side_effect=AssertionError("network")),
    ):
        for data, _code in HOSTILE.values():
            xmlsafe.parse(data)
        assert xmlsafe.parse(testing.make_invoice(sign=False, stamp=False))[0] is not None


def test_it_does_not_expand_entities_even_when_dtd_check_is_bypassed():
    parser = xmlsafe._parser()
    from lxml import etree

    root = etree.fromstring(XXE, parser)
    assert "root:" not in etree.tostring(root).decode()


def test_it_accepts_a_utf8_bom_and_a_lowercase_declaration():
    doc = testing.make_invoice(sign=False, stamp=False)
    root, found = xmlsafe.parse(b"\xef\xbb\xbf" + doc.replace(b"UTF-8", b"utf-8"))
    assert root is not None and found == []


def test_it_honours_a_custom_size_limit():
    doc = testing.make_invoice(sign=False, stamp=False)
    assert xmlsafe.parse(doc, max_bytes=100)[1][0].code == "MANTTO-XML-TOO-LARGE"


def test_it_accepts_bytearray_and_rejects_text():
    doc = testing.make_invoice(sign=False, stamp=False)
    assert xmlsafe.parse(bytearray(doc))[0] is not None
    assert xmlsafe.parse(doc.decode())[1][0].code == "MANTTO-XML-TYPE"  # type: ignore[arg-type]
