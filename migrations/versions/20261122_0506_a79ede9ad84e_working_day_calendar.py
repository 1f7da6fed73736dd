"""The working-day calendar: entered years and their exceptional days.

Revision ID: a79ede9ad84e
Revises: 993d817c2a3c
Create Date: 2026-11-22 05:06:29.588517+00:00

"""
from alembic import op
import sqlalchemy as sa

import portal.db


# revision identifiers, used by Alembic.
revision = 'a79ede9ad84e'
down_revision = '993d817c2a3c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('holiday', 'workday', name='daykind', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_days'))
    )
    op.create_table('calendar_years',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('entered_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_calendar_years'))
    )


def downgrade():
    op.drop_table('calendar_years')
    op.drop_table('calendar_days')
