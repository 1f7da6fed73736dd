"""The discretion benchmark per province: `discretion_rules.scope` ("" national, else the province's
two-digit code prefix), one line per scope × violation × circumstance. Every line already stored
becomes national.

Downgrading deletes the provinces' own lines (the national benchmark applies everywhere again).

Revision ID: 58f080590d06
Revises: 467234e1c99a
Create Date: 2026-12-03 08:26:19.592122+00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '58f080590d06'
down_revision = '467234e1c99a'
branch_labels = None
depends_on = None

rules = sa.table("discretion_rules", sa.column("scope", sa.String))


def upgrade():
    with op.batch_alter_table('discretion_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope', sa.String(length=2), server_default='', nullable=False))
        batch_op.drop_constraint(batch_op.f('uq_discretion_rules_violation_circumstance'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_discretion_rules_scope_violation_circumstance'),
                                          ['scope', 'violation', 'circumstance'])


def downgrade():
    op.execute(rules.delete().where(rules.c.scope != ""))
    with op.batch_alter_table('discretion_rules', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_discretion_rules_scope_violation_circumstance'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_discretion_rules_violation_circumstance'),
                                          ['violation', 'circumstance'])
        batch_op.drop_column('scope')
