"""Audit appends without a lock: a record gets its place in the chain (`seq`, `prev_hash`, `hash`)
from a sequencer after it is committed, not from the locked head row when it is written. The
triggers allow that one update and nothing else. Existing records keep their chain, in id order.

Revision ID: 5e9a1c3b7d21
Revises: 3de98368f910
Create Date: 2026-12-03 04:50:00.000000+00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e9a1c3b7d21'
down_revision = '3de98368f910'
branch_labels = None
depends_on = None

SEQUENCING_ONLY = ("OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.id = OLD.id AND NEW.at = OLD.at "
                   "AND NEW.actor = OLD.actor AND NEW.action = OLD.action AND NEW.object_type = OLD.object_type "
                   "AND NEW.object_id = OLD.object_id AND NEW.before = OLD.before AND NEW.after = OLD.after "
                   "AND NEW.reason = OLD.reason")
OLD_TRIGGERS = {
    "postgresql": ["DROP TRIGGER IF EXISTS audit_records_append_only ON audit_records"],
    "sqlite": ["DROP TRIGGER IF EXISTS audit_records_no_update", "DROP TRIGGER IF EXISTS audit_records_no_delete"],
}
NEW_TRIGGERS = {
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_records_sequence_once() RETURNS trigger AS $$ "
        f"BEGIN IF {SEQUENCING_ONLY} THEN RETURN NEW; END IF; "
        "RAISE EXCEPTION 'audit records are append-only'; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER audit_records_append_only BEFORE DELETE ON audit_records "
        "FOR EACH ROW EXECUTE FUNCTION audit_records_append_only()",
        "CREATE TRIGGER audit_records_sequence_once BEFORE UPDATE ON audit_records "
        "FOR EACH ROW EXECUTE FUNCTION audit_records_sequence_once()",
    ],
    "sqlite": [
        f"CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records WHEN NOT ({SEQUENCING_ONLY}) "
        "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
        "CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records "
        "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
    ],
}
BACKFILL = {
    "postgresql": "UPDATE audit_records AS a SET seq = r.rn FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn "
                  "FROM audit_records) AS r WHERE a.id = r.id",
    "sqlite": "UPDATE audit_records SET seq = (SELECT COUNT(*) FROM audit_records AS earlier "
              "WHERE earlier.id <= audit_records.id)",
}


def upgrade():
    dialect = op.get_bind().dialect.name
    for statement in OLD_TRIGGERS.get(dialect, []):
        op.execute(statement)
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=True)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_records_seq'), ['seq'])
    op.execute(BACKFILL[dialect])
    for statement in NEW_TRIGGERS.get(dialect, []):
        op.execute(statement)


OLD_RECREATE = {
    "postgresql": ["DROP TRIGGER IF EXISTS audit_records_sequence_once ON audit_records",
                   "DROP TRIGGER IF EXISTS audit_records_append_only ON audit_records",
                   "DROP FUNCTION IF EXISTS audit_records_sequence_once()",
                   "CREATE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE ON audit_records "
                   "FOR EACH ROW EXECUTE FUNCTION audit_records_append_only()"],
    "sqlite": ["DROP TRIGGER IF EXISTS audit_records_no_update", "DROP TRIGGER IF EXISTS audit_records_no_delete"],
}
OLD_SQLITE = [
    "CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
    "CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
]


def downgrade():
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT COUNT(*) FROM audit_records WHERE seq IS NULL")).scalar():
        raise RuntimeError("records are waiting to be chained: run `flask audit sequence` first")
    dialect = bind.dialect.name
    for statement in OLD_RECREATE.get(dialect, []):
        op.execute(statement)
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_records_seq'), type_='unique')
        batch_op.drop_column('seq')
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
    if dialect == "sqlite":
        for statement in OLD_SQLITE:
            op.execute(statement)
