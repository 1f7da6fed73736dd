"""A signed head keeps the Merkle frontier of its tree (`audit_checkpoints.frontier`, JSON): the
next head and `audit verify --since-checkpoint` start from it instead of reading every record.
Heads signed before have none (the next head reads the whole log once).

Revision ID: 3c5e7a91b2d4
Revises: 5b8e2d4f1a63
Create Date: 2026-12-03 12:00:00.000000+00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3c5e7a91b2d4'
down_revision = "5b8e2d4f1a63"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_checkpoints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('frontier', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('audit_checkpoints', schema=None) as batch_op:
        batch_op.drop_column('frontier')
