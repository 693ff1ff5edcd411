"""Supplier isolation lives here and only here.

Every supplier-scoped model declares ``SUPPLIER_PATH`` (the lookup from the model to its
Supplier, e.g. ``"service__supplier"``). Views fetch objects through these helpers, so a
taller user can never reach another supplier's rows: they get a 404, as if the object
did not exist (a 403 would confirm that it does).
"""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from mantto.accounts.models import STAFF_ROLES, User

M = TypeVar("M", bound=models.Model)


def scope(queryset: models.QuerySet[M], user: User) -> models.QuerySet[M]:
    """The rows of ``queryset`` that ``user`` may see."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.role in STAFF_ROLES:
        return queryset
    path = getattr(queryset.model, "SUPPLIER_PATH", None)
    if path is None:
        # A model without a supplier path is staff-only data.
        return queryset.none()
    if path == "":
        return queryset.filter(pk=user.supplier_id)
    return queryset.filter(**{path: user.supplier_id})


def get_for_user(user: User, model_or_qs: type[M] | models.QuerySet[M], code) -> M:
    """One object by its UUID code, scoped to the user, or 404."""
    qs = model_or_qs if isinstance(model_or_qs, models.QuerySet) else model_or_qs.objects.all()
    try:
        return scope(qs, user).get(code=code)
    except (qs.model.DoesNotExist, ValueError, models.ObjectDoesNotExist) as exc:
        raise Http404(_("No encontrado")) from exc
