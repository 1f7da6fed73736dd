"""discretion criteria and blacklist validity

A benchmark line says when it applies (裁量情形); a blacklist entry may carry the last day of its
validity, after which it comes up for review.

Revision ID: 61a2425a067a
Revises: e696bec6d768
Create Date: 2026-12-03 07:10:17.602632+00:00

"""
from alembic import op
import sqlalchemy as sa

import portal.db


# revision identifiers, used by Alembic.
revision = '61a2425a067a'
down_revision = 'e696bec6d768'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('blacklist_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('valid_until', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_blacklist_entries_valid_until'), ['valid_until'], unique=False)

    with op.batch_alter_table('discretion_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('criteria', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('discretion_rules', schema=None) as batch_op:
        batch_op.alter_column('criteria', server_default=None)



def downgrade():
    with op.batch_alter_table('discretion_rules', schema=None) as batch_op:
        batch_op.drop_column('criteria')

    with op.batch_alter_table('blacklist_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_blacklist_entries_valid_until'))
        batch_op.drop_column('valid_until')

