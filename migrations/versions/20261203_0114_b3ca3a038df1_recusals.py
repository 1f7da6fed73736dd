"""Recusal (回避): declarations of a direct interest in a case; the workflow engine refuses the
person every step on it from then on.

Revision ID: b3ca3a038df1
Revises: a41c7e2b9d10
Create Date: 2026-12-03 01:14:04.493457+00:00

"""
import sqlalchemy as sa
from alembic import op

import portal.db


# revision identifiers, used by Alembic.
revision = 'b3ca3a038df1'
down_revision = 'a41c7e2b9d10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('recusals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('object_type', sa.String(length=32), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=40), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('declared_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_recusals_region_code_regions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recusals_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recusals')),
    sa.UniqueConstraint('object_type', 'object_id', 'user_id', name=op.f('uq_recusals_object_type_object_id_user_id'))
    )
    with op.batch_alter_table('recusals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recusals_object_id'), ['object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recusals_region_code'), ['region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_recusals_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('recusals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recusals_user_id'))
        batch_op.drop_index(batch_op.f('ix_recusals_region_code'))
        batch_op.drop_index(batch_op.f('ix_recusals_object_id'))

    op.drop_table('recusals')
