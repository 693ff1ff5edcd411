"""Login and user-management steps. Each is atomic and audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from mantto.accounts.models import STAFF_ROLES, LoginKey, Role, TokenBucket, User
from mantto.audit.models import log_action
from mantto.core.errors import DomainError
from mantto.notifications.services import queue_email
from mantto.suppliers.models import Supplier

INVALID_KEY = "MANTTO-LOGIN-KEY"
LOCKED_KEY = "MANTTO-LOGIN-LOCKED"
RATE_LIMITED = "MANTTO-LOGIN-RATE"


def _normalize(email: str) -> str:
    return (email or "").strip().lower()


def _rate_limit(value: str, limit: tuple[int, int], now: datetime) -> None:
    capacity, per = limit
    if not TokenBucket.authorize(value, capacity, per, now):
        raise DomainError(
            _("Demasiados intentos. Espera unos minutos y vuelve a intentarlo."), RATE_LIMITED
        )


def request_login_key(email: str, *, ip: str | None, now: datetime) -> None:
    """Seed step 01–02 of the login: e-mail a one-time key.

    The caller shows the same answer whether or not the address exists, so nobody can
    find out which e-mails have accounts. Rate limits apply to every address alike.
    """
    email = _normalize(email)
    with transaction.atomic():
        _rate_limit(f"key-email:{email}", settings.RATELIMIT_KEY_PER_EMAIL, now)
        if ip:
            _rate_limit(f"key-ip:{ip}", settings.RATELIMIT_KEY_PER_IP, now)
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            log_action(None, "login.key_unknown_email", data={"email": email, "ip": ip}, now=now)
            return
        if not user.is_active:
            log_action(user, "login.key_inactive_user", user, {"ip": ip}, now=now)
            return
        _, key = LoginKey.issue(user, now, ip)
        queue_email(
            user.email,
            "login-key",
            {"user": user, "key": key, "minutes": settings.LOGIN_KEY_MINUTES},
            now=now,
        )
        log_action(user, "login.key_sent", user, {"ip": ip}, now=now)


@dataclass
class _Outcome:
    user: User | None = None
    error: DomainError | None = None


def verify_login_key(email: str, key: str, *, ip: str | None, now: datetime) -> User:
    """Seed step 03: the pasted key logs the user in, once.

    Failed tries are committed before the error is raised: rolling them back would
    hand an attacker unlimited guesses.
    """
    email = _normalize(email)
    with transaction.atomic():
        if ip:
            _rate_limit(f"verify-ip:{ip}", settings.RATELIMIT_VERIFY_PER_IP, now)
    with transaction.atomic():
        outcome = _check_key(email, key, ip, now)
    if outcome.error:
        raise outcome.error
    assert outcome.user is not None
    return outcome.user


def _check_key(email: str, key: str, ip: str | None, now: datetime) -> _Outcome:
    invalid = DomainError(
        _("La llave de acceso no es válida, ya se usó o expiró. Solicita una nueva."),
        INVALID_KEY,
    )
    user = User.objects.filter(email__iexact=email).first()
    if user is None or not user.is_active:
        log_action(user, "login.failed", user, {"email": email, "ip": ip}, now=now)
        return _Outcome(error=invalid)
    login_key = (
        LoginKey.objects.select_for_update()
        .filter(user=user, used__isnull=True, locked=False)
        .order_by("-created")
        .first()
    )
    if login_key is None or not login_key.is_usable(now):
        log_action(user, "login.failed", user, {"ip": ip, "reason": "no_key"}, now=now)
        return _Outcome(error=invalid)
    if not login_key.matches(key):
        login_key.failed_tries += 1
        login_key.locked = login_key.failed_tries >= settings.LOGIN_KEY_MAX_TRIES
        login_key.save(update_fields=["failed_tries", "locked"])
        log_action(user, "login.failed", user, {"ip": ip, "tries": login_key.failed_tries}, now=now)
        if login_key.locked:
            log_action(user, "login.locked", user, {"ip": ip}, now=now)
            return _Outcome(
                error=DomainError(
                    _("Demasiados intentos con esta llave. Solicita una nueva llave de acceso."),
                    LOCKED_KEY,
                )
            )
        return _Outcome(error=invalid)
    login_key.used = now
    login_key.save(update_fields=["used"])
    log_action(user, "login.success", user, {"ip": ip}, now=now)
    return _Outcome(user=user)


def _placement(
    role: str, supplier: Supplier | None, is_supplier_admin: bool
) -> tuple[Supplier | None, bool]:
    """A taller user belongs to a supplier; staff belong to none and administer none."""
    if role == Role.TALLER and supplier is None:
        raise DomainError(_("Un usuario de taller debe pertenecer a un taller."), "MANTTO-USR-SUP")
    if role in STAFF_ROLES:
        return None, False
    return supplier, is_supplier_admin


def invite_user(
    actor: User,
    *,
    email: str,
    name: str,
    role: str,
    supplier: Supplier | None,
    is_supplier_admin: bool = False,
    now: datetime,
) -> User:
    """Create a user and e-mail them how to log in.

    A supplier administrator may only invite taller users into its own supplier.
    """
    email = _normalize(email)
    if not actor.can_manage_users():
        raise DomainError(_("No tienes permiso para invitar usuarios."), "MANTTO-USR-PERM")
    if actor.role != Role.ADMINISTRADOR:
        role, supplier = Role.TALLER, actor.supplier
    supplier, is_supplier_admin = _placement(role, supplier, is_supplier_admin)
    duplicate = DomainError(_("Ya existe un usuario con ese correo electrónico."), "MANTTO-USR-DUP")
    if User.objects.filter(email__iexact=email).exists():
        raise duplicate
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email,
                name=name.strip(),
                role=role,
                supplier=supplier,
                is_supplier_admin=is_supplier_admin,
            )
            queue_email(user.email, "invitation", {"user": user, "actor": actor}, now=now)
            log_action(actor, "user.invited", user, {"role": role}, now=now)
    except IntegrityError as exc:
        raise duplicate from exc
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), "MANTTO-USR-INVALID") from exc
    return user


def set_user_active(actor: User, user: User, active: bool, *, now: datetime) -> User:
    if not actor.can_manage_users():
        raise DomainError(_("No tienes permiso para cambiar usuarios."), "MANTTO-USR-PERM")
    if user.pk == actor.pk and not active:
        raise DomainError(_("No puedes desactivar tu propio usuario."), "MANTTO-USR-SELF")
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            # Keys issued before the deactivation must not open a session later.
            user.login_keys.filter(used__isnull=True).update(locked=True)
        log_action(actor, "user.activated" if active else "user.deactivated", user, now=now)
    return user


def update_user(
    actor: User,
    user: User,
    *,
    name: str,
    role: str,
    supplier: Supplier | None,
    is_supplier_admin: bool,
    now: datetime,
) -> User:
    """Staff administrators change anyone's name, role and supplier; a supplier
    administrator only the name and admin flag of its own colleagues."""
    if not actor.can_manage_users():
        raise DomainError(_("No tienes permiso para cambiar usuarios."), "MANTTO-USR-PERM")
    if actor.role != Role.ADMINISTRADOR:
        role, supplier = user.role, user.supplier
    supplier, is_supplier_admin = _placement(role, supplier, is_supplier_admin)
    if user.pk == actor.pk and role != actor.role:
        raise DomainError(_("No puedes cambiar tu propio rol."), "MANTTO-USR-SELF")
    before = {
        "role": user.role,
        "supplier": str(user.supplier or ""),
        "admin": user.is_supplier_admin,
    }
    with transaction.atomic():
        user.name = name.strip()
        user.role = role
        user.supplier = supplier
        user.is_supplier_admin = is_supplier_admin
        user.save(update_fields=["name", "role", "supplier", "is_supplier_admin"])
        after = {"role": role, "supplier": str(supplier or ""), "admin": is_supplier_admin}
        log_action(actor, "user.updated", user, {"before": before, "after": after}, now=now)
    return user
