"""written notices: the documents issued at a case's steps, kept as issued (triggers refuse UPDATE and
DELETE), their number counters, each office's settings, and replies waiting for a second sign-off

Revision ID: 86a81d574b23
Revises: 544258eb0053
Create Date: 2026-12-03 07:09:31.969154+00:00

"""
from alembic import op
import sqlalchemy as sa

import portal.db


# revision identifiers, used by Alembic.
revision = '86a81d574b23'
down_revision = '544258eb0053'
branch_labels = None
depends_on = None


AS_ISSUED = {
    "postgresql": [
        "CREATE OR REPLACE FUNCTION notices_as_issued() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'notices are kept as issued'; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER notices_no_update BEFORE UPDATE OR DELETE ON notices "
        "FOR EACH ROW EXECUTE FUNCTION notices_as_issued()",
    ],
    "sqlite": [
        "CREATE TRIGGER notices_no_update BEFORE UPDATE ON notices "
        "BEGIN SELECT RAISE(ABORT, 'notices are kept as issued'); END",
        "CREATE TRIGGER notices_no_delete BEFORE DELETE ON notices "
        "BEGIN SELECT RAISE(ABORT, 'notices are kept as issued'); END",
    ],
}


def upgrade():
    op.create_table('notice_counters',
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_notice_counters_region_code_regions')),
    sa.PrimaryKeyConstraint('region_code', 'year', name=op.f('pk_notice_counters'))
    )
    op.create_table('notice_settings',
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('authority', sa.String(length=100), nullable=False),
    sa.Column('short_name', sa.String(length=20), nullable=False),
    sa.Column('number_pattern', sa.String(length=60), nullable=False),
    sa.Column('second_signoff', sa.Boolean(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_notice_settings_region_code_regions')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_notice_settings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('region_code', name=op.f('pk_notice_settings'))
    )
    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('authority', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=40), nullable=False),
    sa.Column('number', sa.String(length=80), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('issued_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_notices_complaint_id_complaints')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_notices_issued_by_id_users')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_notices_region_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    sa.UniqueConstraint('region_code', 'number', name=op.f('uq_notices_region_code_number'))
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notices_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notices_region_code'), ['region_code'], unique=False)

    for statement in AS_ISSUED.get(op.get_bind().dialect.name, []):
        op.execute(statement)

    op.create_table('reply_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('administrative', sa.Boolean(), nullable=False),
    sa.Column('state', sa.Enum('waiting', 'issued', 'returned', name='draftstate', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('drafted_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('decided_by_id IS NULL OR decided_by_id <> drafted_by_id', name=op.f('ck_reply_drafts_four_eyes')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_reply_drafts_complaint_id_complaints')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_reply_drafts_decided_by_id_users')),
    sa.ForeignKeyConstraint(['drafted_by_id'], ['users.id'], name=op.f('fk_reply_drafts_drafted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_drafts'))
    )
    with op.batch_alter_table('reply_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reply_drafts_complaint_id'), ['complaint_id'], unique=False)



def downgrade():
    with op.batch_alter_table('reply_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reply_drafts_complaint_id'))

    op.drop_table('reply_drafts')
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notices_region_code'))
        batch_op.drop_index(batch_op.f('ix_notices_complaint_id'))

    op.drop_table('notices')  # its triggers with it
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS notices_as_issued()")
    op.drop_table('notice_settings')
    op.drop_table('notice_counters')
