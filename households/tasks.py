"""Tasks for the worker (`manage.py db_worker`, django-tasks with its database backend)."""

from django_tasks import task

from households.import_jobs import import_job_run


@task()
def run_import(job_id: str) -> str:
    return import_job_run(job_id)
