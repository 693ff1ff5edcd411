from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

# No 0/O, 1/I/L: the key is read in an e-mail and typed or pasted on a phone.
KEY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
KEY_LENGTH = 10


class Role(models.TextChoices):
    TALLER = "taller", _("Taller")
    COORDINADOR = "coordinador", _("Coordinador")
    FINANZAS = "finanzas", _("Finanzas")
    ADMINISTRADOR = "administrador", _("Administrador")


STAFF_ROLES = (Role.COORDINADOR, Role.FINANZAS, Role.ADMINISTRADOR)


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, **fields) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, email: str) -> User:
        return self.get(email__iexact=email)


class User(AbstractBaseUser):
    """Keyed by e-mail; there are no passwords (R10)."""

    SUPPLIER_PATH = "supplier"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("correo electrónico"), unique=True)
    name = models.CharField(_("nombre"), max_length=150)
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    supplier = models.ForeignKey(
        "suppliers.Supplier",
        verbose_name=_("taller"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    is_supplier_admin = models.BooleanField(_("administrador del taller"), default=False)
    is_active = models.BooleanField(_("activo"), default=True)
    created = models.DateTimeField(auto_now_add=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name", "role"]

    objects = UserManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("usuario")
        verbose_name_plural = _("usuarios")
        constraints = [
            # A taller user belongs to exactly one supplier; staff to none.
            models.CheckConstraint(
                condition=(models.Q(role="taller", supplier__isnull=False))
                | (~models.Q(role="taller") & models.Q(supplier__isnull=True)),
                name="taller_has_supplier",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def first_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email

    @property
    def is_taller(self) -> bool:
        return self.role == Role.TALLER

    @property
    def is_staff_user(self) -> bool:
        return self.role in STAFF_ROLES

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles

    def can_manage_users(self) -> bool:
        return self.role == Role.ADMINISTRADOR or (self.is_taller and self.is_supplier_admin)


def hash_key(key: str) -> str:
    normalized = key.strip().upper().replace("-", "").replace(" ", "")
    return hmac.new(settings.SECRET_KEY.encode(), normalized.encode(), hashlib.sha256).hexdigest()


class LoginKey(models.Model):
    """A one-time access key; only its keyed hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_keys")
    key_hash = models.CharField(max_length=64)
    created = models.DateTimeField()
    expires = models.DateTimeField()
    used = models.DateTimeField(null=True, blank=True)
    failed_tries = models.PositiveSmallIntegerField(default=0)
    locked = models.BooleanField(default=False)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "created"])]

    @staticmethod
    def new_key() -> str:
        return "".join(secrets.choice(KEY_ALPHABET) for _ in range(KEY_LENGTH))

    @classmethod
    def issue(cls, user: User, now: datetime, ip: str | None) -> tuple[LoginKey, str]:
        key = cls.new_key()
        obj = cls.objects.create(
            user=user,
            key_hash=hash_key(key),
            created=now,
            expires=now + timedelta(minutes=settings.LOGIN_KEY_MINUTES),
            ip=ip,
        )
        return obj, key

    def is_usable(self, now: datetime) -> bool:
        return self.used is None and not self.locked and now < self.expires

    def matches(self, key: str) -> bool:
        return hmac.compare_digest(self.key_hash, hash_key(key))


class TokenBucket(models.Model):
    """Database rate limiter (as in healthchecks): one row per limited thing."""

    value = models.CharField(max_length=80, unique=True)
    tokens = models.FloatField(default=1.0)
    updated = models.DateTimeField()

    @classmethod
    def authorize(cls, value: str, capacity: int, per_seconds: int, now: datetime) -> bool:
        """Take one token; False when the bucket is empty.

        The value is hashed so e-mail addresses and IPs are not stored in clear.
        Tokens are a fraction of capacity; they refill linearly over ``per_seconds``.
        """
        digest = hashlib.sha1(value.encode(), usedforsecurity=False).hexdigest()
        obj, created = cls.objects.select_for_update().get_or_create(
            value=digest, defaults={"tokens": 1.0, "updated": now}
        )
        elapsed = max((now - obj.updated).total_seconds(), 0.0)
        obj.tokens = min(1.0, obj.tokens + elapsed / per_seconds)
        obj.updated = now
        step = 1.0 / capacity
        if obj.tokens < step - 1e-9:
            obj.save(update_fields=["tokens", "updated"])
            return False
        obj.tokens -= step
        obj.save(update_fields=["tokens", "updated"])
        return True
