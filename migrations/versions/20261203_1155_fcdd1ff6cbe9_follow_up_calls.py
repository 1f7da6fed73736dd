"""Follow-up calls (回访): `follow_ups` (reached or not, the rating, comments, whether the case was
sent back), two timeline kinds (a call recorded, a case handled again), and the national rows of the
rules `follow_up` (working days to call) and `follow_up_reopens` (no: an unsatisfied call sends the
case back only where a province says so).

Downgrading drops the calls; the timeline entries become internal notes (a case handled again stays
in progress).

Revision ID: fcdd1ff6cbe9
Revises: 05a91437e9e2
Create Date: 2026-12-03 11:57:00+00:00

"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

import portal.db

# revision identifiers, used by Alembic.
revision = 'fcdd1ff6cbe9'
down_revision = '05a91437e9e2'
branch_labels = None
depends_on = None

OLD_KINDS = ("registered", "accepted", "not_accepted", "transferred", "extended", "concluded", "archived",
             "supplement", "message_to_reporter", "rated", "review_requested", "in_progress", "supervision",
             "note", "review_decided", "assigned", "linked", "reward", "re_review_requested", "re_review_decided",
             "extension_requested", "extension_refused", "returned", "referred", "reply_delivered", "hotline_urged", "letter_posted")
NEW_KINDS = OLD_KINDS + ("follow_up", "reopened")
events = sa.table("complaint_events", sa.column("kind", sa.String))
rule_changes = sa.table("rule_changes", sa.column("name", sa.String), sa.column("scope", sa.String),
                        sa.column("value", sa.String), sa.column("effective_from", portal.db.UTCDateTime),
                        sa.column("actor", sa.String), sa.column("reason", sa.Text))
RULES = (("follow_up", "5"), ("follow_up_reopens", "no"))


def _kinds(kinds):
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaint_events_eventkind'), type_='check')
        batch_op.create_check_constraint('eventkind', "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")")


def upgrade():
    op.create_table('follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('reached', sa.Boolean(), nullable=False),
    sa.Column('rating', sa.Enum('satisfied', 'basically_satisfied', 'unsatisfied', name='rating', native_enum=False, create_constraint=True, length=24), nullable=True),
    sa.Column('comments', sa.Text(), nullable=False),
    sa.Column('reopened', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_follow_ups_complaint_id_complaints')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_follow_ups_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_follow_ups_region_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_ups'))
    )
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_ups_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_ups_region_code'), ['region_code'], unique=False)

    _kinds(NEW_KINDS)
    since = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
    op.bulk_insert(rule_changes, [{"name": name, "scope": "", "value": value, "effective_from": since,
                                   "actor": "system", "reason": "national default"} for name, value in RULES])


def downgrade():
    op.execute(rule_changes.delete().where(rule_changes.c.name.in_([name for name, _ in RULES])))
    op.execute(events.update().where(events.c.kind.in_(("follow_up", "reopened"))).values(kind="note"))
    _kinds(OLD_KINDS)
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_ups_region_code'))
        batch_op.drop_index(batch_op.f('ix_follow_ups_complaint_id'))

    op.drop_table('follow_ups')
