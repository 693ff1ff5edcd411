from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mantto.accounts import services
from mantto.accounts.forms import EmailForm, InviteForm, KeyForm, UserEditForm
from mantto.accounts.models import Role, User
from mantto.core.access import get_for_user, scope
from mantto.core.errors import DomainError
from mantto.core.http import client_ip


def login_view(request):
    """E-mail → key by e-mail → paste it (R10). Both steps are POSTs, so a mail
    scanner that opens links can never spend a key."""
    if request.user.is_authenticated:
        return redirect("core:home")
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = ""
    ctx = {"next": next_url}
    if request.method == "POST" and request.POST.get("step") == "key":
        form = KeyForm(request.POST)
        if form.is_valid():
            try:
                user = services.verify_login_key(
                    form.cleaned_data["email"],
                    form.cleaned_data["key"],
                    ip=client_ip(request),
                    now=timezone.now(),
                )
            except DomainError as exc:
                form.add_error("key", exc.message)
            else:
                login(request, user, backend="mantto.accounts.backends.KeyBackend")
                return redirect(next_url or "core:home")
        return render(request, "accounts/login_key.html", {**ctx, "form": form})
    if request.method == "POST":
        form = EmailForm(request.POST)
        if form.is_valid():
            email = form.cleaned_data["email"]
            try:
                services.request_login_key(email, ip=client_ip(request), now=timezone.now())
            except DomainError as exc:
                form.add_error("email", exc.message)
            else:
                key_form = KeyForm(initial={"email": email})
                return render(
                    request, "accounts/login_key.html", {**ctx, "form": key_form, "email": email}
                )
        return render(request, "accounts/login.html", {**ctx, "form": form})
    return render(request, "accounts/login.html", {**ctx, "form": EmailForm()})


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        from mantto.audit.models import log_action

        log_action(request.user, "logout", request.user)
    logout(request)
    messages.info(request, _("Cerraste tu sesión."))
    return redirect("accounts:login")


@login_required
def users_list(request):
    user = request.user
    if user.is_staff_user and user.role != Role.ADMINISTRADOR:
        raise PermissionDenied
    users = scope(User.objects.select_related("supplier"), user)
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(email__icontains=q) | users.filter(name__icontains=q)
    return render(
        request,
        "accounts/users.html",
        {
            "users": users.order_by("supplier__name", "name"),
            "q": q,
            "can_manage": user.can_manage_users(),
        },
    )


@login_required
def user_invite(request):
    if not request.user.can_manage_users():
        raise PermissionDenied
    form = InviteForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            invited = services.invite_user(
                request.user,
                email=d["email"],
                name=d["name"],
                role=d.get("role", Role.TALLER),
                supplier=d.get("supplier"),
                is_supplier_admin=d.get("is_supplier_admin", False),
                now=timezone.now(),
            )
        except DomainError as exc:
            form.add_error("email", exc.message)
        else:
            messages.success(
                request,
                _("Invitamos a %(email)s por correo electrónico.") % {"email": invited.email},
            )
            return redirect("accounts:users")
    return render(request, "accounts/invite.html", {"form": form})


@require_POST
@login_required
def user_set_active(request, code, active: bool):
    if not request.user.can_manage_users():
        raise PermissionDenied
    target = get_for_user(request.user, User, code)
    try:
        services.set_user_active(request.user, target, active, now=timezone.now())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        msg = _("Usuario activado.") if active else _("Usuario desactivado.")
        messages.success(request, msg)
    return redirect("accounts:users")


@login_required
def user_edit(request, code):
    if not request.user.can_manage_users():
        raise PermissionDenied
    target = get_for_user(request.user, User, code)
    initial = {
        "name": target.name,
        "role": target.role,
        "supplier": target.supplier.code if target.supplier else None,
        "is_supplier_admin": target.is_supplier_admin,
    }
    form = UserEditForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.update_user(
                request.user,
                target,
                name=d["name"],
                role=d.get("role", target.role),
                supplier=d.get("supplier", target.supplier),
                is_supplier_admin=d.get("is_supplier_admin", False),
                now=timezone.now(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Guardamos los cambios de %(email)s.") % {"email": target.email}
            )
            return redirect("accounts:users")
    return render(request, "accounts/edit.html", {"form": form, "target": target})
