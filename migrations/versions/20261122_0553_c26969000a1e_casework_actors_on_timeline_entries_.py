"""Casework: who decided each timeline entry, the extension flag and the transfer destination;
the timeline accepts the new entry kinds.

Revision ID: c26969000a1e
Revises: 94ae396cabe8
Create Date: 2026-11-22 05:53:16.015848+00:00

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = 'c26969000a1e'
down_revision = '94ae396cabe8'
branch_labels = None
depends_on = None


OLD_KINDS = ("registered", "accepted", "not_accepted", "transferred", "extended", "concluded", "archived",
             "supplement", "message_to_reporter", "rated", "review_requested")
NEW_KINDS = OLD_KINDS + ("in_progress", "supervision", "note")


def _kinds_check(kinds):
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def upgrade():
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('actor_label', sa.String(length=100), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_complaint_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_complaint_events_actor_id_users'), 'users', ['actor_id'], ['id'])
        # Enum values are checked by a CHECK constraint, which autogenerate does not compare.
        batch_op.drop_constraint(op.f('ck_complaint_events_eventkind'), type_='check')
        batch_op.create_check_constraint('eventkind', _kinds_check(NEW_KINDS))
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.alter_column('actor_label', server_default=None)

    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extended', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('transferred_to', sa.String(length=200), nullable=False, server_default=''))
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.alter_column('extended', server_default=None)
        batch_op.alter_column('transferred_to', server_default=None)


def downgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_column('transferred_to')
        batch_op.drop_column('extended')

    op.execute("DELETE FROM complaint_events WHERE kind IN ('in_progress', 'supervision', 'note')")
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaint_events_eventkind'), type_='check')
        batch_op.create_check_constraint('eventkind', _kinds_check(OLD_KINDS))
        batch_op.drop_constraint(batch_op.f('fk_complaint_events_actor_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_complaint_events_actor_id'))
        batch_op.drop_column('actor_label')
        batch_op.drop_column('actor_id')
