from django.utils import timezone
from django_tasks import task

from mantto.services.delivery import send_deadline_reminders


@task()
def send_deadline_reminders_task() -> int:
    """Schedule daily (e.g. cron enqueuing it, or the management command)."""
    return send_deadline_reminders(timezone.now())
