"""The index behind `service.waiting_for` (the cases nobody is handling, read on every inbox page);
escalation keeps no table of its own."""
from __future__ import annotations

from sqlalchemy import Index, text

from portal.casework.models import Complaint

# Only unassigned cases, by state and the two region prefixes (LIKE ranges on PostgreSQL).
Index("ix_complaints_unassigned", Complaint.status, Complaint.region_code, Complaint.handling_region_code,
      postgresql_ops={"region_code": "varchar_pattern_ops", "handling_region_code": "varchar_pattern_ops"},
      postgresql_where=text("assignee_id IS NULL"), sqlite_where=text("assignee_id IS NULL"))
