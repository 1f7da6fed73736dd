"""Receipt recovery (找回查询码): `receipt_recoveries`, one row per request for a new 查询码 while its
SMS code is valid (5 minutes): keyed hashes of the browser's token and of the code, the case when the
mobile and case numbers matched, the number sealed under the token for the "recovered" text.

Revision ID: 1b373c47a593
Revises: 58f080590d06
Create Date: 2026-12-03 11:50:53.073117+00:00

"""
import sqlalchemy as sa
from alembic import op

import portal.db


# revision identifiers, used by Alembic.
revision = '1b373c47a593'
down_revision = '58f080590d06'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('receipt_recoveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=True),
    sa.Column('code_digest', sa.String(length=64), nullable=False),
    sa.Column('phone_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'],
                            name=op.f('fk_receipt_recoveries_complaint_id_complaints')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receipt_recoveries')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_receipt_recoveries_token_digest'))
    )
    with op.batch_alter_table('receipt_recoveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receipt_recoveries_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_receipt_recoveries_expires_at'), ['expires_at'], unique=False)



def downgrade():
    with op.batch_alter_table('receipt_recoveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receipt_recoveries_expires_at'))
        batch_op.drop_index(batch_op.f('ix_receipt_recoveries_complaint_id'))

    op.drop_table('receipt_recoveries')
