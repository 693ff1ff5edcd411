from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from mantto.services.models import QuoteLine, ReferencePrice
from mantto.suppliers.models import ServiceType


class TokenForm(forms.Form):
    """Carries an idempotency key: the same form submitted twice is done once."""

    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("form_token", uuid.uuid4())


class RequestForm(TokenForm):
    vehicle = forms.UUIDField(widget=forms.HiddenInput, required=True)
    driver = forms.UUIDField(label=_("Conductor"), required=False, widget=forms.HiddenInput)
    service_type = forms.ChoiceField(label=_("Servicio solicitado"), choices=ServiceType.choices)
    symptom = forms.CharField(
        label=_("Síntoma que reporta el conductor"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    odometer = forms.IntegerField(label=_("Odómetro (km)"), min_value=0, max_value=2_000_000)
    location = forms.CharField(label=_("Ubicación del vehículo"), max_length=200)


class ReceptionForm(forms.Form):
    received_at = forms.DateTimeField(
        label=_("Fecha y hora de recepción"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
    )
    odometer = forms.IntegerField(label=_("Odómetro (km)"), min_value=0, max_value=2_000_000)
    photo = forms.FileField(
        label=_("Foto del vehículo (opcional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )


class LineForm(TokenForm):
    kind = forms.ChoiceField(label=_("Tipo"), choices=QuoteLine.Kind.choices)
    reference = forms.ModelChoiceField(
        label=_("Del catálogo (opcional)"),
        queryset=ReferencePrice.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        empty_label=_("— Escribir descripción —"),
    )
    description = forms.CharField(label=_("Descripción"), max_length=200, required=False)
    quantity = forms.DecimalField(label=_("Cantidad"), initial=1)
    unit_price = forms.DecimalField(label=_("Precio unitario sin IVA"))
    iva_rate = forms.ChoiceField(
        label=_("IVA"),
        choices=[("0.16", "16 %"), ("0.08", _("8 % (frontera)")), ("0", "0 %")],
        initial="0.16",
    )

    def clean(self):
        data = super().clean()
        if not data.get("reference") and not (data.get("description") or "").strip():
            self.add_error("description", _("Escribe la descripción o elige una del catálogo."))
        return data


class DiagnosisForm(forms.Form):
    diagnosis = forms.CharField(
        label=_("Diagnóstico"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Foto o PDF"), widget=forms.ClearableFileInput(attrs={"accept": "image/*,.pdf"})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ProgressForm(TokenForm):
    note = forms.CharField(
        label=_("Avance"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    photo = forms.FileField(
        label=_("Foto (opcional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )


class DeliveryForm(forms.Form):
    received_by = forms.CharField(label=_("Nombre de quien recibe el vehículo"), max_length=150)
    signature = forms.CharField(widget=forms.HiddenInput, required=False)
    signed_order = forms.FileField(
        label=_("…o sube la orden de servicio firmada (foto o PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,.pdf"}),
    )


SCORES = [(str(i), str(i)) for i in range(1, 6)]


class SurveyForm(forms.Form):
    quality = forms.ChoiceField(
        label=_("Calidad del servicio"), choices=SCORES, widget=forms.RadioSelect
    )
    timeliness = forms.ChoiceField(
        label=_("Tiempo de entrega"), choices=SCORES, widget=forms.RadioSelect
    )
    treatment = forms.ChoiceField(
        label=_("Trato recibido"), choices=SCORES, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comentario (opcional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class ReferencePriceForm(forms.ModelForm):
    class Meta:
        model = ReferencePrice
        fields = [
            "key",
            "description",
            "kind",
            "service_type",
            "unit_price",
            "tolerance_pct",
            "is_active",
        ]
