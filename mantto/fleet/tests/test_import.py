from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from mantto.audit.models import AuditEntry
from mantto.core.testing import BaseTestCase
from mantto.fleet.models import Client, CostCentre, Driver, Vehicle

HEADER = "placas,vin,marca,modelo,año,cliente,centro_costos,conductor,odometro\n"


def csv_file(body: str, name="flota.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (HEADER + body).encode("utf-8"), content_type="text/csv")


class VehicleImportTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.client_co = Client.objects.create(
            name="Distribuidora Demo SA de CV", rfc="DDE010101AA1"
        )
        CostCentre.objects.create(client=cls.client_co, key="CC-1", name="Ventas")
        cls.existing = Vehicle.objects.create(
            plate="OLD0001",
            vin="3N1AB7AP5KY000009",
            make="Nissan",
            model="Versa",
            year=2020,
            client=cls.client_co,
        )

    def setUp(self):
        super().setUp()
        self.login(self.coordinador)

    def preview(self, upload):
        return self.client.post("/flota/importar/", {"file": upload})

    def test_it_previews_then_imports_everything(self):
        r = self.preview(
            csv_file(
                "abc 123,3N1AB7AP5KY000001,Nissan,Versa,2023,DDE010101AA1,CC-1,Ana Pérez,1500\n"
                "OLD0001,3N1AB7AP5KY000009,Nissan,Versa,2021,Distribuidora Demo SA de CV,,,\n"
            )
        )
        self.assertContains(r, "ABC123")
        self.assertContains(r, "nuevo")
        self.assertContains(r, "actualizar")
        self.assertContains(r, "Importar 2 vehículos")
        self.assertEqual(Vehicle.objects.count(), 1)  # a preview changes nothing
        token = r.context["token"]
        r = self.client.post("/flota/importar/", {"confirm": token}, follow=True)
        self.assertContains(r, "1 vehículos nuevos y 1 actualizados")
        v = Vehicle.objects.get(plate="ABC123")
        self.assertEqual(v.cost_centre.key, "CC-1")
        self.assertEqual(v.driver, Driver.objects.get(name="Ana Pérez"))
        self.assertEqual(v.odometer, 1500)
        self.existing.refresh_from_db()
        self.assertEqual(self.existing.year, 2021)
        self.assertEqual(
            AuditEntry.objects.get(action="fleet.vehicles_imported").data,
            {"created": 1, "updated": 1},
        )

    def test_it_shows_row_errors_and_imports_nothing(self):
        r = self.preview(
            csv_file(
                "NEW0001,3N1AB7AP5KY000002,Nissan,Versa,2023,DDE010101AA1,,,\n"
                "NEW0002,3N1AB7AP5KY00000I,Nissan,Versa,1900,Nadie SA,CC-9,,-5\n"
                "NEW0001,3N1AB7AP5KY000009,Nissan,Versa,2023,DDE010101AA1,,,\n"
            )
        )
        self.assertContains(r, "VIN no válido")
        self.assertContains(r, "Año no válido: 1900")
        self.assertContains(r, "Cliente desconocido: Nadie SA")
        self.assertContains(r, "Odómetro no válido")
        self.assertContains(r, "Placas repetidas en la fila 2")
        self.assertContains(r, "El VIN ya pertenece a las placas OLD0001")
        self.assertContains(r, "2 filas tienen errores")
        self.assertNotIn("token", r.context)
        self.assertEqual(Vehicle.objects.count(), 1)

    def test_it_names_the_missing_column_as_written_in_the_file(self):
        r = self.preview(csv_file("NEW0003,3N1AB7AP5KY000003,,Versa,2023,DDE010101AA1,,,\n"))
        self.assertContains(r, "Falta el dato de la columna «marca».")
        self.assertNotContains(r, "make")
        self.assertEqual(Vehicle.objects.count(), 1)

    def test_it_revalidates_at_confirmation_and_stays_atomic(self):
        r = self.preview(
            csv_file(
                "NEW0001,3N1AB7AP5KY000002,Nissan,Versa,2023,DDE010101AA1,,,\n"
                "NEW0002,3N1AB7AP5KY000003,Nissan,Versa,2023,DDE010101AA1,,,\n"
            )
        )
        token = r.context["token"]
        # Meanwhile somebody registers a vehicle with the second row's VIN.
        Vehicle.objects.create(
            plate="ZZZ9999",
            vin="3N1AB7AP5KY000003",
            make="X",
            model="Y",
            year=2020,
            client=self.client_co,
        )
        r = self.client.post("/flota/importar/", {"confirm": token})
        self.assertContains(r, "no se importó ninguna")
        self.assertFalse(Vehicle.objects.filter(plate="NEW0001").exists())

    def test_it_reads_xlsx(self):
        wb = Workbook()
        ws = wb.active
        ws.append(["Placas", "VIN", "Marca", "Modelo", "Año", "Cliente"])
        ws.append(["XLS0001", "3N1AB7AP5KY000004", "Toyota", "Hilux", 2024, "DDE010101AA1"])
        buf = io.BytesIO()
        wb.save(buf)
        upload = SimpleUploadedFile("flota.xlsx", buf.getvalue())
        r = self.preview(upload)
        self.client.post("/flota/importar/", {"confirm": r.context["token"]})
        self.assertEqual(Vehicle.objects.get(plate="XLS0001").year, 2024)

    def test_it_refuses_files_without_the_columns(self):
        r = self.client.post(
            "/flota/importar/",
            {"file": SimpleUploadedFile("x.csv", b"foo,bar\n1,2\n")},
            follow=True,
        )
        self.assertContains(r, "Faltan columnas")
        r = self.client.post(
            "/flota/importar/", {"file": SimpleUploadedFile("x.xlsx", b"PK\x03\x04garbage")}
        )
        self.assertContains(r, "No pudimos leer el archivo de Excel")

    def test_it_refuses_a_stale_confirmation(self):
        r = self.client.post("/flota/importar/", {"confirm": "inventado"})
        self.assertRedirects(r, "/flota/importar/")

    def test_it_is_for_coordination_only(self):
        self.login(self.owner)
        self.assertEqual(self.client.get("/flota/importar/").status_code, 403)
        self.login(self.finanzas)
        self.assertEqual(self.client.get("/flota/").status_code, 403)

    def test_the_vehicle_list_searches(self):
        r = self.client.get("/flota/?q=old")
        self.assertContains(r, "OLD0001")
        r = self.client.get("/flota/?q=zzz")
        self.assertContains(r, "No hay vehículos que coincidan")
