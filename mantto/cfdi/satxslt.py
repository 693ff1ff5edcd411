"""SAT's published XSD/XSLT files, read from the copy the satcfdi package installs.

None of satcfdi's code is imported: only its data directory is located. Stylesheets
and schemas include each other by relative path or by ``http://www.sat.gob.mx/...``
URL; both resolve to the local files and the network is never used.
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

from lxml import etree

_SAT_PREFIXES = ("http://www.sat.gob.mx/", "https://www.sat.gob.mx/")
CADENA_40_XSLT = "sitio_internet/cfd/4/cadenaoriginal_4_0/cadenaoriginal_4_0.xslt"
CADENA_TFD_XSLT = "sitio_internet/cfd/TimbreFiscalDigital/cadenaoriginal_TFD_1_1.xslt"


def sat_schema_root() -> Path:
    """Local copy of ``www.sat.gob.mx`` that satcfdi ships (XSD/XSLT), without importing it."""
    spec = importlib.util.find_spec("satcfdi")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("satcfdi no está instalado: faltan los XSLT/XSD del SAT")
    base = Path(next(iter(spec.submodule_search_locations)))
    return base / "transform" / "schemas" / "www.sat.gob.mx"


class _LocalSatResolver(etree.Resolver):
    """Serves ``http(s)://www.sat.gob.mx/...`` from the local copy; never the network."""

    def resolve(self, system_url, public_id, context):
        if system_url and system_url.startswith(_SAT_PREFIXES):
            rel = system_url.split("www.sat.gob.mx/", 1)[1]
            root = sat_schema_root().resolve()
            path = (root / rel).resolve()
            if path.is_relative_to(root) and path.is_file():
                return self.resolve_filename(str(path), context)
        return None


def local_parser() -> etree.XMLParser:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_LocalSatResolver())
    return parser


_tls = threading.local()  # XSLT objects are not shared between threads


def _xslt(rel: str) -> etree.XSLT:
    cache = getattr(_tls, "xslt", None)
    if cache is None:
        cache = _tls.xslt = {}
    xslt = cache.get(rel)
    if xslt is None:
        doc = etree.parse(str(sat_schema_root() / rel), local_parser())
        # Includes are local files; everything else (network, writing) is refused.
        access = etree.XSLTAccessControl(
            read_file=True,
            write_file=False,
            create_dir=False,
            read_network=False,
            write_network=False,
        )
        xslt = cache[rel] = etree.XSLT(doc, access_control=access)
    return xslt


def cadena_original_xslt(root: etree._Element) -> str:
    """Cadena original by SAT's own ``cadenaoriginal_4_0.xslt`` (slow, authoritative)."""
    return str(_xslt(CADENA_40_XSLT)(root.getroottree()))


def cadena_tfd_xslt(tfd: etree._Element) -> str:
    """TFD 1.1 cadena by SAT's stylesheet; the TFD is copied into a document of its own."""
    doc = etree.ElementTree(etree.fromstring(etree.tostring(tfd)))
    return str(_xslt(CADENA_TFD_XSLT)(doc))
