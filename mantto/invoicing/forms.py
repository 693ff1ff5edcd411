from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext_lazy as _

from mantto.invoicing.models import Kind, State


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Tipo de comprobante"), choices=Kind.choices, initial=Kind.INGRESO
    )
    authorization = forms.CharField(
        label=_("Número de autorización"),
        max_length=20,
        required=False,
        help_text=_("El que Ayvens te dio al autorizar (8 dígitos o más)."),
    )
    ticket = forms.CharField(
        label=_("Número de ticket"),
        max_length=30,
        required=False,
        help_text=_("Por ejemplo TKT-2026-000123."),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo del rechazo"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class HistoryFilter(forms.Form):
    since = forms.DateField(
        label=_("Desde"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Hasta"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    state = forms.ChoiceField(
        label=_("Estado"), required=False, choices=[("", _("Todos"))] + State.choices
    )
    kind = forms.ChoiceField(
        label=_("Tipo"), required=False, choices=[("", _("Todos"))] + Kind.choices
    )
    uuid = forms.CharField(label=_("UUID"), required=False, max_length=36)
    authorization = forms.CharField(label=_("Autorización"), required=False, max_length=20)


class LimitedUploadHandler(FileUploadHandler):
    """Drops a file as soon as it passes its limit while streaming in (UPLOAD_MAX_BYTES
    for XML/PDF, INVOICE_ZIP_MAX_BYTES for a ZIP), so a 50 MB file is never kept in
    memory or on disk; the view reports the skipped names."""

    def __init__(self, request=None) -> None:
        super().__init__(request)
        self.skipped: list[str] = []
        self.limit = settings.UPLOAD_MAX_BYTES

    def new_file(self, field_name, file_name, *args, **kwargs) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        is_zip = (file_name or "").lower().endswith(".zip")
        self.limit = settings.INVOICE_ZIP_MAX_BYTES if is_zip else settings.UPLOAD_MAX_BYTES

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.skipped.append(self.file_name or "")
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None
