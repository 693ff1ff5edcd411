from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mantto.core"
    label = "core"

    def ready(self) -> None:
        from mantto.core import checks  # noqa: F401 - registers the system checks
