"""Imports every feature's models so the metadata is complete (migrations, schema tests)."""
from portal.accounts.models import RecoveryCode, User  # noqa: F401
from portal.complaints.models import (Attachment, CaseCounter, Complaint, ComplaintEvent,  # noqa: F401
                                      IdentityRequest, NotificationSent, Reward, TrackingGrant)
from portal.blacklist.models import BlacklistEntry, BlacklistEvent  # noqa: F401
from portal.disclosures.models import DiscretionRule, Disclosure  # noqa: F401
from portal.inspections.models import Assignment, InspectionDraw, InspectionItem, Recusal  # noqa: F401
from portal.institutions.models import Institution  # noqa: F401
from portal.regions.models import Region  # noqa: F401
from portal.search.models import NameGram  # noqa: F401
from portal.supervisors.models import (Assessment, Objection, Observation, ObservationPhoto,  # noqa: F401
                                       Supervisor)
from portal.typical.models import TypicalCase  # noqa: F401
from portal.workdays.models import CalendarDay, CalendarYear  # noqa: F401
from portal.security.audit import AuditHead, AuditRecord  # noqa: F401
