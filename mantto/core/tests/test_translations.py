"""English follows the Spanish source: the browser's Accept-Language picks the catalog.

The catalog is mantto/locale/en/LC_MESSAGES/django.po, compiled to django.mo; both are
committed. These tests check that the committed .po is complete (every entry translated,
nothing fuzzy) and that the committed .mo was compiled from it. They do not scan the
source for strings added since the last ``makemessages``.
"""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

from django.conf import settings
from django.test import TestCase

CATALOG = Path(settings.BASE_DIR) / "mantto" / "locale" / "en" / "LC_MESSAGES"


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file: {"id", "plural", "ctxt", "strs", "fuzzy"}; obsolete ones skipped."""
    entries: list[dict] = []
    entry: dict = {}
    key = None

    def flush() -> None:
        nonlocal entry, key
        if "id" in entry:
            entries.append(entry)
        entry, key = {}, None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#"):
            if "id" in entry:
                flush()
            if line.startswith("#,") and "fuzzy" in line:
                entry["fuzzy"] = True
            continue
        if line.startswith('"'):
            value = ast.literal_eval(line)
        else:
            keyword, _, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            key = {"msgctxt": "ctxt", "msgid": "id", "msgid_plural": "plural"}.get(keyword, keyword)
            if key.startswith("msgstr"):
                entry.setdefault("strs", {})[key] = ""
        if key.startswith("msgstr"):
            entry["strs"][key] += value
        else:
            entry[key] = entry.get(key, "") + value
    flush()
    return entries


def catalog_key(entry: dict) -> str:
    # GNUTranslations keys: "ctxt\x04id"; plural entries are keyed (id, index).
    return f"{entry['ctxt']}\x04{entry['id']}" if "ctxt" in entry else entry["id"]


class EnglishCatalogTestCase(TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.entries = [e for e in read_po(CATALOG / "django.po") if e["id"]]
        with (CATALOG / "django.mo").open("rb") as fh:
            cls.mo = gettext.GNUTranslations(fh)

    def test_po_has_entries(self) -> None:
        self.assertGreater(len(self.entries), 100)

    def test_every_entry_is_translated(self) -> None:
        untranslated = [
            e["id"]
            for e in self.entries
            if e.get("fuzzy") or not e.get("strs") or not all(s.strip() for s in e["strs"].values())
        ]
        self.assertEqual(untranslated, [], "Untranslated or fuzzy entries in the English .po")

    def test_mo_matches_po(self) -> None:
        """The committed .mo was compiled from the committed .po (run compilemessages)."""
        catalog = self.mo._catalog
        mo_ids = {k[0] if isinstance(k, tuple) else k for k in catalog} - {""}
        po_ids = {catalog_key(e) for e in self.entries}
        self.assertEqual(sorted(po_ids - mo_ids), [], "In the .po but not in the .mo")
        self.assertEqual(sorted(mo_ids - po_ids), [], "In the .mo but not in the .po")
        for e in self.entries:
            key = catalog_key(e)
            if "plural" in e:
                for i in range(len(e["strs"])):
                    self.assertEqual(catalog[(key, i)], e["strs"][f"msgstr[{i}]"], key)
            else:
                self.assertEqual(catalog[key], e["strs"]["msgstr"], key)


class LoginLanguageTestCase(TestCase):
    def test_english_when_the_browser_asks_for_it(self) -> None:
        r = self.client.get("/ingresar/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.headers["Content-Language"], "en")
        self.assertContains(r, '<html lang="en">')
        self.assertContains(r, "<h1>Sign in to the portal</h1>", html=False)
        self.assertContains(r, "Send me an access key")
        self.assertNotContains(r, "Ingresar al portal")

    def test_spanish_by_default(self) -> None:
        r = self.client.get("/ingresar/")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.headers["Content-Language"], "es-mx")
        self.assertContains(r, "<h1>Ingresar al portal</h1>")
        self.assertContains(r, "Enviarme una llave de acceso")
        self.assertNotContains(r, "Sign in to the portal")

    def test_spanish_for_an_unsupported_language(self) -> None:
        r = self.client.get("/ingresar/", HTTP_ACCEPT_LANGUAGE="fr-FR")
        self.assertContains(r, "Ingresar al portal")
