"""scheduling edges: a random, stable Message-ID part for each outbox message; each worker's
attendance carries the visit's times, and on PostgreSQL an exclusion constraint (btree_gist)
stops one worker being booked into overlapping visits

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 00:00:00

"""
import uuid

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


ACTIVE = ('booked', 'rearranged')
NO_OVERLAP = 'ex_visit_worker_no_overlap'


def _attendance():
    with op.batch_alter_table('visit_worker', schema=None) as batch_op:
        batch_op.add_column(sa.Column('starts_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('blocks', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    bind = op.get_bind()
    visit = sa.table('visit', sa.column('id', sa.Integer),
                     sa.column('starts_at', sa.DateTime(timezone=True)),
                     sa.column('ends_at', sa.DateTime(timezone=True)),
                     sa.column('status', sa.String))
    vw = sa.table('visit_worker', sa.column('visit_id', sa.Integer),
                  sa.column('user_id', sa.Integer),
                  sa.column('starts_at', sa.DateTime(timezone=True)),
                  sa.column('ends_at', sa.DateTime(timezone=True)),
                  sa.column('blocks', sa.Boolean))
    bind.execute(vw.update().values(
        starts_at=sa.select(visit.c.starts_at).where(visit.c.id == vw.c.visit_id)
        .scalar_subquery(),
        ends_at=sa.select(visit.c.ends_at).where(visit.c.id == vw.c.visit_id)
        .scalar_subquery()))
    # Booked visits block their workers' time, except where a worker is already booked
    # twice (a clash booked on purpose): those stay as they are.
    active = sa.select(visit.c.id).where(visit.c.status.in_(ACTIVE))
    other = vw.alias('other')
    overlapping = sa.exists().where(
        other.c.user_id == vw.c.user_id, other.c.visit_id != vw.c.visit_id,
        other.c.visit_id.in_(active), other.c.starts_at < vw.c.ends_at,
        vw.c.starts_at < other.c.ends_at)
    bind.execute(vw.update().where(vw.c.visit_id.in_(active), ~overlapping)
                 .values(blocks=True))
    if bind.dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS btree_gist')
        op.execute(f'ALTER TABLE visit_worker ADD CONSTRAINT {NO_OVERLAP} EXCLUDE USING gist '
                   '(user_id WITH =, tstzrange(starts_at, ends_at) WITH &&) WHERE (blocks)')


def upgrade():
    _attendance()
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_uuid', sa.String(length=36), nullable=True))
    outbox = sa.table('outbox_message', sa.column('id', sa.Integer),
                      sa.column('message_uuid', sa.String))
    bind = op.get_bind()
    for (message_id,) in bind.execute(sa.select(outbox.c.id)).all():
        bind.execute(outbox.update().where(outbox.c.id == message_id)
                     .values(message_uuid=str(uuid.uuid4())))
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.alter_column('message_uuid', existing_type=sa.String(length=36),
                              nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_outbox_message_message_uuid'),
                                          ['message_uuid'])


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'ALTER TABLE visit_worker DROP CONSTRAINT IF EXISTS {NO_OVERLAP}')
    with op.batch_alter_table('visit_worker', schema=None) as batch_op:
        batch_op.drop_column('blocks')
        batch_op.drop_column('ends_at')
        batch_op.drop_column('starts_at')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_outbox_message_message_uuid'), type_='unique')
        batch_op.drop_column('message_uuid')
