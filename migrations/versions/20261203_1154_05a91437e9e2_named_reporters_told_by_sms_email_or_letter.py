"""A named reporter is told by SMS, email or letter: `complaints.notify_channel` and the contact
under the data key (`notify_contact_encrypted`, replacing `notify_email_encrypted`, whose addresses
become the email channel's); the print queue of letters (`letters`); a timeline kind for a posted
letter; the national row of the rule `letter_posting`.

Downgrading keeps the email contacts (as `notify_email_encrypted`) and drops SMS and letter
choices, the print queue and the posted-letter entries (they become internal notes).

Revision ID: 05a91437e9e2
Revises: 6ea6fa56e1ba
Create Date: 2026-12-03 11:47:06.342115+00:00

"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

import portal.db

# revision identifiers, used by Alembic.
revision = '05a91437e9e2'
down_revision = "6ea6fa56e1ba"
branch_labels = None
depends_on = None

OLD_KINDS = ("registered", "accepted", "not_accepted", "transferred", "extended", "concluded", "archived",
             "supplement", "message_to_reporter", "rated", "review_requested", "in_progress", "supervision",
             "note", "review_decided", "assigned", "linked", "reward", "re_review_requested", "re_review_decided",
             "extension_requested", "extension_refused", "returned", "referred", "reply_delivered", "hotline_urged")
NEW_KINDS = OLD_KINDS + ("letter_posted",)
complaints = sa.table("complaints", sa.column("notify_email_encrypted", sa.LargeBinary),
                      sa.column("notify_contact_encrypted", sa.LargeBinary), sa.column("notify_channel", sa.String))
events = sa.table("complaint_events", sa.column("kind", sa.String))
rule_changes = sa.table("rule_changes", sa.column("name", sa.String), sa.column("scope", sa.String),
                        sa.column("value", sa.String), sa.column("effective_from", portal.db.UTCDateTime),
                        sa.column("actor", sa.String), sa.column("reason", sa.Text))
RULES = (("letter_posting", "3"),)


def _kinds(kinds):
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaint_events_eventkind'), type_='check')
        batch_op.create_check_constraint('eventkind', "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")")


def upgrade():
    op.create_table('letters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('posted_on', sa.Date(), nullable=True),
    sa.Column('registered_number', sa.String(length=13), nullable=True),
    sa.Column('posted_by_id', sa.Integer(), nullable=True),
    sa.Column('posted_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_letters_complaint_id_complaints')),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_letters_notice_id_notices')),
    sa.ForeignKeyConstraint(['posted_by_id'], ['users.id'], name=op.f('fk_letters_posted_by_id_users')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_letters_region_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letters')),
    sa.UniqueConstraint('notice_id', name=op.f('uq_letters_notice_id'))
    )
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letters_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_letters_posted_on'), ['posted_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_letters_region_code'), ['region_code'], unique=False)

    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_channel', sa.Enum('sms', 'email', 'letter', name='notifychannel',
                                                                native_enum=False, create_constraint=True, length=8),
                                      nullable=True))
        batch_op.add_column(sa.Column('notify_contact_encrypted', sa.LargeBinary(), nullable=True))
    op.execute(complaints.update().where(complaints.c.notify_email_encrypted.is_not(None)).values(
        notify_contact_encrypted=complaints.c.notify_email_encrypted, notify_channel="email"))
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_column('notify_email_encrypted')
    _kinds(NEW_KINDS)
    since = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
    op.bulk_insert(rule_changes, [{"name": name, "scope": "", "value": value, "effective_from": since,
                                   "actor": "system", "reason": "national default"} for name, value in RULES])


def downgrade():
    op.execute(rule_changes.delete().where(rule_changes.c.name.in_([name for name, _ in RULES])))
    op.execute(events.update().where(events.c.kind == "letter_posted").values(kind="note"))
    _kinds(OLD_KINDS)
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_email_encrypted', sa.LargeBinary(), nullable=True))
    op.execute(complaints.update().where(complaints.c.notify_channel == "email").values(
        notify_email_encrypted=complaints.c.notify_contact_encrypted))
    # The channel's check constraint is there on PostgreSQL, and on SQLite once a later migration
    # rebuilt the table (a rebuild keeps it): drop it with the column, where it is.
    checks = {c["name"] for c in sa.inspect(op.get_bind()).get_check_constraints("complaints")}
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        if "ck_complaints_notifychannel" in checks:
            batch_op.drop_constraint(op.f("ck_complaints_notifychannel"), type_="check")
        batch_op.drop_column('notify_contact_encrypted')
        batch_op.drop_column('notify_channel')

    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letters_region_code'))
        batch_op.drop_index(batch_op.f('ix_letters_posted_on'))
        batch_op.drop_index(batch_op.f('ix_letters_complaint_id'))

    op.drop_table('letters')
