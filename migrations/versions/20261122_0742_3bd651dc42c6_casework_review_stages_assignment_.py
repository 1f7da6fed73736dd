"""Casework: review stages, assignment, duplicates, identity requests, rewards, reminders;
staff email addresses; the status and timeline kinds accept the new values.

Revision ID: 3bd651dc42c6
Revises: 1f17d62c2ccf
Create Date: 2026-11-22 07:42:41.789447+00:00

"""
from alembic import op
import sqlalchemy as sa

import portal.db


# revision identifiers, used by Alembic.
revision = '3bd651dc42c6'
down_revision = '1f17d62c2ccf'
branch_labels = None
depends_on = None


OLD_STATUSES = ("registered", "accepted", "not_accepted", "transferred", "in_progress", "concluded", "archived")
NEW_STATUSES = OLD_STATUSES + ("under_review",)
OLD_KINDS = ("registered", "accepted", "not_accepted", "transferred", "extended", "concluded", "archived",
             "supplement", "message_to_reporter", "rated", "review_requested", "in_progress", "supervision",
             "note")
NEW_KINDS = OLD_KINDS + ("review_decided", "assigned", "linked", "reward")


def _check(column, values):
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    op.create_table('identity_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('pending', 'approved', 'denied', name='requeststate', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('expires_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_identity_requests_complaint_id_complaints')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_identity_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['requester_id'], ['users.id'], name=op.f('fk_identity_requests_requester_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_requests'))
    )
    with op.batch_alter_table('identity_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_requests_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_identity_requests_requester_id'), ['requester_id'], unique=False)

    op.create_table('notifications_sent',
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('sent_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_notifications_sent_complaint_id_complaints')),
    sa.PrimaryKeyConstraint('complaint_id', 'kind', 'due_on', name=op.f('pk_notifications_sent'))
    )
    op.create_table('rewards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('grade', sa.Enum('1', '2', '3', 'none', name='rewardgrade', native_enum=False, create_constraint=True, length=8), nullable=False),
    sa.Column('base_amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('computed_amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claim_due', sa.Date(), nullable=True),
    sa.Column('claimed_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claim_recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('claim_note', sa.Text(), nullable=False),
    sa.CheckConstraint("grade <> 'none' OR reason <> ''", name=op.f('ck_rewards_no_reward_reason')),
    sa.CheckConstraint("grade = 'none' OR amount IS NOT NULL", name=op.f('ck_rewards_amount')),
    sa.ForeignKeyConstraint(['claim_recorded_by_id'], ['users.id'], name=op.f('fk_rewards_claim_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_rewards_complaint_id_complaints')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_rewards_decided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rewards')),
    sa.UniqueConstraint('complaint_id', name=op.f('uq_rewards_complaint_id'))
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handling_region_code', sa.String(length=6), nullable=True))
        batch_op.add_column(sa.Column('review_stage', sa.Enum('none', 'review', 're_review', name='reviewstage', native_enum=False, create_constraint=True, length=16), nullable=False, server_default='none'))
        batch_op.add_column(sa.Column('review_decision_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('next_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('assignee_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('duplicate_of_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_complaints_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_duplicate_of_id'), ['duplicate_of_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_handling_region_code'), ['handling_region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_next_due'), ['next_due'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_complaints_handling_region_code_regions'), 'regions', ['handling_region_code'], ['code'])
        batch_op.create_foreign_key(batch_op.f('fk_complaints_duplicate_of_id_complaints'), 'complaints', ['duplicate_of_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_complaints_assignee_id_users'), 'users', ['assignee_id'], ['id'])
        batch_op.drop_constraint(op.f('ck_complaints_status'), type_='check')
        batch_op.create_check_constraint('status', _check('status', NEW_STATUSES))
    # Existing cases are handled where they were filed; their next deadline follows their state.
    op.execute("UPDATE complaints SET handling_region_code = region_code")
    op.execute("UPDATE complaints SET next_due = CASE status WHEN 'registered' THEN acceptance_due "
               "WHEN 'accepted' THEN conclusion_due WHEN 'in_progress' THEN conclusion_due END")
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.alter_column('handling_region_code', existing_type=sa.String(length=6), nullable=False)
        batch_op.alter_column('review_stage', server_default=None)

    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaint_events_eventkind'), type_='check')
        batch_op.create_check_constraint('eventkind', _check('kind', NEW_KINDS))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=False, server_default=''))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('email', server_default=None)



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email')

    op.execute("DELETE FROM complaint_events WHERE kind IN ('review_decided', 'assigned', 'linked', 'reward')")
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaint_events_eventkind'), type_='check')
        batch_op.create_check_constraint('eventkind', _check('kind', OLD_KINDS))

    op.execute("UPDATE complaints SET status = 'concluded' WHERE status = 'under_review'")
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaints_status'), type_='check')
        batch_op.create_check_constraint('status', _check('status', OLD_STATUSES))
        batch_op.drop_constraint(batch_op.f('fk_complaints_assignee_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_complaints_duplicate_of_id_complaints'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_complaints_handling_region_code_regions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_complaints_next_due'))
        batch_op.drop_index(batch_op.f('ix_complaints_handling_region_code'))
        batch_op.drop_index(batch_op.f('ix_complaints_duplicate_of_id'))
        batch_op.drop_index(batch_op.f('ix_complaints_assignee_id'))
        batch_op.drop_column('duplicate_of_id')
        batch_op.drop_column('assignee_id')
        batch_op.drop_column('next_due')
        batch_op.drop_column('review_decision_due')
        batch_op.drop_constraint(op.f('ck_complaints_reviewstage'), type_='check')
        batch_op.drop_column('review_stage')
        batch_op.drop_column('handling_region_code')

    op.drop_table('rewards')
    op.drop_table('notifications_sent')
    with op.batch_alter_table('identity_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_requests_requester_id'))
        batch_op.drop_index(batch_op.f('ix_identity_requests_complaint_id'))

    op.drop_table('identity_requests')
