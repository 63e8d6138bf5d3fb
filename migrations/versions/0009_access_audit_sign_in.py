"""access and audit: hash-chained audit trail, second factor, recovery codes, sign-in
throttling, staff invitations

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 12:00:00

"""
import hashlib
import json
from datetime import UTC

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def _moment(at):
    if isinstance(at, str):
        from datetime import datetime
        at = datetime.fromisoformat(at)
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def _hash(seq, row, prev):
    # The same as carers.audit.chain.link_hash, kept here so this migration never changes.
    detail = row.detail
    if isinstance(detail, str):
        detail = json.loads(detail)
    content = json.dumps([seq, _moment(row.at), row.user_id, row.action, row.object_type,
                          row.object_id, row.ip_address, detail, prev], sort_keys=True,
                         separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(content.encode()).hexdigest()


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_audit_event_seq'), ['seq'])
        batch_op.create_index('ix_audit_event_object', ['object_type', 'object_id'],
                              unique=False)

    chain = op.create_table('audit_chain',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain'))
    )

    # Chain the entries already there, oldest first.
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT id, at, user_id, action, object_type, object_id, ip_address, detail "
        "FROM audit_event ORDER BY id")).fetchall()
    prev, seq = GENESIS, 0
    for row in rows:
        seq += 1
        digest = _hash(seq, row, prev)
        conn.execute(sa.text("UPDATE audit_event SET seq = :seq, prev_hash = :prev, "
                             "hash = :hash WHERE id = :id"),
                     {"seq": seq, "prev": prev, "hash": digest, "id": row.id})
        prev = digest
    op.bulk_insert(chain, [{"id": 1, "seq": seq, "last_hash": prev}])

    if conn.dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION audit_event_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'audit entries cannot be changed or deleted';
            END;
            $$ LANGUAGE plpgsql;
        """)
        op.execute("CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON "
                   "audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()")

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('password_set_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('invite_token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('invite_expires_at', sa.DateTime(timezone=True),
                                      nullable=True))

    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=200), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_recovery_code_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code'))
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_user_id'), ['user_id'], unique=False)

    op.create_table('sign_in_throttle',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('first_failure_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_throttle'))
    )


def downgrade():
    op.drop_table('sign_in_throttle')
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_user_id'))
    op.drop_table('recovery_code')
    with op.batch_alter_table('user', schema=None) as batch_op:
        for column in ('invite_expires_at', 'invite_token_hash', 'password_set_at',
                       'totp_last_step', 'totp_enabled_at', 'totp_secret'):
            batch_op.drop_column(column)
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION audit_event_append_only()")
    op.drop_table('audit_chain')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_object')
        batch_op.drop_constraint(batch_op.f('uq_audit_event_seq'), type_='unique')
        for column in ('hash', 'prev_hash', 'seq'):
            batch_op.drop_column(column)
