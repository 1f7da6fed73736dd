"""Regions (GB/T 2260) and the institutions registry.

Revision ID: c295ab42751b
Revises: 
Create Date: 2026-11-22 04:23:38.643776+00:00

"""
import sqlalchemy as sa
from alembic import op

import portal.db


# revision identifiers, used by Alembic.
revision = 'c295ab42751b'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('regions',
    sa.Column('code', sa.String(length=6), nullable=False),
    sa.Column('name_zh', sa.String(length=64), nullable=False),
    sa.Column('name_en', sa.String(length=128), nullable=False),
    sa.Column('level', sa.Enum('province', 'prefecture', 'county', name='regionlevel', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('parent_code', sa.String(length=6), nullable=True),
    sa.Column('path_zh', sa.String(length=200), nullable=False),
    sa.Column('path_en', sa.String(length=400), nullable=False),
    sa.Column('current', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['parent_code'], ['regions.code'], name=op.f('fk_regions_parent_code_regions')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_regions'))
    )
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_regions_parent_code'), ['parent_code'], unique=False)

    op.create_table('institutions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=True),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.Enum('subject', 'arts', 'sports', 'technology', 'other', name='institutionkind', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('licence_number', sa.String(length=64), nullable=True),
    sa.Column('licence_status', sa.Enum('valid', 'expired', 'suspended', 'revoked', 'none', name='licencestatus', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('registration_type', sa.Enum('business', 'civil', 'none', name='registrationtype', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('on_national_platform', sa.Boolean(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("licence_status = 'none' OR licence_number IS NOT NULL", name=op.f('ck_institutions_licence_number')),
    sa.CheckConstraint('uscc IS NULL OR length(uscc) = 18', name=op.f('ck_institutions_uscc_length')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_institutions_region_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_institutions')),
    sa.UniqueConstraint('uscc', name=op.f('uq_institutions_uscc'))
    )
    with op.batch_alter_table('institutions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_institutions_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_institutions_region_code'), ['region_code'], unique=False)



def downgrade():
    with op.batch_alter_table('institutions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_institutions_region_code'))
        batch_op.drop_index(batch_op.f('ix_institutions_name'))

    op.drop_table('institutions')
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regions_parent_code'))

    op.drop_table('regions')
