from __future__ import annotations

from django.test import SimpleTestCase

from mantto.fleet.models import CostCentre


class ValidateValuesTestCase(SimpleTestCase):
    def cc(self) -> CostCentre:
        return CostCentre(
            key="CC-1",
            name="Ventas",
            required_fields=[
                {
                    "name": "orden_compra",
                    "label": "Orden de compra",
                    "pattern": r"^OC-[0-9]{6}$",
                    "help": "Formato OC-123456",
                },
                {"name": "area", "label": "Área", "pattern": "", "help": ""},
            ],
        )

    def test_it_accepts_valid_values(self):
        self.assertEqual(
            self.cc().validate_values({"orden_compra": " OC-123456 ", "area": "X"}), {}
        )

    def test_it_reports_missing_and_malformed_fields_in_spanish(self):
        errors = self.cc().validate_values({"orden_compra": "123"})
        self.assertEqual(
            errors["orden_compra"],
            "«Orden de compra» no tiene el formato esperado (Formato OC-123456).",
        )
        self.assertEqual(errors["area"], "Falta el dato «Área», lo pide el centro de costos.")

    def test_it_needs_a_full_match(self):
        errors = CostCentre(required_fields=[{"name": "n", "label": "N", "pattern": "[0-9]{3}"}])
        self.assertIn("n", errors.validate_values({"n": "1234"}))
        self.assertEqual(errors.validate_values({"n": "123"}), {})

    def test_no_required_fields_means_no_errors(self):
        self.assertEqual(CostCentre(required_fields=[]).validate_values({}), {})
