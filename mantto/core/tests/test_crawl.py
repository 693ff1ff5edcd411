"""Every page reachable from each demo user's menu renders (no 500, no broken link)."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from django.test import TestCase

from mantto.accounts.models import User
from mantto.core.demo import load_demo
from mantto.core.testing import BACKEND

LINK = re.compile(r'href="([^"#]+)"')
# Downloads and logout are links too; they are exercised by their own tests.
SKIP = re.compile(r"^/(static|media)/|/salir/|\.(xlsx|csv|pdf|xml)$|formato=|descargar")


class DemoCrawlTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load_demo()

    def crawl(self, user: User, limit: int = 120) -> dict[str, int]:
        self.client.force_login(user, backend=BACKEND)
        seen: dict[str, int] = {}
        queue = ["/"]
        while queue and len(seen) < limit:
            url = queue.pop(0)
            if url in seen:
                continue
            r = self.client.get(url)
            seen[url] = r.status_code
            if r.status_code != 200 or "text/html" not in r.get("Content-Type", ""):
                continue
            for href in LINK.findall(r.content.decode()):
                target = urljoin(url, href.replace("&amp;", "&"))
                parts = urlsplit(target)
                if parts.scheme not in ("", "http") or parts.netloc or SKIP.search(parts.path):
                    continue
                path = parts.path + (f"?{parts.query}" if parts.query else "")
                if path not in seen:
                    queue.append(path)
        return seen

    def test_it_renders_every_page_for_every_demo_user(self):
        for user in User.objects.order_by("email"):
            with self.subTest(user=user.email):
                seen = self.crawl(user)
                broken = {u: s for u, s in seen.items() if s >= 500 or s == 404}
                self.assertEqual(broken, {}, f"{user.email}: páginas rotas")
                self.assertGreater(len(seen), 5)
