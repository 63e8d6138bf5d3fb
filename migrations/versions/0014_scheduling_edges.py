"""scheduling edges: a random, stable Message-ID part for each outbox message

Revision ID: 0014
Revises: 0009
Create Date: 2026-12-06 00:00:00

"""
import uuid

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
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
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_outbox_message_message_uuid'), type_='unique')
        batch_op.drop_column('message_uuid')
