"""An index for the cases nobody is handling (`escalation.waiting_for`, read on every inbox
page): at two million complaints the query (unassigned, in a handling state, under the officer's
prefix for both the case's county and its office) read every unassigned open case of the
province, 950 ms for a county. Partial (unassigned cases only), by state and the two region
prefixes; on PostgreSQL in pattern ops, so `LIKE '330482%'` is an index range under a non-C
collation.

Revision ID: e41a7c9d2b36
Revises: b29c42bfdc5e
Create Date: 2026-12-03 16:20:00.000000+00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e41a7c9d2b36'
down_revision = 'b29c42bfdc5e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index('ix_complaints_unassigned', ['status', 'region_code', 'handling_region_code'],
                              unique=False, postgresql_ops={'region_code': 'varchar_pattern_ops',
                                                            'handling_region_code': 'varchar_pattern_ops'},
                              postgresql_where=sa.text('assignee_id IS NULL'),
                              sqlite_where=sa.text('assignee_id IS NULL'))


def downgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_unassigned')
