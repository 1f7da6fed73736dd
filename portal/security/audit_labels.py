"""Audit actions in words: one table for every action the portal records, now or soon."""
from __future__ import annotations

from portal.i18n import _l, _lp

# Grouped by the object the action is about; the audit log's action filter lists them in this order.
ACTION_LABELS = {
    # Accounts, signing in and out.
    "user.created": _l("Account created"),
    "user.password_changed": _l("Password changed"),
    "user.email_changed": _l("Notification email changed"),
    "user.totp_enrolled": _l("Authenticator set up"),
    "user.signed_in": _l("Signed in"),
    "user.signed_out": _l("Signed out"),
    "user.sign_in_failed": _l("Failed sign-in"),
    "user.second_factor_failed": _l("Wrong authenticator code"),
    "user.disabled": _l("Account disabled"),
    "user.reset": _l("Password and authenticator reset"),
    "user.office_head_granted": _l("Made head of the office"),
    "user.office_head_withdrawn": _l("Head-of-office permission withdrawn"),
    # Cases: filing, the reporter's own steps, and casework.
    "complaint.registered": _lp("audit action", "Complaint registered"),
    "complaint.registered_by_staff": _l("Complaint registered by staff"),
    "complaint.accept": _lp("audit action", "Accepted"),
    "complaint.not_accept": _lp("audit action", "Not accepted"),
    "complaint.transfer": _lp("audit action", "Transferred"),
    "complaint.refer": _lp("audit action", "Referred for enforcement (移送)"),
    "complaint.return": _lp("audit action", "Returned with an objection to the office that sent it"),
    "recusal.declared": _l("Stepped aside (回避) with a declared interest"),
    "recusal.proposed": _l("Recusal (回避) recorded by a colleague (a second person confirms)"),
    "recusal.confirmed": _l("Recusal (回避) confirmed by a second person"),
    "complaint.reply_received": _l("Written reply read by the reporter on the tracking page"),
    "complaint.reply_delivered": _l("Delivery of the written reply recorded (by post or in person)"),
    "complaint.start": _lp("audit action", "Investigation started"),
    "complaint.extend": _lp("audit action", "Time limit extended"),
    "extension.request": _lp("audit action", "Extension asked for"),
    "extension.approve": _l("Extension approved by the head of the office"),
    "extension.refuse": _lp("audit action", "Extension refused by the head of the office"),
    "complaint.supervise": _lp("audit action", "Supervision order from the office above"),
    "complaint.assign": _lp("audit action", "Handler assigned"),
    "complaint.link": _lp("audit action", "Linked as a duplicate"),
    "complaint.message": _lp("audit action", "Message to the reporter"),
    "complaint.note": _lp("audit action", "Internal note"),
    "complaint.conclude": _lp("audit action", "Concluded with a written reply"),
    "complaint.decide_review": _lp("audit action", "Review decided with a written reply"),
    "complaint.archive": _lp("audit action", "Archived"),
    "complaint.supplemented": _lp("audit action", "Information added by the reporter"),
    "complaint.rated": _l("Rated by the reporter"),
    "complaint.review_requested": _lp("audit action", "Review requested"),
    # The reporter's identity: requests to reveal it, the custodian's decisions, each viewing.
    "identity.request": _l("Identity reveal requested"),
    "identity.approve": _l("Identity reveal approved"),
    "identity.deny": _l("Identity reveal refused"),
    "identity.viewed": _l("Identity viewed"),
    # Rewards for reports that led to a finding.
    "reward.decided": _l("Reward decided"),
    "reward.corrected": _l("Reward decision corrected"),
    "reward.claimed": _l("Reward claimed"),
    # Penalty disclosures: drafting, publication review, publication, withdrawal, credit repair.
    "disclosure.drafted": _l("Disclosure drafted"),
    "disclosure.edited": _l("Disclosure draft changed"),
    "disclosure.submit": _l("Disclosure sent for publication review"),
    "disclosure.approve": _l("Disclosure approved and published"),
    "disclosure.return": _l("Disclosure returned with comments"),
    "disclosure.withdraw": _l("Disclosure withdrawn"),
    "disclosure.revocation": _l("Revocation of the decision recorded"),
    "publication_period.changed": _l("Publication period changed"),
    "blacklist.objection_recorded": _l("Objection to a listing recorded"),
    "blacklist.objection_answered": _l("Objection answered in writing"),
    "disclosure.repair_approved": _l("Credit repair approved: publication ended early"),
    "disclosure.repair_refused": _l("Credit repair refused"),
    "disclosure.repair_applied": _l("Credit repair applied for online"),
    "disclosure.repair_proof_viewed": _l("Credit-repair proof viewed"),
    # Typical cases: writing, review, publication, withdrawal.
    "typical_case.drafted": _l("Typical case drafted"),
    "typical_case.edited": _l("Typical case draft changed"),
    "typical_case.submit": _l("Typical case sent for review"),
    "typical_case.approve": _l("Typical case approved and published"),
    "typical_case.return": _l("Typical case returned with comments"),
    "typical_case.withdraw": _l("Typical case withdrawn"),
    # The discretion benchmark.
    "discretion.added": _l("Benchmark line added"),
    "discretion.changed": _l("Benchmark line changed"),
    # The blacklist: proposal, notice and defence, listing and removal after review, imports.
    "blacklist.proposed": _l("Proposed for the blacklist"),
    "blacklist.imported": _l("Imported as listed from a published list"),
    "blacklist.imported_for_review": _l("Imported from a published list for review"),
    "blacklist.send_notice": _l("Blacklist notice sent"),
    "blacklist.request_listing": _l("Blacklist listing requested"),
    "blacklist.drop": _l("Not listed after the defence"),
    "blacklist.approve_listing": _l("Blacklist listing approved"),
    "blacklist.return_listing": _l("Blacklist listing returned"),
    "blacklist.mark_rectifying": _l("Blacklisted operator rectifying"),
    "blacklist.request_removal": _l("Blacklist removal requested"),
    "blacklist.approve_removal": _l("Blacklist removal approved"),
    "blacklist.refuse_removal": _l("Blacklist removal refused"),
    # Social supervisors: appointment, and what they submit.
    "supervisor.candidate_created": _l("Supervisor candidate added"),
    "supervisor.publish": _l("Supervisor candidate published for objections"),
    "supervisor.object": _l("Objection to a supervisor candidate recorded"),
    "supervisor.clear": _l("Supervisor candidate cleared for appointment"),
    "supervisor.reject": _l("Supervisor candidate not appointed"),
    "supervisor.appoint": _l("Supervisor appointed"),
    "supervisor.dismiss": _l("Supervisor dismissed"),
    "supervisor.assess": _l("Supervisor's annual assessment recorded"),
    "observation.created": _l("Supervisor's submission drafted"),
    "observation.saved": _l("Supervisor's draft saved"),
    "observation.photo_removed": _l("Photo removed from a supervisor's draft"),
    "observation.submitted": _l("Supervisor's submission sent"),
    "observation.replied": _l("Supervisor's submission answered in writing"),
    "observation.case_opened": _l("Case opened from a supervisor's patrol record"),
    # Random inspections (双随机、一公开): the item list, and each draw from preparation to results.
    "inspection_item.added": _l("Inspection item added"),
    "inspection_item.changed": _l("Inspection item changed"),
    "inspection.prepared": _l("Inspection draw prepared"),
    "inspection.committed": _l("Inspection draw committed: directories frozen, seed sealed"),
    "inspection.drawn": _l("Inspection draw made: seed revealed"),
    "inspection.recusal": _l("Inspector recused and replaced"),
    "inspection.recusal_proposed": _l("Inspector's recusal proposed by someone else (a second person confirms)"),
    "inspection.result": _l("Inspection result recorded"),
    "inspection.published": _l("Inspection results published"),
    # The national holiday schedule.
    "holidays.entered": _l("Holiday schedule entered"),
    "holidays.recomputed": _l("Stored deadlines counted again on the entered schedule"),
    # The outbox.
    "outbox.retry": _l("Failed message sent again"),
    "regions.loaded": _l("Division table loaded"),
    # Four eyes on privileged accounts.
    "grant.requested": _l("Privileged account or permission asked for (needs a second administrator)"),
    "grant.approved": _l("Privileged account or permission approved by a second administrator"),
    "grant.refused": _l("Privileged account or permission refused by a second administrator"),
    # Keys (never the key itself: its fingerprint).
    "keys.added": _l("New key added to a key file"),
    "keys.rotated": _l("Key rotated: a new key made current"),
    "keys.rewrapped": _l("Stored data moved to the current key"),
    "keys.retired": _l("Old keys removed from a key file"),
}


def action_label(action: str) -> str:
    """An audit action in words, in the page's language; an unknown action as it was recorded."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action
