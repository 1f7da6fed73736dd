"""The staff case page's audit table names each account with its role, never "user:12"."""
import re

from portal.accounts.models import Role
from portal.extensions import db
from portal.security import audit
from tests.support.accounts import staff_user
from tests.support.complaints import file


def test_the_case_audit_table_names_people_and_roles(app, signed_in):
    handler = signed_in(Role.HANDLER, "330106", username="audit.table.handler", lang="en")
    with app.app_context():
        complaint = file().complaint
        # An account that never appears on the timeline: only the audit trail names it.
        custodian = staff_user("audit.table.custodian", Role.CUSTODIAN, "330100", display_name="周保管")
        audit.record(f"user:{custodian.id}", "identity.approve", "complaint", complaint.id, reason="依法审批")
        db.session.commit()
        complaint_id, custodian_id = complaint.id, custodian.id
    page = handler.get(f"/staff/cases/{complaint_id}?lang=en").get_data(as_text=True)
    table = page.split('id="h-audit"', 1)[1].split("</table>", 1)[0]
    assert f"user:{custodian_id}" not in table
    assert re.search(r"周保管<br><span class=\"muted\">Identity custodian</span>", table)
