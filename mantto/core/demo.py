"""Demo data: clearly fictitious values (RFCs of the SAT test pattern, example.com mail)."""

from __future__ import annotations

from mantto.accounts.models import Role, User
from mantto.fleet.models import Client, CostCentre, Driver, Vehicle
from mantto.sat.models import FiscalProfile
from mantto.suppliers.models import Supplier

SUPPLIERS = [
    # rfc, name, trade name, zone, postal code, service types
    (
        "TME960709LR2",
        "Taller Mecánico El Pistón SA de CV",
        "Taller El Pistón",
        "CDMX Norte",
        "07300",
        ["preventivo", "correctivo", "electrico"],
    ),
    (
        "LLA0101017H5",
        "Llantas y Alineación del Bajío SA de CV",
        "Llantas del Bajío",
        "Querétaro",
        "76000",
        ["llantas", "preventivo"],
    ),
    (
        "HPS050505QX3",
        "Hojalatería y Pintura del Sur SA de CV",
        "Carrocerías del Sur",
        "CDMX Sur",
        "14000",
        ["hojalateria", "cristales", "correctivo"],
    ),
]

TALLER_USERS = [
    ("juancarlos@elpiston.example.com", "Juan Carlos Hernández", 0, True),
    ("maria@elpiston.example.com", "María López", 0, False),
    ("ana@llantasbajio.example.com", "Ana Ruiz", 1, True),
    ("pedro@carroceriasdelsur.example.com", "Pedro Sánchez", 2, True),
]

STAFF_USERS = [
    ("coordinador@mantto.example.com", "Laura Coordinadora", Role.COORDINADOR),
    ("finanzas@mantto.example.com", "Lydia Finanzas", Role.FINANZAS),
    ("admin@mantto.example.com", "Alberto Administrador", Role.ADMINISTRADOR),
]

CLIENTS = [
    (
        "Distribuidora Nacional de Alimentos SA de CV",
        "DNA980101AA1",
        [
            (
                "CC-100",
                "Ventas Norte",
                [
                    {
                        "name": "orden_compra",
                        "label": "Orden de compra",
                        "pattern": r"^OC-[0-9]{6}$",
                        "help": "Formato OC-123456",
                    },
                ],
            ),
            (
                "CC-200",
                "Logística",
                [
                    {
                        "name": "numero_empleado",
                        "label": "Número de empleado",
                        "pattern": r"^[0-9]{5}$",
                        "help": "Cinco dígitos",
                    },
                    {"name": "area", "label": "Área", "pattern": "", "help": ""},
                ],
            ),
        ],
    ),
    (
        "Servicios Farmacéuticos del Centro SA de CV",
        "SFC000202BB2",
        [
            (
                "FAR-01",
                "Representantes médicos",
                [
                    {
                        "name": "orden_compra",
                        "label": "Orden de compra",
                        "pattern": r"^[0-9]{8}$",
                        "help": "Ocho dígitos",
                    },
                ],
            ),
            ("FAR-02", "Dirección", []),
        ],
    ),
]

MAKES = [
    ("Nissan", "Versa"),
    ("Chevrolet", "Aveo"),
    ("Volkswagen", "Vento"),
    ("Toyota", "Hilux"),
    ("Nissan", "NP300"),
]


def load_demo() -> list[tuple[str, str, str]]:
    FiscalProfile.objects.update_or_create(
        pk=1,
        defaults={
            "rfc": "AFM991231AB1",
            "name": "ARRENDADORA DE FLOTILLAS DEMO",
            "postal_code": "11000",
            "regimen_fiscal": "601",
            "allowed_uso_cfdi": ["G03", "G02"],
            "is_demo": True,
        },
    )
    suppliers = []
    for rfc, name, trade, zone, cp, types in SUPPLIERS:
        s, _ = Supplier.objects.update_or_create(
            rfc=rfc,
            defaults={
                "name": name,
                "trade_name": trade,
                "zone": zone,
                "postal_code": cp,
                "service_types": types,
                "email": f"facturas@{rfc.lower()}.example.com",
            },
        )
        suppliers.append(s)
    accounts = []
    for email, name, idx, admin in TALLER_USERS:
        User.objects.update_or_create(
            email=email,
            defaults={
                "name": name,
                "role": Role.TALLER,
                "supplier": suppliers[idx],
                "is_supplier_admin": admin,
            },
        )
        accounts.append((email, "taller" + (" (admin.)" if admin else ""), str(suppliers[idx])))
    for email, name, role in STAFF_USERS:
        User.objects.update_or_create(email=email, defaults={"name": name, "role": role})
        accounts.append((email, str(role), ""))
    n = 0
    for cname, crfc, centres in CLIENTS:
        client, _ = Client.objects.update_or_create(
            name=cname,
            defaults={"rfc": crfc, "invoicing_email": f"facturacion@{crfc.lower()}.example.com"},
        )
        ccs = []
        for key, label, fields in centres:
            cc, _ = CostCentre.objects.update_or_create(
                client=client, key=key, defaults={"name": label, "required_fields": fields}
            )
            ccs.append(cc)
        for d in range(3):
            Driver.objects.get_or_create(
                client=client,
                name=f"Conductor {d + 1} {client.name.split()[0]}",
                defaults={
                    "email": f"conductor{d + 1}@{crfc.lower()}.example.com",
                    "phone": "5555555555",
                },
            )
        drivers = list(client.drivers.all())
        for i in range(10):
            make, model = MAKES[(n + i) % len(MAKES)]
            Vehicle.objects.update_or_create(
                plate=f"DEM{n + i:03d}A",
                defaults={
                    "vin": f"3N1DEMO{n + i:010d}",
                    "make": make,
                    "model": model,
                    "year": 2021 + (i % 4),
                    "client": client,
                    "cost_centre": ccs[i % len(ccs)],
                    "driver": drivers[i % len(drivers)],
                    "odometer": 10000 + 1500 * i,
                },
            )
        n += 10
    from mantto.services.demo import load_services_demo

    load_services_demo()
    return accounts
