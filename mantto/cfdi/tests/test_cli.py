"""``python -m mantto.cfdi validate``: exit codes, human and JSON output, streaming."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mantto.cfdi import cli, testing

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mantto.cfdi", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("cfdi")
    docs = {
        "invoice.xml": testing.make_invoice(),
        "payment.xml": testing.make_payment(),
        "draft.xml": testing.make_invoice(stamp=False),
        "bad-total.xml": testing.mutate(
            testing.make_invoice(stamp=False), lambda r: r.set("Total", "1.00")
        ),
        "hostile.xml": b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
    }
    out = {}
    for name, data in docs.items():
        (d / name).write_bytes(data)
        out[name] = d / name
    out["sat"] = testing.write_sat_cert(d / "sat").parent
    out["ca"] = testing.write_ca_dir(d / "ca")
    return out


def test_it_exits_0_when_every_file_is_valid(files):
    p = run(
        "validate",
        "--sat-certs",
        str(files["sat"]),
        "--sat-ca",
        str(files["ca"]),
        str(files["invoice.xml"]),
        str(files["payment.xml"]),
    )
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.count("VÁLIDO") == 2 and "NO VÁLIDO" not in p.stdout


def test_it_exits_1_and_explains_in_spanish_when_a_file_is_invalid(files):
    p = run("validate", "--unstamped", str(files["draft.xml"]), str(files["bad-total.xml"]))
    assert p.returncode == 1
    assert f"{files['bad-total.xml']}: NO VÁLIDO" in p.stdout
    assert "CFDI40119" in p.stdout and "Total" in p.stdout


def test_it_streams_a_json_array_in_the_given_order(files):
    names = ["bad-total.xml", "draft.xml", "hostile.xml"]
    p = run("validate", "--json", "--unstamped", *(str(files[n]) for n in names))
    assert p.returncode == 1
    data = json.loads(p.stdout)
    assert [Path(x["file"]).name for x in data] == names
    for x in data:
        assert {
            "file",
            "valid",
            "uuid",
            "tipo",
            "emisor_rfc",
            "receptor_rfc",
            "total",
            "findings",
        } <= x.keys()
        for f in x["findings"]:
            assert {"code", "severity", "message"} <= f.keys()
    assert data[0]["total"] == "1.00" and data[0]["valid"] is False
    assert data[1]["valid"] is True and data[1]["tipo"] == "I" and data[1]["uuid"] is None
    assert [f["code"] for f in data[2]["findings"]] == ["MANTTO-XML-DTD"]


def test_it_reports_a_missing_file_and_goes_on(files):
    p = run("validate", "--json", "--unstamped", "/no/such/file.xml", str(files["draft.xml"]))
    assert p.returncode == 1
    missing, draft = json.loads(p.stdout)
    assert missing["findings"][0]["code"] == "MANTTO-ARCHIVO-ILEGIBLE"
    assert draft["valid"] is True


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--at", "ayer", "x.xml"],
        ["validate"],
        ["validate", "--nope", "x.xml"],
        ["validate", "--sat-certs", "/no/such/folder", "x.xml"],
        [],
    ],
)
def test_it_exits_2_on_usage_errors(args):
    p = run(*args)
    assert p.returncode == 2
    assert "usage" in p.stderr


def test_it_accepts_an_at_instant(files):
    p = run("validate", "--at", "2026-01-15T12:00:00", "--unstamped", str(files["draft.xml"]))
    assert p.returncode in (0, 1)  # the verdict depends on the test certificate's validity
    assert "draft.xml" in p.stdout


def test_it_handles_many_files(files, tmp_path: Path):
    paths = []
    for i in range(400):
        path = tmp_path / f"{i:04}.xml"
        path.write_bytes(files["draft.xml"].read_bytes() if i % 2 else b"<no")
        paths.append(str(path))
    p = run("validate", "--json", "--unstamped", *paths)
    data = json.loads(p.stdout)
    assert [x["file"] for x in data] == paths
    assert [x["valid"] for x in data] == [bool(i % 2) for i in range(400)]
    assert p.returncode == 1


def test_it_writes_each_json_element_before_checking_the_next_file(files, monkeypatch):
    events: list[str] = []
    real = cli._check_file

    def spy(path, args, store):
        events.append(f"check {Path(path).name}")
        return real(path, args, store)

    class Out(io.StringIO):
        def flush(self) -> None:
            events.append("flush")

    monkeypatch.setattr(cli, "_check_file", spy)
    out = Out()
    code = cli.main(
        ["validate", "--json", "--unstamped", str(files["draft.xml"]), str(files["bad-total.xml"])],
        out=out,
    )
    assert code == 1
    assert events[:4] == ["check draft.xml", "flush", "check bad-total.xml", "flush"]
    assert len(json.loads(out.getvalue())) == 2


def test_it_refuses_oversized_files_without_reading_them_whole(files, tmp_path: Path):
    big = tmp_path / "big.xml"
    big.write_bytes(b"<a>" + b" " * 3_000_000 + b"</a>")
    p = run("validate", "--json", str(big))
    assert json.loads(p.stdout)[0]["findings"][0]["code"] == "MANTTO-XML-TOO-LARGE"
