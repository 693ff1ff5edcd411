import pytest

from mantto.core.browser import browser, page, phone  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def _isolated_mail_dir(settings, tmp_path):
    # Tests never write into the developer's var/mail/.
    settings.MAIL_DIR = tmp_path / "mail"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
