"""Complaints, their timeline, evidence files and case-number counters.

Revision ID: 993d817c2a3c
Revises: c295ab42751b
Create Date: 2026-11-22 04:42:37.519124+00:00

"""
from alembic import op
import sqlalchemy as sa

import portal.db


# revision identifiers, used by Alembic.
revision = '993d817c2a3c'
down_revision = 'c295ab42751b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_counters',
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('prefix', name=op.f('pk_case_counters'))
    )
    op.create_table('complaints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_number', sa.String(length=24), nullable=False),
    sa.Column('receipt_digest', sa.String(length=64), nullable=False),
    sa.Column('form_token_digest', sa.String(length=64), nullable=True),
    sa.Column('receipt_replay', sa.LargeBinary(), nullable=True),
    sa.Column('source', sa.Enum('online', 'phone', 'letter', 'visit', 'hotline_12345', 'supervisor', name='source', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('status', sa.Enum('registered', 'accepted', 'not_accepted', 'transferred', 'in_progress', 'concluded', 'archived', name='status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('category', sa.Enum('unlicensed', 'false_deregistration', 'nonprofit_for_profit', 'prepayment', 'fees_refunds', 'beyond_standards', 'forbidden_times', 'unqualified_staff', 'materials', 'competitions', 'advertising', 'disguised', 'safety', 'not_on_platform', 'other', name='category', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=True),
    sa.Column('institution_name', sa.String(length=200), nullable=False),
    sa.Column('institution_address', sa.String(length=300), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=True),
    sa.Column('ongoing', sa.Boolean(), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('reporter_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('notify_email_encrypted', sa.LargeBinary(), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('acceptance_due', sa.Date(), nullable=False),
    sa.Column('conclusion_due', sa.Date(), nullable=True),
    sa.Column('due_provisional', sa.Boolean(), nullable=False),
    sa.Column('replied_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rating', sa.Enum('satisfied', 'basically_satisfied', 'unsatisfied', name='rating', native_enum=False, create_constraint=True, length=24), nullable=True),
    sa.Column('review_requested_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("institution_id IS NOT NULL OR institution_name <> ''", name=op.f('ck_complaints_institution')),
    sa.CheckConstraint('anonymous OR reporter_sealed IS NOT NULL', name=op.f('ck_complaints_named_reporter_sealed')),
    sa.CheckConstraint('ongoing OR occurred_on IS NOT NULL', name=op.f('ck_complaints_when')),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], name=op.f('fk_complaints_institution_id_institutions')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_complaints_region_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaints')),
    sa.UniqueConstraint('case_number', name=op.f('uq_complaints_case_number')),
    sa.UniqueConstraint('form_token_digest', name=op.f('uq_complaints_form_token_digest')),
    sa.UniqueConstraint('receipt_digest', name=op.f('uq_complaints_receipt_digest'))
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaints_institution_id'), ['institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_region_code'), ['region_code'], unique=False)

    op.create_table('complaint_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('registered', 'accepted', 'not_accepted', 'transferred', 'extended', 'concluded', 'archived', 'supplement', 'message_to_reporter', 'rated', 'review_requested', name='eventkind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_events_complaint_id_complaints')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_events'))
    )
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_events_complaint_id'), ['complaint_id'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=40), nullable=False),
    sa.Column('media_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('ciphertext', sa.LargeBinary(), nullable=False),
    sa.Column('wrapped_key', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('size > 0', name=op.f('ck_attachments_size')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_attachments_complaint_id_complaints')),
    sa.ForeignKeyConstraint(['event_id'], ['complaint_events.id'], name=op.f('fk_attachments_event_id_complaint_events')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_event_id'), ['event_id'], unique=False)



def downgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_event_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_complaint_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_events_complaint_id'))

    op.drop_table('complaint_events')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaints_region_code'))
        batch_op.drop_index(batch_op.f('ix_complaints_institution_id'))

    op.drop_table('complaints')
    op.drop_table('case_counters')
