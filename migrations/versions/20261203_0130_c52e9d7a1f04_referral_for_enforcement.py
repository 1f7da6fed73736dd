"""转办 and 移送 kept apart: a case referred for enforcement (移送: an enforcement matter, or a
suspected crime to the police with a copy to the procuratorate) has its own status and timeline kind.

Downgrading turns referred cases and their entries back into transfers, the only hand-over the
previous revision knows.

Revision ID: c52e9d7a1f04
Revises: b3ca3a038df1
Create Date: 2026-12-03 01:30:00.000000+00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c52e9d7a1f04'
down_revision = 'b3ca3a038df1'
branch_labels = None
depends_on = None

OLD_STATUSES = ("registered", "accepted", "not_accepted", "transferred", "in_progress", "concluded", "archived",
                "under_review", "returned")
NEW_STATUSES = OLD_STATUSES + ("referred",)
OLD_KINDS = ("registered", "accepted", "not_accepted", "transferred", "extended", "concluded", "archived",
             "supplement", "message_to_reporter", "rated", "review_requested", "in_progress", "supervision",
             "note", "review_decided", "assigned", "linked", "reward", "re_review_requested", "re_review_decided",
             "extension_requested", "extension_refused", "returned")
NEW_KINDS = OLD_KINDS + ("referred",)

complaints = sa.table("complaints", sa.column("status", sa.String))
events = sa.table("complaint_events", sa.column("kind", sa.String))


def _check(column, values):
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def _constraints(statuses, kinds):
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaints_status'), type_='check')
        batch_op.create_check_constraint('status', _check('status', statuses))
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaint_events_eventkind'), type_='check')
        batch_op.create_check_constraint('eventkind', _check('kind', kinds))


def upgrade():
    _constraints(NEW_STATUSES, NEW_KINDS)


def downgrade():
    op.execute(complaints.update().where(complaints.c.status == "referred").values(status="transferred"))
    op.execute(events.update().where(events.c.kind == "referred").values(kind="transferred"))
    _constraints(OLD_STATUSES, OLD_KINDS)
