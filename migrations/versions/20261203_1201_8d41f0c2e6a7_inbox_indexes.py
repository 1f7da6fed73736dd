"""Indexes for the staff inbox at millions of complaints: counts per state from the index alone
(`ix_complaints_inbox_counts`, carrying the other filters' columns on PostgreSQL) and the page in
deadline order without sorting the jurisdiction's cases (`ix_complaints_inbox_order`).

Revision ID: 8d41f0c2e6a7
Revises: 3c5e7a91b2d4
Create Date: 2026-12-03 12:25:00.000000+00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '8d41f0c2e6a7'
down_revision = '3c5e7a91b2d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index('ix_complaints_inbox_counts', ['region_code', 'status', 'next_due'], unique=False,
                              postgresql_include=['category', 'source', 'assignee_id', 'handling_region_code'])
        batch_op.create_index('ix_complaints_inbox_order', ['region_code', 'next_due', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_inbox_order')
        batch_op.drop_index('ix_complaints_inbox_counts')
