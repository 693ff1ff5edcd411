"""End-to-end speed of invoice reception through the real HTTP endpoint.

    .venv/bin/python bench/upload.py [--invoices 1000] [--history 100000] [--pg]

1. Builds a throwaway database (SQLite in a temporary MANTTO_VAR_DIR, or with --pg a
   fresh PostgreSQL database on DATABASE_URL's server, created and dropped here) with a
   workshop, N delivered and authorized services and the fake SAT's certificate.
2. Generates N signed and stamped invoices (mantto.cfdi.testing) and zips them.
3. Starts ``manage.py runserver`` on 127.0.0.1 against that database, logs in with a
   session cookie made here, and POSTs the ZIP to /facturas/ like the browser does:
   prints the time until the page with every file's verdict has arrived.
4. Bulk-inserts rows until the workshop has H documents and times the history page
   (first page and a filtered one) as p50 / p95.
Targets: ZIP of 1,000 under 30 s; history under 300 ms p95.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def configure(tmp: Path, pg_url: str | None) -> dict[str, str]:
    env = {
        "MANTTO_VAR_DIR": str(tmp),
        "SQLITE_PATH": str(tmp / "bench.sqlite3"),
        "SAT_CERTS_DIR": str(tmp / "certs"),
        "MEDIA_ROOT": str(tmp / "media"),
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "mantto.settings",
    }
    if pg_url:
        env["DATABASE_URL"] = pg_url
    else:
        env.pop("DATABASE_URL", None)
        os.environ.pop("DATABASE_URL", None)
    os.environ.update(env)
    return env


def pg_database(base_url: str, name: str, action: str) -> str:
    import psycopg

    head, _, _db = base_url.rpartition("/")
    with psycopg.connect(f"{head}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if action == "create":
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{head}/{name}"


def build(n: int):
    """Data through the ORM; returns (user, services, the ZIP bytes)."""
    from decimal import Decimal

    from django.conf import settings
    from django.utils import timezone

    from mantto.accounts.models import Role, User
    from mantto.cfdi import testing
    from mantto.cfdi.testpki import csd, write_sat_cert
    from mantto.fleet.models import Client, CostCentre, Vehicle
    from mantto.sat.models import FiscalProfile
    from mantto.services.models import QuoteLine, ServiceRequest
    from mantto.suppliers.models import Supplier

    write_sat_cert(settings.SAT_CERTS_DIR)
    supplier = Supplier.objects.create(rfc="TME960709LR2", name="Taller Bench", email="b@x.com")
    user = User.objects.create_user(
        "bench@x.com", name="Bench", role=Role.TALLER, supplier=supplier
    )
    coord = User.objects.create_user("coord@x.com", name="Coord", role=Role.COORDINADOR)
    r = testing.RECEPTOR
    FiscalProfile.objects.create(
        pk=1, rfc=r["Rfc"], name=r["Nombre"], postal_code=r["DomicilioFiscalReceptor"],
        regimen_fiscal=r["RegimenFiscalReceptor"], allowed_uso_cfdi=["G03"],
    )  # fmt: skip
    client = Client.objects.create(name="Cliente", rfc="CDE010101AA1")
    cc = CostCentre.objects.create(
        client=client, key="CC", name="CC",
        required_fields=[{"name": "orden_compra", "label": "OC", "pattern": r"^OC-[0-9]{6}$"}],
    )  # fmt: skip
    vehicle = Vehicle.objects.create(
        plate="BEN0001", vin="3N1BENCH000000001", make="N", model="V", year=2023,
        client=client, cost_centre=cc,
    )  # fmt: skip
    now = timezone.now()
    services = ServiceRequest.objects.bulk_create(
        ServiceRequest(
            ticket=f"TKT-2026-{i:06d}",
            state="entregado",
            vehicle=vehicle,
            client=client,
            cost_centre=cc,
            service_type="preventivo",
            symptom="x",
            reported_odometer=1,
            location="x",
            supplier=supplier,
            created_by=coord,
            created=now,
            authorization_number=30_000_000 + i,
            authorized_at=now,
            authorized_by=coord,
            authorized_amount=Decimal("5105.16"),
            delivered_at=now,
        )  # fmt: skip
        for i in range(1, n + 1)
    )
    services = list(ServiceRequest.objects.order_by("id"))
    QuoteLine.objects.bulk_create(
        QuoteLine(
            service=s,
            kind="refaccion",
            description=d,
            item_key=d.lower(),
            quantity=Decimal(q),
            unit_price=Decimal(p),
            authorized=True,
            created=now,
        )  # fmt: skip
        for s in services
        for d, q, p in (
            ("Servicio de mantenimiento preventivo", "1", "3500.00"),
            ("Balatas delanteras", "2", "450.50"),
        )  # fmt: skip
    )
    cred = csd(supplier.rfc)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for s in services:
            xml = testing.make_invoice(
                emisor={"Rfc": supplier.rfc, "Nombre": "TALLER BENCH"},
                csd=cred,
                addenda=f'<t:D xmlns:t="urn:t" Autorizacion="{s.authorization_number}" '
                f'Ticket="{s.ticket}"/>',
            )
            zf.writestr(f"{s.ticket}.xml", xml)
    return user, supplier, buf.getvalue()


def session_cookie(user) -> str:
    from django.test import Client

    c = Client()
    c.force_login(user, backend="mantto.accounts.backends.KeyBackend")
    return c.cookies["sessionid"].value


def wait_up(url: str, proc) -> None:
    import requests

    for _ in range(200):
        if proc.poll() is not None:
            raise SystemExit("el servidor no arrancó")
        try:
            requests.get(url + "/healthz/", timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise SystemExit("el servidor no respondió")


def fill_history(supplier, total: int) -> None:
    """Copies of one stored row up to ``total`` documents (the page never opens files)."""
    from datetime import timedelta

    from mantto.invoicing.models import ReceivedDocument

    template = ReceivedDocument.objects.filter(supplier=supplier).first()
    values = {f.attname: getattr(template, f.attname) for f in template._meta.concrete_fields}
    for k in ("id", "code"):
        values.pop(k)
    have = ReceivedDocument.objects.filter(supplier=supplier).count()
    states = ["aceptada", "enviada", "rechazada", "con_errores"]
    batch = []
    for i in range(have, total):
        row = dict(values, uuid=f"00000000-0000-4000-8000-{i:012d}", service_id=None,
                   state=states[i % 4], authorization_number=str(40_000_000 + i),
                   uploaded_at=values["uploaded_at"] - timedelta(minutes=i))  # fmt: skip
        batch.append(ReceivedDocument(**row))
        if len(batch) == 5000:
            ReceivedDocument.objects.bulk_create(batch)
            batch = []
    ReceivedDocument.objects.bulk_create(batch)


def timed_gets(s, url: str, n: int) -> list[float]:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        r = s.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, r.status_code
    return times


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--invoices", type=int, default=1000)
    ap.add_argument("--history", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=60)
    ap.add_argument("--pg", action="store_true", help="PostgreSQL on DATABASE_URL's server")
    ap.add_argument("--keep", action="store_true", help="keep the database (profiling)")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="mantto-bench-"))
    pg_base = os.getenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    pg_name = f"mantto_bench_{os.getpid()}"
    pg_url = pg_database(pg_base, pg_name, "create") if args.pg else None
    env = configure(tmp, pg_url)
    proc = None
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        t = time.perf_counter()
        user, supplier, zip_bytes = build(args.invoices)
        print(f"base de datos: {'PostgreSQL' if args.pg else 'SQLite'}")
        print(f"preparación ({args.invoices} servicios y CFDI firmados): "
              f"{time.perf_counter() - t:.1f} s; ZIP {len(zip_bytes) / 1e6:.1f} MB")  # fmt: skip
        cookie = session_cookie(user)
        from django.db import connections

        connections.close_all()

        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT, env={**os.environ, **env},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_up(url, proc)
        import requests

        s = requests.Session()
        s.cookies.set("sessionid", cookie)
        s.get(url + "/facturas/")
        token = s.cookies["csrftoken"]
        t = time.perf_counter()
        r = s.post(
            url + "/facturas/",
            data={"csrfmiddlewaretoken": token, "kind": "I", "cc_orden_compra": "OC-123456"},
            files={"files": ("facturas.zip", zip_bytes, "application/zip")},
            timeout=600,
        )
        elapsed = time.perf_counter() - t
        ready = r.text.count("Lista para enviar")
        print(f"ZIP de {args.invoices} facturas → veredicto de todas: {elapsed:.1f} s "
              f"({elapsed / args.invoices * 1000:.1f} ms por factura; {ready} listas para "
              f"enviar; HTTP {r.status_code}; meta < 30 s)")  # fmt: skip

        t = time.perf_counter()
        fill_history(supplier, args.history)
        connections.close_all()
        print(f"historial: {args.history:,} CFDI insertados en {time.perf_counter() - t:.1f} s")
        if args.pg:
            with connections["default"].cursor() as c:
                c.execute("ANALYZE invoicing_receiveddocument")
        base = timed_gets(s, url + "/healthz/", args.requests)
        print(f"referencia /healthz/ (servidor sin trabajo): p50 {p(base, 50):.0f} ms · "
              f"p95 {p(base, 95):.0f} ms")  # fmt: skip
        pages = {
            "primera página": url + "/facturas/historial/",
            "página 500": url + "/facturas/historial/?pagina=500",
            "filtro estado+fecha": url + "/facturas/historial/?state=aceptada&since=2020-01-01",
            "filtro autorización": url + "/facturas/historial/?authorization=40050000",
        }
        for label, page in pages.items():
            timed_gets(s, page, 3)  # warm up
            times = timed_gets(s, page, args.requests)
            print(f"historial ({label}): p50 {p(times, 50):.0f} ms · p95 {p(times, 95):.0f} ms "
                  f"(n={len(times)}; meta p95 < 300 ms)")  # fmt: skip
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
        from django.db import connections

        connections.close_all()
        if args.pg and not args.keep:
            pg_database(pg_base, pg_name, "drop")
        if args.keep:
            print(f"base conservada en {pg_url or tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
