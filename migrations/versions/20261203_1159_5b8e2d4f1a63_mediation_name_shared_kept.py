"""The parent's name, kept under the data key when they agreed to share it for mediation

Revision ID: 5b8e2d4f1a63
Revises: 46da42827843
Create Date: 2026-12-03 13:45:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5b8e2d4f1a63"
down_revision = "46da42827843"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mediation_name_encrypted", sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_column("mediation_name_encrypted")
