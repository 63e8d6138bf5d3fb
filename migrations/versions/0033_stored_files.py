"""uploaded files are kept in the database (stored_file), no longer in an upload folder;
files found in the old folder are copied in

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07 11:00:00

"""
import hashlib
import logging
import os
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


def _old_folder():
    """The folder files were kept in before: ``UPLOAD_FOLDER`` from the app's config (still
    accepted for this migration only), else ``uploads`` in the instance folder."""
    try:
        from flask import current_app
        config_folder = current_app.config.get("UPLOAD_FOLDER")
        return config_folder or os.path.join(current_app.instance_path, "uploads")
    except RuntimeError:  # not run from the app (no application context)
        return os.environ.get("UPLOAD_FOLDER")


def upgrade():
    stored_file = op.create_table(
        'stored_file',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_stored_file')),
    )
    bind = op.get_bind()
    names = bind.execute(sa.text("SELECT stored_name FROM uploaded_document")).scalars().all()
    if not names:
        return
    folder = _old_folder()
    now = datetime.now(timezone.utc)
    for name in names:
        path = os.path.join(folder, name) if folder else None
        if (path is None or not all(c in "0123456789abcdef" for c in name)
                or not os.path.isfile(path)):
            # The row keeps its key; downloading it finds nothing (404) until the file is
            # put back. The migration does not fail over a lost file.
            log.warning("uploaded file %s not found in %s: not copied", name, folder)
            print(f"warning: uploaded file {name} not found in {folder}: not copied")
            continue
        with open(path, "rb") as f:
            data = f.read()
        bind.execute(stored_file.insert().values(
            key=name, content=data, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
            created_at=now))


def downgrade():
    op.drop_table('stored_file')
