"""The statistics' aggregates: `stats_records` (what each counted record contributes) and
`stats_cells` (counts, cell-key sums and published counts per county × month × figure × bucket),
kept current with every commit. After upgrading, `flask --app portal stats rebuild` fills them
from the records already stored (README, "Upgrading").

Revision ID: 6ea6fa56e1ba
Revises: 983d4e1b045a
Create Date: 2026-12-03 11:53:10.377114+00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '6ea6fa56e1ba'
down_revision = "983d4e1b045a"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stats_cells',
                    sa.Column('county', sa.String(length=12), nullable=False),
                    sa.Column('month', sa.String(length=7), nullable=False),
                    sa.Column('figure', sa.String(length=24), nullable=False),
                    sa.Column('bucket', sa.String(length=32), nullable=False),
                    sa.Column('count', sa.Integer(), nullable=False),
                    sa.Column('key_high', sa.BigInteger(), nullable=False),
                    sa.Column('key_low', sa.BigInteger(), nullable=False),
                    sa.Column('published', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('county', 'month', 'figure', 'bucket', name=op.f('pk_stats_cells')))
    op.create_index('ix_stats_cells_month', 'stats_cells', ['month'], unique=False)
    op.create_table('stats_records',
                    sa.Column('kind', sa.String(length=12), nullable=False),
                    sa.Column('record_id', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('county', sa.String(length=12), nullable=False),
                    sa.Column('facts', sa.Text(), nullable=False),
                    sa.PrimaryKeyConstraint('kind', 'record_id', name=op.f('pk_stats_records')))


def downgrade():
    op.drop_table('stats_records')
    op.drop_index('ix_stats_cells_month', table_name='stats_cells')
    op.drop_table('stats_cells')
