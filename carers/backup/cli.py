import click
from flask.cli import with_appcontext

from carers.backup import operations
from carers.backup.operations import BackupError


@click.command("backup")
@click.argument("path", type=click.Path(path_type=str))
@click.option("--force", is_flag=True, help="Replace PATH if it already exists.")
@with_appcontext
def backup_command(path, force):
    """Write a backup of the whole database to PATH, consistent while the service runs:
    SQLite's online backup, or pg_dump's custom format for PostgreSQL. Applicants'
    documents and generated PDFs are in the database, so they are in the file."""
    try:
        written = operations.take(path, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    held = written.contents
    click.echo(f"Backup written to {written.path}: {operations.file_size(written.size)}, "
               f"{held.summary()}.")
    click.echo(f"SHA-256 {written.sha256}; database revision {held.revision}; last audit "
               f"entry's hash {held.last_hash or 'none'}.")
    if written.current:
        click.echo("The backup is recorded in the audit trail.")
    else:
        click.echo(f"The database is at revision {held.revision}, not this version's "
                   f"{written.head}, so the backup is not recorded in the audit trail. Run "
                   "`flask db upgrade` next.")


@click.command("restore")
@click.argument("path", type=click.Path(path_type=str))
@with_appcontext
def restore_command(path):
    """Restore the backup at PATH into this service's database, which must be empty (a
    new database): nothing is ever written over. Then check the restored audit trail."""
    try:
        restored = operations.restore(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    held = restored.contents
    click.echo(f"Restored {path}: {held.summary()}.")
    if not restored.current:
        click.echo(f"The backup's database is at revision {held.revision}; this version of "
                   f"the service is at {restored.head}. Run `flask db upgrade`, then "
                   "`flask audit verify`.")
        return
    click.echo(restored.verdict.message())
    if not restored.verdict.ok:
        click.echo("The restored audit trail does not verify. If the backup comes from a "
                   "service with another AUDIT_ANCHOR_KEY (or SECRET_KEY, when that key is "
                   "not set), run with that key; the restore is not recorded in the trail.",
                   err=True)
        raise SystemExit(1)
    click.echo("The restore is recorded at the end of the audit trail.")
