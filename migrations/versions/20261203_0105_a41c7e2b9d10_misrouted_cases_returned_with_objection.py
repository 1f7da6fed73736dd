"""Misrouted cases (信访工作条例 art. 23): a case can arrive from another office (a new source), and
a case transferred in can be returned with an objection (a new status and timeline kind).

Downgrading turns returned cases back into transferred ones (the closest state the previous
revision knows), their timeline entries into transfers, and cases from another office into 12345
transfers.

Revision ID: a41c7e2b9d10
Revises: f9d7667e8203
Create Date: 2026-12-03 01:05:00.000000+00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a41c7e2b9d10'
down_revision = 'f9d7667e8203'
branch_labels = None
depends_on = None

OLD_SOURCES = ("online", "phone", "letter", "visit", "hotline_12345", "supervisor")
NEW_SOURCES = OLD_SOURCES + ("other_office",)
OLD_STATUSES = ("registered", "accepted", "not_accepted", "transferred", "in_progress", "concluded", "archived",
                "under_review")
NEW_STATUSES = OLD_STATUSES + ("returned",)
OLD_KINDS = ("registered", "accepted", "not_accepted", "transferred", "extended", "concluded", "archived",
             "supplement", "message_to_reporter", "rated", "review_requested", "in_progress", "supervision",
             "note", "review_decided", "assigned", "linked", "reward", "re_review_requested", "re_review_decided",
             "extension_requested", "extension_refused")
NEW_KINDS = OLD_KINDS + ("returned",)

complaints = sa.table("complaints", sa.column("status", sa.String), sa.column("source", sa.String))
events = sa.table("complaint_events", sa.column("kind", sa.String))


def _check(column, values):
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def _constraints(sources, statuses, kinds):
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaints_source'), type_='check')
        batch_op.create_check_constraint('source', _check('source', sources))
        batch_op.drop_constraint(op.f('ck_complaints_status'), type_='check')
        batch_op.create_check_constraint('status', _check('status', statuses))
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaint_events_eventkind'), type_='check')
        batch_op.create_check_constraint('eventkind', _check('kind', kinds))


def upgrade():
    _constraints(NEW_SOURCES, NEW_STATUSES, NEW_KINDS)


def downgrade():
    op.execute(complaints.update().where(complaints.c.status == "returned").values(status="transferred"))
    op.execute(complaints.update().where(complaints.c.source == "other_office").values(source="hotline_12345"))
    op.execute(events.update().where(events.c.kind == "returned").values(kind="transferred"))
    _constraints(OLD_SOURCES, OLD_STATUSES, OLD_KINDS)
