"""Tasks for the worker (`manage.py db_worker`, django-tasks with its database backend)."""

from django_tasks import task

from reviews.exports import export_run


@task()
def run_export(job_id: str) -> str:
    return export_run(job_id)


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    from reviews.notifications import send_emails

    return send_emails(notification_ids)
