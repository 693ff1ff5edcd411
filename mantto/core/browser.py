"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live_server.

Use the ``page`` and ``phone`` fixtures (registered in the root conftest.py) and
``screenshot(page, name)``. When /usr/bin/chromium is missing the tests are skipped with
a message saying how to install it; CI installs it, so there they run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.getenv("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
# Background networking off: this machine has no internet, and Chromium's update and
# telemetry connections would only slow the tests down.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"Chromium no está instalado en {CHROMIUM}: apt-get install chromium "
            "(.ci/run lo instala)"
        )


@pytest.fixture(scope="session")
def browser() -> Iterator:
    require_chromium()
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
    # the test itself (fixtures, assertions) are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


def _page(browser, viewport: dict, **kwargs):
    context = browser.new_context(viewport=viewport, locale="es-MX", **kwargs)
    context.set_default_timeout(15_000)
    return context, context.new_page()


@pytest.fixture
def page(browser) -> Iterator:
    context, p = _page(browser, DESKTOP)
    yield p
    context.close()


@pytest.fixture
def phone(browser) -> Iterator:
    context, p = _page(browser, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    yield p
    context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_fits_width(page) -> None:
    """Nothing scrolls sideways on a phone."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"la página se desborda {overflow}px a lo ancho"
