"""Reviews requested before the review stages existed go to the office above.

Before revision 3bd651dc42c6 a reporter's request for review only set `review_requested_at`; the
case stayed concluded at its county, where nobody above ever saw it. That revision added the
stages but did not move those cases. This one does what `casework.open_review` does today:
the case goes under review (stage "review") at the parent of the office that replied (the
office itself when it has no parent), unassigned, with the review decided within 30 calendar
days from the day of the request.

The period is counted here, not by importing the portal's deadline code (a migration must keep
doing what it did when it was written): the day of the request in Beijing time (UTC+8, no
daylight saving) is not counted, 30 calendar days are added, and an end on a day off moves to
the next working day (民法典 arts. 201, 203). Days off are read from the holiday table as it
stands: a listed holiday, or a Saturday or Sunday not listed as a working day. A year whose
schedule has not been entered marks the deadline provisional, as the portal does.

No audit record is written: the request itself was recorded when it was made, and the audit
chain's hashing belongs to the application. Downgrading leaves the rows under review (a valid
state at the previous revision); 3bd651dc42c6's own downgrade turns them back into concluded.

Revision ID: 223c45e5cc90
Revises: 14eac83e01b9
Create Date: 2026-11-29 15:38:07.344135+00:00

"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '223c45e5cc90'
down_revision = '14eac83e01b9'
branch_labels = None
depends_on = None

BEIJING = dt.timezone(dt.timedelta(hours=8))
REVIEW_DECISION_DAYS = 30  # 信访工作条例 art. 35, calendar days, as at this revision
# The longest run of days off (Spring Festival, National Day) is well under this.
LOOKAHEAD_DAYS = 20

complaints = sa.table(
    "complaints", sa.column("id", sa.Integer), sa.column("status", sa.String), sa.column("review_stage", sa.String),
    sa.column("review_requested_at", sa.DateTime), sa.column("handling_region_code", sa.String),
    sa.column("review_decision_due", sa.Date), sa.column("next_due", sa.Date),
    sa.column("due_provisional", sa.Boolean), sa.column("assignee_id", sa.Integer))
regions = sa.table("regions", sa.column("code", sa.String), sa.column("parent_code", sa.String))
calendar_days = sa.table("calendar_days", sa.column("day", sa.Date), sa.column("kind", sa.String))
calendar_years = sa.table("calendar_years", sa.column("year", sa.Integer))


def _local_day(moment: dt.datetime) -> dt.date:
    """The day in Beijing of a stored moment (SQLite gives it naive, in UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(BEIJING).date()


def _review_due(connection, requested: dt.date) -> tuple[dt.date, bool]:
    """The last day of the review period and whether it is provisional."""
    end = requested + dt.timedelta(days=REVIEW_DECISION_DAYS)
    last = end + dt.timedelta(days=LOOKAHEAD_DAYS)
    listed = dict(connection.execute(sa.select(calendar_days.c.day, calendar_days.c.kind).where(
        calendar_days.c.day.between(end, last))).all())
    entered = set(connection.scalars(sa.select(calendar_years.c.year).where(
        calendar_years.c.year.between(end.year, last.year))))

    def day_off(day: dt.date) -> bool:
        kind = listed.get(day)
        return kind == "holiday" or (day.weekday() >= 5 and kind != "workday")

    provisional = end.year not in entered
    while day_off(end):
        end += dt.timedelta(days=1)
        provisional = provisional or end.year not in entered
    return end, provisional


def upgrade():
    connection = op.get_bind()
    waiting = connection.execute(
        sa.select(complaints.c.id, complaints.c.review_requested_at, complaints.c.handling_region_code,
                  regions.c.parent_code, complaints.c.due_provisional)
        .select_from(complaints.outerjoin(regions, regions.c.code == complaints.c.handling_region_code))
        .where(complaints.c.status == "concluded", complaints.c.review_stage == "none",
               complaints.c.review_requested_at.is_not(None))).all()
    for complaint_id, requested_at, office, parent, was_provisional in waiting:
        due, provisional = _review_due(connection, _local_day(requested_at))
        connection.execute(complaints.update().where(complaints.c.id == complaint_id).values(
            status="under_review", review_stage="review", handling_region_code=parent or office,
            review_decision_due=due, next_due=due, assignee_id=None,
            due_provisional=bool(was_provisional) or provisional))


def downgrade():
    pass  # see the docstring: the rows stay under review, a state the previous revision knows
