"""Certificates: SAT number, RFC, CSD vs FIEL, cache, SatCertStore (disk, remote, chain)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from mantto.cfdi import testing
from mantto.cfdi.certs import (
    CertificateError,
    SatCertStore,
    holder_rfc,
    is_csd,
    is_valid_at,
    no_certificado,
    parse_certificado,
    remote_url,
)


def test_it_reads_number_rfc_and_kind():
    cred = testing.csd(testing.EMISOR_RFC)
    info = parse_certificado(cred.b64)
    assert no_certificado(cred.cert) == info.number == cred.number
    assert len(info.number) == 20 and info.number.isdigit()
    assert holder_rfc(cred.cert) == info.rfc == testing.EMISOR_RFC
    assert is_csd(cred.cert) and info.is_csd
    assert not is_csd(testing.fiel(testing.EMISOR_RFC).cert)


def test_it_parses_each_certificate_once():
    b64 = testing.csd(testing.EMISOR_RFC).b64
    assert parse_certificado(b64) is parse_certificado(b64)


def test_it_rejects_garbage():
    for bad in ("", "@@@", "QUJD"):
        with pytest.raises(CertificateError):
            parse_certificado(bad)


def test_it_knows_validity():
    info = parse_certificado(testing.expired_csd(testing.EMISOR_RFC).b64)
    now = datetime.now(UTC)
    assert not info.valid_at(now)
    assert info.valid_at(now - timedelta(days=500))
    assert is_valid_at(info.cert, now - timedelta(days=500)) and not is_valid_at(info.cert, now)


def test_it_builds_sat_remote_url():
    url = remote_url("https://rdc.sat.gob.mx/rccf/", "00001000000406258094")
    assert url == "https://rdc.sat.gob.mx/rccf/000010/000004/06/25/80/00001000000406258094.cer"


def test_it_reads_store_from_disk_only_by_number(tmp_path):
    sat = testing.sat_stamp_cert()
    testing.write_sat_cert(tmp_path)
    store = SatCertStore(tmp_path)
    assert store.get(sat.number).number == sat.number
    assert store.get(sat.number) is store.get(sat.number)
    for bad in ("../" + sat.number, sat.number + ".cer", "1" * 21, "", None):
        assert store.get(bad) is None  # type: ignore[arg-type]


def test_it_ignores_a_file_holding_another_certificate(tmp_path):
    sat = testing.sat_stamp_cert()
    other = "00001000000799999999"
    (tmp_path / f"{other}.cer").write_bytes(sat.der)
    assert SatCertStore(tmp_path).get(other) is None


def test_it_verifies_chain_only_with_ca(tmp_path):
    csd = testing.csd(testing.EMISOR_RFC).cert
    rogue = testing.rogue_csd(testing.EMISOR_RFC).cert
    assert SatCertStore(tmp_path).verify_chain(csd) is None
    store = SatCertStore(tmp_path, ca_dir=testing.write_ca_dir(tmp_path / "ca"))
    assert store.verify_chain(csd) is True
    assert store.verify_chain(rogue) is False
    assert store.verify_chain(testing.sat_stamp_cert().cert) is True


class _Server:
    def __init__(self, files: dict[str, bytes], delay: float = 0.0) -> None:
        self.files, self.delay, self.hits = files, delay, []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.hits.append(self.path)
                time.sleep(outer.delay)
                body = outer.files.get(self.path)
                self.send_response(200 if body else 404)
                self.end_headers()
                if body:
                    # The timeout test's client hangs up before the answer.
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/rccf/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[_Server]:
    sat = testing.sat_stamp_cert()
    path = "/" + remote_url("rccf", sat.number)
    srv = _Server({path: sat.der})
    yield srv
    srv.close()


def test_it_fetches_remote_and_caches_into_directory(tmp_path, server):
    sat = testing.sat_stamp_cert()
    store = SatCertStore(tmp_path, remote_base_url=server.url, timeout=2)
    assert store.get(sat.number).number == sat.number
    assert (tmp_path / f"{sat.number}.cer").read_bytes() == sat.der
    # A fresh store (another process) finds it on disk without the network.
    assert SatCertStore(tmp_path, remote_base_url=server.url).get(sat.number) is not None
    assert len(server.hits) == 1
    assert SatCertStore(tmp_path, remote_base_url=server.url).get("00001000000799999999") is None


def test_it_refuses_a_remote_certificate_with_another_number(tmp_path, server):
    sat = testing.sat_stamp_cert()
    wanted = "00001000000799999998"
    server.files["/" + remote_url("rccf", wanted)] = sat.der
    assert SatCertStore(tmp_path, remote_base_url=server.url).get(wanted) is None
    assert not (tmp_path / f"{wanted}.cer").exists()


def test_it_gives_up_on_a_slow_server(tmp_path):
    sat = testing.sat_stamp_cert()
    # The server answers after 10 s; the client gives up after 0.3 s. The margin between
    # the two is wide so that a loaded machine cannot make this flake.
    srv = _Server({"/" + remote_url("rccf", sat.number): sat.der}, delay=10.0)
    try:
        started = time.monotonic()
        store = SatCertStore(tmp_path, remote_base_url=srv.url, timeout=0.3)
        assert store.get(sat.number) is None
        assert time.monotonic() - started < 8.0
    finally:
        srv.close()


def test_it_survives_an_unreachable_server(tmp_path):
    store = SatCertStore(tmp_path, remote_base_url="http://127.0.0.1:9/rccf/", timeout=0.5)
    assert store.get(testing.sat_stamp_cert().number) is None


def test_it_does_not_retry_a_missing_number_at_once(tmp_path, server):
    sat = testing.sat_stamp_cert()
    path = "/" + remote_url("rccf", sat.number)
    body = server.files.pop(path)
    store = SatCertStore(tmp_path, remote_base_url=server.url)
    assert store.get(sat.number) is None
    server.files[path] = body
    assert store.get(sat.number) is None
    assert len(server.hits) == 1
    assert SatCertStore(tmp_path, remote_base_url=server.url, retry_after=0).get(sat.number)
