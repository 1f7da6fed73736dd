"""The complaint's states follow the mediation track: three timeline kinds (accepted for mediation,
mediation ended with a written result, handled again because the agreed money did not arrive) and
the day a dispute was reopened (`mediation_cases.reopened_on`, a new mediation period from then).

Downgrading turns the three kinds into internal notes and drops the day.

Revision ID: a4c9e7d2b618
Revises: 8d41f0c2e6a7
Create Date: 2026-12-03 15:00:00+00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a4c9e7d2b618'
down_revision = '8d41f0c2e6a7'
branch_labels = None
depends_on = None

OLD_KINDS = ("registered", "accepted", "not_accepted", "transferred", "extended", "concluded", "archived",
             "supplement", "message_to_reporter", "rated", "review_requested", "in_progress", "supervision",
             "note", "review_decided", "assigned", "linked", "reward", "re_review_requested", "re_review_decided",
             "extension_requested", "extension_refused", "returned", "referred", "reply_delivered", "hotline_urged",
             "letter_posted", "follow_up", "reopened")
ADDED = ("mediation_taken", "mediation_ended", "mediation_reopened")
events = sa.table("complaint_events", sa.column("kind", sa.String))


def _kinds(kinds):
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaint_events_eventkind'), type_='check')
        batch_op.create_check_constraint('eventkind', "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")")


def upgrade():
    _kinds(OLD_KINDS + ADDED)
    with op.batch_alter_table('mediation_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reopened_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('mediation_cases', schema=None) as batch_op:
        batch_op.drop_column('reopened_on')
    op.execute(events.update().where(events.c.kind.in_(ADDED)).values(kind="note"))
    _kinds(OLD_KINDS)
