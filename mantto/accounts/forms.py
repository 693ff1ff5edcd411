from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mantto.accounts.models import KEY_LENGTH, Role
from mantto.suppliers.models import Supplier


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Correo electrónico"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class KeyForm(forms.Form):
    email = forms.EmailField(widget=forms.HiddenInput)
    key = forms.CharField(
        label=_("Llave de acceso"),
        max_length=KEY_LENGTH + 4,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Correo electrónico"))
    name = forms.CharField(label=_("Nombre completo"), max_length=150)
    role = forms.ChoiceField(label=_("Rol"), choices=Role.choices, initial=Role.TALLER)
    supplier = forms.ModelChoiceField(
        label=_("Taller"),
        queryset=Supplier.objects.filter(is_active=True),
        required=False,
        to_field_name="code",
    )
    is_supplier_admin = forms.BooleanField(
        label=_("Puede administrar los usuarios del taller"), required=False
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        if actor.role != Role.ADMINISTRADOR:
            # A supplier administrator invites only into its own supplier.
            del self.fields["role"]
            del self.fields["supplier"]

    def clean(self):
        data = super().clean()
        if (
            data.get("role") == Role.TALLER
            and "supplier" in self.fields
            and not data.get("supplier")
        ):
            self.add_error("supplier", _("Elige el taller al que pertenece el usuario."))
        return data


class UserEditForm(InviteForm):
    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        del self.fields["email"]
