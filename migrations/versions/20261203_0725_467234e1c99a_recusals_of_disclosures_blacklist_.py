"""Recusal beyond cases: disclosures, blacklist entries and identity requests (the object types
need no schema). A declaration a colleague records for someone else waits for a second person:
who recorded it, who confirmed it and when it took effect. Earlier declarations were each the
person's own and took effect when declared.

Revision ID: 467234e1c99a
Revises: 80028ba689d1
Create Date: 2026-12-03 07:25:00.000000+00:00

"""
import sqlalchemy as sa
from alembic import op

import portal.db

# revision identifiers, used by Alembic.
revision = '467234e1c99a'
down_revision = '80028ba689d1'
branch_labels = None
depends_on = None

recusals = sa.table("recusals", sa.column("user_id", sa.Integer), sa.column("recorded_by_id", sa.Integer),
                    sa.column("declared_at", portal.db.UTCDateTime()), sa.column("confirmed_at", portal.db.UTCDateTime()))


def upgrade():
    with op.batch_alter_table('recusals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorded_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('confirmed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('confirmed_at', portal.db.UTCDateTime(), nullable=True))
    op.execute(recusals.update().values(recorded_by_id=recusals.c.user_id, confirmed_at=recusals.c.declared_at))
    with op.batch_alter_table('recusals', schema=None) as batch_op:
        batch_op.alter_column('recorded_by_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_recusals_recorded_by_id_users'), 'users', ['recorded_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_recusals_confirmed_by_id_users'), 'users', ['confirmed_by_id'], ['id'])
        batch_op.create_check_constraint(
            'second_person', "recorded_by_id = user_id OR confirmed_at IS NULL OR confirmed_by_id IS NOT NULL")
        batch_op.create_check_constraint(
            'confirmer_is_a_third',
            "confirmed_by_id IS NULL OR (confirmed_by_id <> recorded_by_id AND confirmed_by_id <> user_id)")


def downgrade():
    # Declarations still waiting for a second person never took effect: they go.
    op.execute(recusals.delete().where(recusals.c.confirmed_at.is_(None)))
    with op.batch_alter_table('recusals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_recusals_confirmer_is_a_third'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_recusals_second_person'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_recusals_confirmed_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_recusals_recorded_by_id_users'), type_='foreignkey')
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('confirmed_by_id')
        batch_op.drop_column('recorded_by_id')
