"""An index for the inbox's case-number filter (a number or its start: `case_number LIKE
'330482-2026%'`): at two million complaints the filter read every case of the jurisdiction,
88 ms for a county and 643 ms for a city, as the unique index on the column gives `LIKE` no
range under a non-C collation. In pattern ops on PostgreSQL, the filter is an index range.

Revision ID: d86ad6d2cc9f
Revises: e41a7c9d2b36
Create Date: 2026-12-03 17:00:00.000000+00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd86ad6d2cc9f'
down_revision = 'e41a7c9d2b36'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index('ix_complaints_case_number_prefix', ['case_number'], unique=False,
                              postgresql_ops={'case_number': 'varchar_pattern_ops'})


def downgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_case_number_prefix')
