"""The institution's registered contact (联系人): person, mobile number and email, kept by registry
officers, recorded in the versions and never shown publicly; empty for every institution already there.

Revision ID: b7c1e2a4d901
Revises: 07e8db7704dd
Create Date: 2026-12-03 11:40:00.000000+00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7c1e2a4d901'
down_revision = "07e8db7704dd"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('institutions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_person', sa.String(length=50), server_default='', nullable=False))
        batch_op.add_column(sa.Column('contact_mobile', sa.String(length=11), server_default='', nullable=False))
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('institutions', schema=None) as batch_op:
        batch_op.drop_column('contact_email')
        batch_op.drop_column('contact_mobile')
        batch_op.drop_column('contact_person')
