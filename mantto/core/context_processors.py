from django.conf import settings

from mantto.core.menus import menu_for


def branding(request):
    user = getattr(request, "user", None)
    menu = menu_for(user) if user is not None and user.is_authenticated else []
    current = request.path
    for item in menu:
        item["active"] = item["url"] == current or (
            item["url"] != "/" and current.startswith(item["url"])
        )
    return {
        "site_name": settings.SITE_NAME,
        "clarifications_email": settings.CLARIFICATIONS_EMAIL,
        "clarifications_phone": settings.CLARIFICATIONS_PHONE,
        "debug": settings.DEBUG,
        "menu": menu,
    }
