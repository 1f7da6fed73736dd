"""Penalty disclosures and the discretion benchmark (enforcement matters catalogue).

Revision ID: 84b134ccd29d
Revises: 3bd651dc42c6
Create Date: 2026-11-22 08:27:16.172904+00:00

"""
from alembic import op
import sqlalchemy as sa

import portal.db


# revision identifiers, used by Alembic.
revision = '84b134ccd29d'
down_revision = '3bd651dc42c6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('discretion_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('violation', sa.Enum('unlicensed', 'false_deregistration', 'nonprofit_for_profit', 'prepayment', 'fees_refunds', 'beyond_standards', 'forbidden_times', 'unqualified_staff', 'materials', 'competitions', 'advertising', 'disguised', 'safety', 'not_on_platform', 'other', name='category', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('circumstance', sa.Enum('minor', 'general', 'serious', 'especially_serious', name='circumstance', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('matter', sa.String(length=200), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('level', sa.Enum('county', 'city', 'province', name='level', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('penalties', sa.String(length=300), nullable=False),
    sa.Column('fine_min', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('fine_max', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('updated_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('fine_min IS NULL OR fine_max IS NULL OR fine_min <= fine_max', name=op.f('ck_discretion_rules_fine_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discretion_rules')),
    sa.UniqueConstraint('violation', 'circumstance', name=op.f('uq_discretion_rules_violation_circumstance'))
    )
    op.create_table('disclosures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=True),
    sa.Column('complaint_id', sa.Integer(), nullable=True),
    sa.Column('party_name', sa.String(length=200), nullable=False),
    sa.Column('party_type', sa.Enum('legal_person', 'natural_person', 'individual_business', name='partytype', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=True),
    sa.Column('legal_representative', sa.String(length=50), nullable=False),
    sa.Column('decision_number', sa.String(length=100), nullable=False),
    sa.Column('violation', sa.Enum('unlicensed', 'false_deregistration', 'nonprofit_for_profit', 'prepayment', 'fees_refunds', 'beyond_standards', 'forbidden_times', 'unqualified_staff', 'materials', 'competitions', 'advertising', 'disguised', 'safety', 'not_on_platform', 'other', name='category', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('circumstance', sa.Enum('minor', 'general', 'serious', 'especially_serious', name='circumstance', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('penalties', sa.String(length=300), nullable=False),
    sa.Column('penalty_content', sa.Text(), nullable=False),
    sa.Column('fine_amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('confiscated_amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('outside_range_reason', sa.Text(), nullable=False),
    sa.Column('decision_date', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('tier', sa.Enum('minor', 'general', 'serious', name='tier', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('publication_end', sa.Date(), nullable=False),
    sa.Column('authority_name', sa.String(length=200), nullable=False),
    sa.Column('authority_uscc', sa.String(length=18), nullable=False),
    sa.Column('data_source', sa.String(length=200), nullable=False),
    sa.Column('remarks', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'in_review', 'returned', 'published', 'withdrawn', name='disclosurestate', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('drafter_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('review_comment', sa.Text(), nullable=False),
    sa.Column('reviewed_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdrawal_reason', sa.Text(), nullable=False),
    sa.Column('repair_applied_on', sa.Date(), nullable=True),
    sa.Column('repair_decision', sa.Enum('approved', 'refused', name='repairdecision', native_enum=False, create_constraint=True, length=16), nullable=True),
    sa.Column('repair_decided_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('repair_note', sa.Text(), nullable=False),
    sa.Column('ended_early_on', sa.Date(), nullable=True),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('publication_end >= decision_date', name=op.f('ck_disclosures_period')),
    sa.CheckConstraint('reviewer_id IS NULL OR reviewer_id <> drafter_id', name=op.f('ck_disclosures_reviewer_not_drafter')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_disclosures_complaint_id_complaints')),
    sa.ForeignKeyConstraint(['drafter_id'], ['users.id'], name=op.f('fk_disclosures_drafter_id_users')),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], name=op.f('fk_disclosures_institution_id_institutions')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_disclosures_region_code_regions')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_disclosures_reviewer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosures')),
    sa.UniqueConstraint('decision_number', name=op.f('uq_disclosures_decision_number'))
    )
    with op.batch_alter_table('disclosures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosures_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosures_decision_date'), ['decision_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosures_institution_id'), ['institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosures_party_name'), ['party_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosures_publication_end'), ['publication_end'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosures_region_code'), ['region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosures_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosures_uscc'), ['uscc'], unique=False)



def downgrade():
    with op.batch_alter_table('disclosures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosures_uscc'))
        batch_op.drop_index(batch_op.f('ix_disclosures_state'))
        batch_op.drop_index(batch_op.f('ix_disclosures_region_code'))
        batch_op.drop_index(batch_op.f('ix_disclosures_publication_end'))
        batch_op.drop_index(batch_op.f('ix_disclosures_party_name'))
        batch_op.drop_index(batch_op.f('ix_disclosures_institution_id'))
        batch_op.drop_index(batch_op.f('ix_disclosures_decision_date'))
        batch_op.drop_index(batch_op.f('ix_disclosures_complaint_id'))

    op.drop_table('disclosures')
    op.drop_table('discretion_rules')
