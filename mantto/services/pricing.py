"""What the coordinator checks before authorizing (step 05): the vehicle's history, the
possible repeat repairs, and every line's price against the catalogue and the median."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from mantto.services.models import QuoteLine, ServiceRequest


def vehicle_history(service: ServiceRequest, *, limit: int = 10) -> list[dict]:
    """The vehicle's previous services, newest first. A service of the same type within
    REPEAT_REPAIR_DAYS before this one is flagged as a possible repeat."""
    window = timedelta(days=settings.REPEAT_REPAIR_DAYS)
    rows = []
    previous = (
        ServiceRequest.objects.filter(vehicle_id=service.vehicle_id, created__lt=service.created)
        .exclude(pk=service.pk)
        .select_related("supplier")
        .order_by("-created")[:limit]
    )
    for other in previous:
        rows.append(
            {
                "service": other,
                "is_repeat": other.service_type == service.service_type
                and other.state != ServiceRequest.State.REJECTED
                and service.created - other.created <= window,
            }
        )
    return rows


def repeated_items(service: ServiceRequest) -> set[str]:
    """Item keys of this quote that were authorized for the same vehicle within
    REPEAT_REPAIR_DAYS before this service."""
    since = service.created - timedelta(days=settings.REPEAT_REPAIR_DAYS)
    keys = set(service.lines.values_list("item_key", flat=True))
    return set(
        QuoteLine.objects.filter(
            service__vehicle_id=service.vehicle_id,
            service__authorized_at__gte=since,
            item_key__in=keys,
            authorized=True,
        )
        .exclude(service=service)
        .values_list("item_key", flat=True)
    )


def review(service: ServiceRequest, now: datetime) -> dict:
    """Everything the side-by-side validation screen shows."""
    repeats = repeated_items(service)
    lines = []
    for line in service.lines.select_related("reference"):
        check = line.price_check(now)
        lines.append({"line": line, "check": check, "repeat": line.item_key in repeats})
    history = vehicle_history(service)
    return {
        "lines": lines,
        "history": history,
        "any_repeat": bool(repeats) or any(h["is_repeat"] for h in history),
        "price_alerts": sum(1 for row in lines if not row["check"]["ok"]),
    }
