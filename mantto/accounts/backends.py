from __future__ import annotations

from mantto.accounts.models import User


class KeyBackend:
    """Users log in only through a verified one-time key (see services.verify_login_key);
    this backend just restores the session's user, and only while it is active."""

    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id) -> User | None:
        return User.objects.filter(pk=user_id, is_active=True).first()
