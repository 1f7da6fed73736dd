"""A complaint, its timeline, its evidence files, and the counter behind case numbers."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, LargeBinary, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, UTCDateTime, created_at, intpk, value_enum
from portal.i18n import LabelledEnum, _l, _lp
from portal.institutions.models import Institution
from portal.regions.models import Region

if TYPE_CHECKING:
    from portal.accounts.models import User


class Category(LabelledEnum):
    UNLICENSED = "unlicensed", _l("Operating without a licence"), _l(
        "Training pupils without a school-running licence, or without business or civil registration.")
    FALSE_DEREGISTRATION = "false_deregistration", _l("Deregistered but still operating"), _l(
        "Claims to have closed or changed its business, but still trains pupils.")
    NONPROFIT_FOR_PROFIT = "nonprofit_for_profit", _l("Non-profit run for profit"), _l(
        "Registered as non-profit but charging and distributing like a business.")
    PREPAYMENT_OUTSIDE_ESCROW = "prepayment", _l("Prepaid fees outside supervision"), _l(
        "Collecting fees in advance not through the supervised account, or for too long a period.")
    FEES_REFUNDS = "fees_refunds", _l("Fees or refunds"), _l(
        "Overcharging, hidden charges, refusing or delaying refunds.")
    BEYOND_STANDARDS = "beyond_standards", _l("Teaching beyond the curriculum or ahead of schedule"), _l(
        "Subject training that exceeds the national standards or runs ahead of school.")
    FORBIDDEN_TIMES = "forbidden_times", _l("Training at forbidden times"), _l(
        "Subject training on school days after the permitted evening hour, at weekends, on public "
        "holidays or in vacations.")
    UNQUALIFIED_STAFF = "unqualified_staff", _l("Unqualified staff or serving teachers"), _l(
        "Teachers without qualifications, blacklisted staff, or school teachers tutoring for pay.")
    UNAPPROVED_MATERIALS = "materials", _l("Unapproved training materials"), _l(
        "Using materials that were not reviewed and filed as required.")
    ILLEGAL_COMPETITIONS = "competitions", _l("Illegal competitions or rankings"), _l(
        "Organising contests, tests or rankings for school children without approval.")
    ADVERTISING = "advertising", _l("False or banned advertising"), _l(
        "Misleading promises, anxiety marketing, or adverts for subject training.")
    DISGUISED_TRAINING = "disguised", _l("Disguised training"), _l(
        "Subject training disguised as housekeeping, family education guidance, study tours, "
        "\"crowdfunded\" private tutoring or livestreams.")
    SAFETY = "safety", _lp("complaint category", "Safety hazards"), _l(
        "Fire, food, building or other dangers to children on the premises.")
    NOT_ON_PLATFORM = "not_on_platform", _l("Not on the national supervision platform"), _l(
        "The institution is not registered on the national supervision and service platform.")
    OTHER = "other", _l("Something else"), _l("Any other problem with an off-campus training institution.")


# The categories whose complaint may ask for mediation ("I want my money back"): refunds first, and a
# dispute over a contract, filed as "something else" (portal/mediation).
MEDIATION_CATEGORIES = (Category.FEES_REFUNDS, Category.PREPAYMENT_OUTSIDE_ESCROW, Category.OTHER)


class Status(LabelledEnum):
    REGISTERED = "registered", _l("Registered"), _l(
        "We have received your complaint and will decide within the time limit whether to accept it.")
    ACCEPTED = "accepted", _lp("case state", "Accepted"), _l(
        "Your complaint has been accepted and will be investigated.")
    NOT_ACCEPTED = "not_accepted", _lp("case state", "Not accepted"), _l(
        "Your complaint was not accepted. The reason is shown below.")
    TRANSFERRED = "transferred", _lp("case state", "Transferred"), _l(
        "Your complaint was sent to the office responsible for it, shown below.")
    REFERRED = "referred", _l("Referred for enforcement"), _l(
        "Your report was handed to the authority responsible for enforcement (移送), shown below.")
    IN_PROGRESS = "in_progress", _l("In progress"), _l("Your case is being investigated.")
    CONCLUDED = "concluded", _l("Concluded"), _l(
        "Your case is concluded. Read the written reply below and tell us whether you are satisfied.")
    ARCHIVED = "archived", _lp("case state", "Archived"), _l("Your case is closed and archived.")
    RETURNED = "returned", _l("Returned to the sender"), _l(
        "This office is not responsible for the matter and returned it, with its objection, to the office or "
        "hotline that sent it here (信访工作条例 article 23). That office will handle it or send it on.")
    # Shown by stage (`Complaint.state`): 复查中 or 复核中; this label names both, for the inbox's filter.
    UNDER_REVIEW = "under_review", _l("Under review or re-review"), _l(
        "You asked for a review. The office above the one that replied is looking at your case again "
        "and will reply in writing.")


class ReviewState(LabelledEnum):
    """How a case under review is named to everyone: by its stage (信访工作条例 arts. 35, 36)."""
    REVIEW = "review", _l("Under review (复查)"), _l(
        "You asked for a review (复查). The office above the one that replied is looking at your case "
        "again and will reply in writing within 30 days (信访工作条例 article 35).")
    RE_REVIEW = "re_review", _l("Under re-review (复核)"), _l(
        "You asked for a re-review (复核). The office above the one that decided the review is looking "
        "at your case again and will reply in writing within 30 days; its decision is final "
        "(信访工作条例 article 36).")


class Source(LabelledEnum):
    ONLINE = "online", _l("Online form")
    PHONE = "phone", _l("Telephone")
    LETTER = "letter", _l("Letter")
    VISIT = "visit", _l("In person")
    HOTLINE_12345 = "hotline_12345", _l("12345 hotline transfer")
    OTHER_OFFICE = "other_office", _l("Transferred from another office")
    SUPERVISOR = "supervisor", _lp("how a case arrived", "Social supervisor")


class EventKind(LabelledEnum):
    REGISTERED = "registered", _lp("case event", "Complaint registered")
    ACCEPTED = "accepted", _lp("case event", "Accepted")
    NOT_ACCEPTED = "not_accepted", _lp("case event", "Not accepted")
    TRANSFERRED = "transferred", _lp("case event", "Transferred")
    RETURNED = "returned", _lp("case event", "Returned with an objection to the office that sent it")
    REFERRED = "referred", _lp("case event", "Referred for enforcement (移送)")
    EXTENDED = "extended", _l("Time limit extended with the approval of the head of the office")
    EXTENSION_REQUESTED = "extension_requested", _lp("case event", "Extension asked for")
    EXTENSION_REFUSED = "extension_refused", _lp("case event", "Extension refused by the head of the office")
    CONCLUDED = "concluded", _lp("case event", "Concluded with a written reply")
    ARCHIVED = "archived", _lp("case event", "Archived")
    SUPPLEMENT = "supplement", _lp("case event", "Information added by the reporter")
    MESSAGE_TO_REPORTER = "message_to_reporter", _l("Message from the case handler")
    IN_PROGRESS = "in_progress", _lp("case event", "Investigation started")
    SUPERVISION = "supervision", _lp("case event", "Supervision order from the office above")
    NOTE = "note", _lp("case event", "Internal note")
    RATED = "rated", _l("Reporter's rating")
    REVIEW_REQUESTED = "review_requested", _l("Review (复查) requested")
    REVIEW_DECIDED = "review_decided", _l("Review (复查) decided with a written reply")
    RE_REVIEW_REQUESTED = "re_review_requested", _l("Re-review (复核) requested")
    RE_REVIEW_DECIDED = "re_review_decided", _l("Re-review (复核) decided with a written reply (final)")
    ASSIGNED = "assigned", _lp("case event", "Handler assigned")
    LINKED = "linked", _lp("case event", "Linked as a duplicate")
    REWARD = "reward", _l("Reward decision")
    REPLY_DELIVERED = "reply_delivered", _lp("case event", "Delivery of the written reply recorded")
    HOTLINE_URGED = "hotline_urged", _lp("case event", "Reminder from the 12345 hotline (催办)")
    LETTER_POSTED = "letter_posted", _lp("case event", "Notice posted to the reporter by registered mail")
    FOLLOW_UP = "follow_up", _lp("case event", "Follow-up call (回访) recorded")
    REOPENED = "reopened", _lp("case event", "Handled again after an unsatisfied follow-up call")
    # The mediation track (portal/mediation/track.py): its acceptance, its conclusion, a broken agreement.
    MEDIATION_TAKEN = "mediation_taken", _lp("case event", "Accepted for mediation (受理)")
    MEDIATION_ENDED = "mediation_ended", _lp("case event", "Mediation ended with a written result")
    MEDIATION_REOPENED = "mediation_reopened", _lp("case event", "Handled again: the agreed money did not arrive")


class ReviewStage(LabelledEnum):
    """How many times the superior level has been asked to look again: 复查 (信访工作条例 art. 35),
    then one 复核 (art. 36)."""
    NONE = "none", _l("First handling")
    REVIEW = "review", _l("Review (复查)")
    RE_REVIEW = "re_review", _l("Re-review (复核)")


class ReplyDelivery(LabelledEnum):
    """How the latest written reply reached the reporter (送达); the time to ask for a review runs
    from that day (信访工作条例 art. 35: 自收到书面答复之日起)."""
    TRACKING_PAGE = "tracking_page", _l("Read by the reporter on the tracking page")
    POST = "post", _l("Delivered by post")
    IN_PERSON = "in_person", _l("Delivered in person")
    REPLY_DATE = "reply_date", _l("Taken as the day of the reply (replied before receipt was recorded)")


class NotifyChannel(LabelledEnum):
    """How a named reporter is told that their case has news or a formal notice (their choice at filing)."""
    SMS = "sms", _l("Text message (SMS)"), _l("A short text to your mobile number with the case number.")
    EMAIL = "email", _l("Email"), _l("A short email with the case number.")
    LETTER = "letter", _l("Letter by post"), _l("The written notices are posted to your address.")


class Rating(LabelledEnum):
    SATISFIED = "satisfied", _l("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _l("Basically satisfied")
    UNSATISFIED = "unsatisfied", _l("Unsatisfied")


# How long the receipt is kept for a retry of the same form (`receipt_replay`); after it the receipt
# is gone: a late retry clears it, and `flask --app portal complaints forget-receipts` (daily) does.
RECEIPT_REPLAY_WINDOW = dt.timedelta(minutes=15)


class Complaint(Base):
    """One complaint from the moment it is registered; the reporter's identity only sealed."""

    __tablename__ = "complaints"
    __table_args__ = (
        CheckConstraint("ongoing OR occurred_on IS NOT NULL", name="when"),
        CheckConstraint("anonymous OR reporter_sealed IS NOT NULL", name="named_reporter_sealed"),
        CheckConstraint("NOT mediation_name_shared OR (mediation_requested AND NOT anonymous)",
                        name="mediation_name_shared_named"),
        CheckConstraint("institution_id IS NOT NULL OR institution_name <> ''", name="institution"),
        # The inbox's counts per state from the index alone, and its page walked in deadline order.
        Index("ix_complaints_inbox_counts", "region_code", "status", "next_due",
              postgresql_include=["category", "source", "assignee_id", "handling_region_code"]),
        Index("ix_complaints_inbox_order", "region_code", "next_due", "id"),
        # The inbox's case-number filter (a number or its start) as an index range on PostgreSQL.
        Index("ix_complaints_case_number_prefix", "case_number", postgresql_ops={"case_number": "varchar_pattern_ops"}),
    )

    id: Mapped[intpk]
    case_number: Mapped[str] = mapped_column(String(24), unique=True)
    receipt_digest: Mapped[str] = mapped_column(String(64), unique=True)
    receipt_pepper: Mapped[str | None] = mapped_column(String(32))  # its pepper's fingerprint (None: before)
    # One-time form token (keyed hash): a repeated post of the same form finds this row.
    form_token_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The receipt, encrypted under a key only the form token's holder can derive; kept only
    # for the short time a double click or retry may arrive, and a keyed hash of the content
    # so a different story sent with the same token is not mistaken for a retry.
    receipt_replay: Mapped[bytes | None] = mapped_column(LargeBinary)
    form_digest: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[Source] = mapped_column(value_enum(Source, 16))
    status: Mapped[Status] = mapped_column(value_enum(Status, 16), default=Status.REGISTERED)
    category: Mapped[Category] = mapped_column(value_enum(Category, 32))
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    institution_name: Mapped[str] = mapped_column(String(200), default="")
    institution_address: Mapped[str] = mapped_column(String(300), default="")
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    description: Mapped[str] = mapped_column(Text)
    occurred_on: Mapped[dt.date | None] = mapped_column(Date)
    ongoing: Mapped[bool] = mapped_column(Boolean, default=False)
    anonymous: Mapped[bool] = mapped_column(Boolean)
    reporter_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    # A keyed hash of a named reporter's phone number, never the number: it finds their cases made
    # final by a 复核, whose facts and reasons are not accepted again (信访工作条例 art. 36).
    reporter_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    # How a named reporter is told (their choice), and where: the mobile number, email address or
    # postal address under the data key, opened only to deliver a message or print a letter's cover.
    notify_channel: Mapped[NotifyChannel | None] = mapped_column(value_enum(NotifyChannel, 8))
    notify_contact_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    received_on: Mapped[dt.date] = mapped_column(Date)
    acceptance_due: Mapped[dt.date] = mapped_column(Date)
    conclusion_due: Mapped[dt.date | None] = mapped_column(Date)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    replied_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The day the latest reply reached the reporter (送达) and how: the review period runs from it.
    reply_received_on: Mapped[dt.date | None] = mapped_column(Date)
    reply_received_how: Mapped[ReplyDelivery | None] = mapped_column(value_enum(ReplyDelivery, 16))
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    transferred_to: Mapped[str] = mapped_column(String(200), default="")
    rating: Mapped[Rating | None] = mapped_column(value_enum(Rating, 24))
    review_requested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The office responsible now: the county at first, the level above for a review, the
    # level above that for a re-review. The case stays in its county (`region_code`).
    handling_region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    review_stage: Mapped[ReviewStage] = mapped_column(value_enum(ReviewStage, 16), default=ReviewStage.NONE)
    review_decision_due: Mapped[dt.date | None] = mapped_column(Date)
    # The deadline the responsible office works to now (acceptance, conclusion or review
    # decision); None once nothing is due. Kept with every step, so the inbox sorts on it.
    next_due: Mapped[dt.date | None] = mapped_column(Date, index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"), index=True)
    # The reporter's choice at intake (portal/mediation): "I want my money back" (mediation between
    # the parent and the institution, SAMR 暂行办法 arts. 16–22) rather than "report a violation",
    # and whether the parent agreed that the institution may know their name for the mediation.
    mediation_requested: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    mediation_name_shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # With that consent, the name alone under the data key (the identity stays sealed): what the
    # institution's answer page shows it (`institution_answers`).
    mediation_name_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[created_at]

    institution: Mapped[Institution | None] = relationship(lazy="raise")
    region: Mapped[Region] = relationship(lazy="raise", foreign_keys=[region_code])
    assignee: Mapped["User | None"] = relationship(lazy="raise", foreign_keys=[assignee_id])
    events: Mapped[list["ComplaintEvent"]] = relationship(
        back_populates="complaint", order_by="ComplaintEvent.id", lazy="raise")

    @property
    def state(self) -> "Status | ReviewState":
        """The state as people are told it: a case under review is 复查中 or 复核中 by its stage."""
        if self.status is Status.UNDER_REVIEW:
            return ReviewState.RE_REVIEW if self.review_stage is ReviewStage.RE_REVIEW else ReviewState.REVIEW
        return self.status

    @property
    def display_institution(self) -> str:
        return self.institution.name if self.institution_id and self.institution else self.institution_name


class ComplaintEvent(Base):
    """One entry of a case's timeline; `public` entries are shown to the reporter."""

    __tablename__ = "complaint_events"

    id: Mapped[intpk]
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    kind: Mapped[EventKind] = mapped_column(value_enum(EventKind, 24))
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    body: Mapped[str] = mapped_column(Text, default="")
    # Formal actions show who decided and their enforcement certificate number, as they were then.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[created_at]

    complaint: Mapped[Complaint] = relationship(back_populates="events", lazy="raise")
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="event", order_by="Attachment.id", lazy="raise")


class Attachment(Base):
    """An evidence file, cleaned and encrypted with its own key (wrapped by the data key)."""

    __tablename__ = "attachments"
    __table_args__ = (CheckConstraint("size > 0", name="size"),)

    id: Mapped[intpk]
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("complaint_events.id"), index=True)
    # A neutral name ("evidence-2.jpg"): people name files after themselves.
    filename: Mapped[str] = mapped_column(String(40))
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[created_at]

    event: Mapped[ComplaintEvent] = relationship(back_populates="attachments", lazy="raise")


class CaseCounter(Base):
    """The last sequence number used for one county and day (`330106-20261122`)."""

    __tablename__ = "case_counters"

    prefix: Mapped[str] = mapped_column(String(16), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class TrackingGrant(Base):
    """A reporter's open case page: the session holds only the random grant id, and leaving
    deletes the row, so a copied cookie stops working."""

    __tablename__ = "tracking_grants"

    token_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    created_at: Mapped[created_at]
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
