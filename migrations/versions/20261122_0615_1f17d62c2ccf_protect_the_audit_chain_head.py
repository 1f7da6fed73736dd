"""Protect the audit chain head from deletion, and both audit tables from TRUNCATE on PostgreSQL.

Revision ID: 1f17d62c2ccf
Revises: c26969000a1e
Create Date: 2026-11-22 06:15:53.932909+00:00

"""
from alembic import op



# revision identifiers, used by Alembic.
revision = '1f17d62c2ccf'
down_revision = 'c26969000a1e'
branch_labels = None
depends_on = None


PROTECT = {
    "postgresql": [
        "CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head "
        "FOR EACH ROW EXECUTE FUNCTION audit_records_append_only()",
        "CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_records_append_only()",
        "CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_records_append_only()",
    ],
    "sqlite": [
        "CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head "
        "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
    ],
}
UNPROTECT = {
    "postgresql": ["DROP TRIGGER IF EXISTS audit_head_no_delete ON audit_head",
                   "DROP TRIGGER IF EXISTS audit_records_no_truncate ON audit_records",
                   "DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_head"],
    "sqlite": ["DROP TRIGGER IF EXISTS audit_head_no_delete"],
}


def upgrade():
    for statement in PROTECT.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    for statement in UNPROTECT.get(op.get_bind().dialect.name, []):
        op.execute(statement)
