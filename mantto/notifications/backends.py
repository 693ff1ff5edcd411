from __future__ import annotations

import secrets
from datetime import datetime

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class EmlFileBackend(BaseEmailBackend):
    """Development backend: one .eml file per message under MAIL_DIR."""

    def send_messages(self, email_messages) -> int:
        directory = settings.MAIL_DIR
        directory.mkdir(parents=True, exist_ok=True)
        count = 0
        for message in email_messages:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
            path = directory / f"{stamp}-{secrets.token_hex(4)}.eml"
            path.write_bytes(message.message().as_bytes())
            count += 1
        return count
