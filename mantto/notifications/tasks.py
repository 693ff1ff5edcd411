from django_tasks import task

from mantto.notifications.services import send_outbox_email


@task()
def deliver_email(code: str) -> bool:
    return send_outbox_email(code)
