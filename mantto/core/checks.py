from django.conf import settings
from django.core.checks import Error, register


@register(deploy=True)
def check_secret_key(app_configs, **kwargs):
    if settings.SECRET_KEY == settings.INSECURE_DEV_KEY:
        return [
            Error(
                "SECRET_KEY no está configurada; la clave de desarrollo no sirve en producción.",
                id="mantto.E001",
            )
        ]
    return []
