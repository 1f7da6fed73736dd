"""Complaints: a keyed hash of a named reporter's phone (to warn at intake of cases made final by
a 复核, 信访工作条例 art. 36), and timeline kinds named by stage for the 复核's request and decision.

Older cases keep no digest (the phone is sealed and the web hosts cannot open it), so the warning
finds them only through the institution. Downgrading turns the 复核 entries back into the review
kinds they were recorded as before this revision.

Revision ID: 335cf2ef1ae4
Revises: 3b3950875181
Create Date: 2026-12-03 00:32:01.828410+00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '335cf2ef1ae4'
down_revision = '3b3950875181'
branch_labels = None
depends_on = None

OLD_KINDS = ("registered", "accepted", "not_accepted", "transferred", "extended", "concluded", "archived",
             "supplement", "message_to_reporter", "rated", "review_requested", "in_progress", "supervision",
             "note", "review_decided", "assigned", "linked", "reward")
NEW_KINDS = OLD_KINDS + ("re_review_requested", "re_review_decided")


def _check(values):
    return "kind IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reporter_digest', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_complaints_reporter_digest'), ['reporter_digest'], unique=False)
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaint_events_eventkind'), type_='check')
        batch_op.create_check_constraint('eventkind', _check(NEW_KINDS))


def downgrade():
    events = sa.table("complaint_events", sa.column("kind", sa.String))
    op.execute(events.update().where(events.c.kind == "re_review_requested").values(kind="review_requested"))
    op.execute(events.update().where(events.c.kind == "re_review_decided").values(kind="review_decided"))
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaint_events_eventkind'), type_='check')
        batch_op.create_check_constraint('eventkind', _check(OLD_KINDS))
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaints_reporter_digest'))
        batch_op.drop_column('reporter_digest')
