"""Rules kept as data (time limits, reward scales, publication period bounds, prepaid-fee advice):
the history table `rule_changes`, with the national defaults written as the system's rows in force
since 2000 (so every record already stored keeps the value it was counted with); a national
jurisdiction (the region 000000, level "country") for national administrators; publication periods
per province (`publication_periods.scope`, "" national).

Downgrading drops the provinces' periods and every rule's history, and refuses while an account's
jurisdiction is the whole country (move it first).

Revision ID: e696bec6d768
Revises: 4cf8e9e25b30
Create Date: 2026-12-03 07:11:24.437778+00:00

"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

import portal.db

# revision identifiers, used by Alembic.
revision = 'e696bec6d768'
down_revision = '4cf8e9e25b30'
branch_labels = None
depends_on = None

COUNTRY = "000000"
OLD_LEVELS = ("province", "prefecture", "county")
NEW_LEVELS = ("country",) + OLD_LEVELS
# The national defaults as this revision knows them (later rules are written by `flask rules seed`).
DEFAULTS = (
    ("acceptance", "15"),
    ("misrouted_objection", "5"),
    ("conclusion", "60"),
    ("extension_max", "30"),
    ("review_request", "30"),
    ("review_decision", "30"),
    ("re_review_request", "30"),
    ("re_review_decision", "30"),
    ("notify_named_reporter", "5"),
    ("publication", "7"),
    ("withdrawal", "3"),
    ("period_general_min", "3"),
    ("period_general_max", "12"),
    ("period_serious_min", "12"),
    ("period_serious_max", "36"),
    ("reward_grade1_rate", "5"),
    ("reward_grade1_minimum", "5000"),
    ("reward_grade2_rate", "3"),
    ("reward_grade2_minimum", "3000"),
    ("reward_grade3_rate", "1"),
    ("reward_grade3_minimum", "1000"),
    ("reward_cap", "1000000"),
    ("reward_flat_sum", "0"),
    ("reward_first_reporter_only", "no"),
    ("reward_claim", "30"),
    ("prepaid_max_months", "3"),
    ("prepaid_max_class_hours", "60"),
)
rule_changes = sa.table("rule_changes", sa.column("name", sa.String), sa.column("scope", sa.String),
                        sa.column("value", sa.String), sa.column("effective_from", portal.db.UTCDateTime),
                        sa.column("actor", sa.String), sa.column("reason", sa.Text))
regions = sa.table("regions", sa.column("code", sa.String), sa.column("name_zh", sa.String),
                   sa.column("name_en", sa.String), sa.column("level", sa.String), sa.column("parent_code", sa.String),
                   sa.column("path_zh", sa.String), sa.column("path_en", sa.String), sa.column("current", sa.Boolean))
periods = sa.table("publication_periods", sa.column("scope", sa.String))


def _levels(levels):
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_regions_regionlevel'), type_='check')
        batch_op.create_check_constraint('regionlevel', "level IN (" + ", ".join(f"'{v}'" for v in levels) + ")")


def upgrade():
    op.create_table('rule_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('scope', sa.String(length=2), nullable=False),
    sa.Column('value', sa.String(length=40), nullable=True),
    sa.Column('effective_from', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_changes'))
    )
    with op.batch_alter_table('rule_changes', schema=None) as batch_op:
        batch_op.create_index('ix_rule_changes_name_scope', ['name', 'scope', 'effective_from'], unique=False)
    since = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
    op.bulk_insert(rule_changes, [{"name": name, "scope": "", "value": value, "effective_from": since,
                                   "actor": "system", "reason": "national default"} for name, value in DEFAULTS])

    with op.batch_alter_table('publication_periods', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope', sa.String(length=2), server_default='', nullable=False))
        batch_op.drop_constraint(batch_op.f('uq_publication_periods_penalty_tier'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_publication_periods_scope_penalty_tier'),
                                          ['scope', 'penalty', 'tier'])

    _levels(NEW_LEVELS)
    # `flask regions load` writes the same row; here so that a national account can be made at once
    op.execute(regions.insert().values(code=COUNTRY, name_zh="全国", name_en="Whole country", level="country",
                                       parent_code=None, path_zh="全国", path_en="Whole country", current=True))


def downgrade():
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM users WHERE region_code = :code"), {"code": COUNTRY}).scalar():
        raise RuntimeError("accounts have the whole country as jurisdiction: move them to a province first")
    op.execute(regions.delete().where(regions.c.code == COUNTRY))
    _levels(OLD_LEVELS)

    op.execute(periods.delete().where(periods.c.scope != ""))
    with op.batch_alter_table('publication_periods', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_publication_periods_scope_penalty_tier'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_publication_periods_penalty_tier'), ['penalty', 'tier'])
        batch_op.drop_column('scope')

    with op.batch_alter_table('rule_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_rule_changes_name_scope')

    op.drop_table('rule_changes')
