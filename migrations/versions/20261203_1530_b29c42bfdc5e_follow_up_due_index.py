"""An index for the cases due a follow-up call, counted on every inbox page: at two million
complaints the count (concluded, replied, named, offline, under an office's prefix, no call that
reached since) read the whole complaints table. Partial (replied, named cases only), by state and
office prefix; on PostgreSQL the office column uses pattern ops so `LIKE '3301%'` is an index range
under a non-C collation.

Revision ID: b29c42bfdc5e
Revises: 66194b805742
Create Date: 2026-12-03 15:30:00.000000+00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b29c42bfdc5e'
down_revision = '66194b805742'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index('ix_complaints_follow_up_due', ['status', 'handling_region_code', 'replied_at'],
                              unique=False, postgresql_ops={'handling_region_code': 'varchar_pattern_ops'},
                              postgresql_where=sa.text('replied_at IS NOT NULL AND anonymous IS false'),
                              sqlite_where=sa.text('replied_at IS NOT NULL AND anonymous IS 0'))


def downgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_follow_up_due')
