"""Server-side tracking grants (leaving ends access) and keyed digests of filed forms.

Revision ID: 9d10d38a4107
Revises: a74143708a84
Create Date: 2026-11-22 05:18:05.254249+00:00

"""
from alembic import op
import sqlalchemy as sa

import portal.db


# revision identifiers, used by Alembic.
revision = '9d10d38a4107'
down_revision = 'a74143708a84'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('tracking_grants',
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_tracking_grants_complaint_id_complaints')),
    sa.PrimaryKeyConstraint('token_digest', name=op.f('pk_tracking_grants'))
    )
    with op.batch_alter_table('tracking_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tracking_grants_complaint_id'), ['complaint_id'], unique=False)

    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form_digest', sa.String(length=64), nullable=True))



def downgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_column('form_digest')

    with op.batch_alter_table('tracking_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tracking_grants_complaint_id'))

    op.drop_table('tracking_grants')
