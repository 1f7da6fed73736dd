"""The review period counts from the day the written reply reached the reporter (送达, 信访工作条例
art. 35): the day and how it was received, and a timeline kind for a delivery staff record.

Cases replied to before this revision are taken to have received the reply on the day it was made
(how: "reply_date"), as the period was counted until now. Downgrading drops what was recorded and
turns recorded deliveries into internal notes.

Revision ID: 80028ba689d1
Revises: 86a81d574b23
Create Date: 2026-12-03 07:10:09.647478+00:00

"""
import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '80028ba689d1'
down_revision = '86a81d574b23'
branch_labels = None
depends_on = None

OLD_KINDS = ("registered", "accepted", "not_accepted", "transferred", "extended", "concluded", "archived",
             "supplement", "message_to_reporter", "rated", "review_requested", "in_progress", "supervision",
             "note", "review_decided", "assigned", "linked", "reward", "re_review_requested", "re_review_decided",
             "extension_requested", "extension_refused", "returned", "referred")
NEW_KINDS = OLD_KINDS + ("reply_delivered",)
ZONE = ZoneInfo("Asia/Shanghai")  # the portal's timezone (portal.clock), where days are counted

complaints = sa.table("complaints", sa.column("id", sa.Integer), sa.column("replied_at", sa.DateTime(timezone=True)),
                      sa.column("reply_received_on", sa.Date), sa.column("reply_received_how", sa.String))
events = sa.table("complaint_events", sa.column("kind", sa.String))


def _kinds(kinds):
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaint_events_eventkind'), type_='check')
        batch_op.create_check_constraint('eventkind', "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")")


def _local_day(moment):
    if isinstance(moment, str):  # SQLite without type information
        moment = dt.datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(ZONE).date()


def upgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_received_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('reply_received_how', sa.Enum(
            'tracking_page', 'post', 'in_person', 'reply_date', name='replydelivery', native_enum=False,
            create_constraint=True, length=16), nullable=True))
    _kinds(NEW_KINDS)
    connection = op.get_bind()
    replied = connection.execute(sa.select(complaints.c.id, complaints.c.replied_at)
                                 .where(complaints.c.replied_at.is_not(None))).all()
    for case_id, replied_at in replied:
        connection.execute(complaints.update().where(complaints.c.id == case_id).values(
            reply_received_on=_local_day(replied_at), reply_received_how="reply_date"))


def downgrade():
    op.execute(events.update().where(events.c.kind == "reply_delivered").values(kind="note"))
    _kinds(OLD_KINDS)
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaints_replydelivery'), type_='check')
        batch_op.drop_column('reply_received_how')
        batch_op.drop_column('reply_received_on')
