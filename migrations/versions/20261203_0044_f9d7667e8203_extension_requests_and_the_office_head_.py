"""Extensions of a case's time limit need the head of the office (信访工作条例 art. 34): the
office-head permission on accounts (nobody holds it until an administrator grants it), the
requests and decisions, and the timeline kinds for a request and a refusal.

Downgrading drops the requests; the extensions already approved stay on their cases.

Revision ID: f9d7667e8203
Revises: 335cf2ef1ae4
Create Date: 2026-12-03 00:44:13.039049+00:00

"""
import sqlalchemy as sa
from alembic import op

import portal.db


# revision identifiers, used by Alembic.
revision = 'f9d7667e8203'
down_revision = '335cf2ef1ae4'
branch_labels = None
depends_on = None

OLD_KINDS = ("registered", "accepted", "not_accepted", "transferred", "extended", "concluded", "archived",
             "supplement", "message_to_reporter", "rated", "review_requested", "in_progress", "supervision",
             "note", "review_decided", "assigned", "linked", "reward", "re_review_requested", "re_review_decided")
NEW_KINDS = OLD_KINDS + ("extension_requested", "extension_refused")


def _check(values):
    return "kind IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    op.create_table('extension_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('pending', 'approved', 'refused', name='extensionstate', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_label', sa.String(length=100), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('days > 0', name=op.f('ck_extension_requests_days')),
    sa.CheckConstraint('decided_by_id IS NULL OR decided_by_id <> requested_by_id', name=op.f('ck_extension_requests_four_eyes')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_extension_requests_complaint_id_complaints')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_extension_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_extension_requests_region_code_regions')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_extension_requests_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_extension_requests'))
    )
    with op.batch_alter_table('extension_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_extension_requests_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_extension_requests_region_code'), ['region_code'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('office_head', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('office_head', server_default=None)
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaint_events_eventkind'), type_='check')
        batch_op.create_check_constraint('eventkind', _check(NEW_KINDS))


def downgrade():
    events = sa.table("complaint_events", sa.column("kind", sa.String))
    op.execute(events.update().where(events.c.kind.in_(("extension_requested", "extension_refused")))
               .values(kind="note"))
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaint_events_eventkind'), type_='check')
        batch_op.create_check_constraint('eventkind', _check(OLD_KINDS))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('office_head')

    with op.batch_alter_table('extension_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_extension_requests_region_code'))
        batch_op.drop_index(batch_op.f('ix_extension_requests_complaint_id'))

    op.drop_table('extension_requests')
