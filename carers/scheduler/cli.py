import click
from flask import current_app
from flask.cli import AppGroup

from carers.scheduler.jobs import JOBS, job
from carers.scheduler.leader import holder_name
from carers.scheduler.runner import run_forever, run_job

scheduler_cli = AppGroup("scheduler", help="The scheduler: every timed job.")


@scheduler_cli.command("run")
def run_command():
    """Run the scheduler in this process until stopped (Ctrl-C or SIGTERM).

    Run exactly one of these beside the web server, never inside web workers."""
    app = current_app._get_current_object()
    only = app.config.get("SCHEDULER_ONLY")
    for j in JOBS:
        if only is None or j.name in only:
            click.echo(f"  {j.name}: {j.schedule(app.config)} - {j.title}")
    click.echo("Scheduler running (Europe/London): it runs the jobs while it leads, and waits"
               " while another scheduler does. Stop with Ctrl-C.")
    run_forever(app)


@scheduler_cli.command("run-once")
@click.argument("name", required=False)
def run_once_command(name):
    """Run one job (or every job) now, once, and say what it did."""
    if name is not None:
        try:
            chosen = [job(name)]
        except KeyError:
            raise click.BadParameter(
                f"no job called {name!r}; jobs: {', '.join(j.name for j in JOBS)}") from None
    else:
        chosen = JOBS
    failed = False
    by = f"{holder_name()} (run-once)"
    for j in chosen:
        run = run_job(j, scheduler=by)
        click.echo(f"{j.name}: {run.summary} ({run.duration_ms} ms)")
        if run.error:
            failed = True
            click.echo(run.error, err=True)
    if failed:
        raise SystemExit(1)


@scheduler_cli.command("list")
def list_command():
    """List the jobs and their schedules."""
    for j in JOBS:
        click.echo(f"{j.name}: {j.schedule(current_app.config)} - {j.title}")
