"""The case forms described once (see app/forms_contract.py): consent, the documents asked for and received, the
conversation with the child or family, and the multi-agency tracking meeting. The case page embeds them for the
tablet, the service checks with them, and a tablet's sync op is checked by the same service, so a capture kept
offline meets the rules the online form does.
The rules that need the database (consent given before the conversation, a document received only once asked for
and not before) stay in the service."""

from collections.abc import Mapping

from app.forms_contract import Choice, Condition, Contract, Field

CONSENT = {"not_asked": "Not yet asked", "given": "Given", "declined": "Declined"}
CONSENT_FROM = {"child_or_young_person": "The child or young person", "parent_or_carer": "Their parent or carer",
                "both": "Both"}
CONVERSATION_WITH = {"child_or_young_person": "The child or young person", "parent_or_carer": "Their parent or carer",
                     "both": "Both together"}
SERVICES = {"education": "Education", "health": "Health", "social_care": "Social care"}
ANSWERED = ("given", "declined")


def _choices(options: Mapping[str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(code, label) for code, label in options.items())


def _date(name: str, label: str, what: str, when: Condition | None = None, anchor: str = "",
          past: bool = False) -> Field:
    """A date as the case forms ask for it: a real day of this century or the next (`past`: and not after today)."""
    real = f"The date {what} must be a real date"
    return Field(name, label, "date", required=f"Enter the date {what}", invalid=real, out_of_range=real,
                 past=f"The date {what} must be today or in the past" if past else None, earliest="2000-01-01",
                 latest="2100-12-31", anchor=anchor or f"{name}-day", when=when)


def consent_contract() -> Contract:
    return Contract("case_consent", "Consent to take part", (
        Field("consent", "Consent to take part", "choice", choices=_choices(CONSENT), anchor="consent",
              required="Select whether consent was given, declined or not yet asked"),
        Field("consent_from", "Given or declined by", "choice", choices=_choices(CONSENT_FROM), anchor="consent_from",
              required="Select who gave or declined consent", when={"consent": ANSWERED}),
        _date("consent_recorded_on", "Date of the answer", "of the answer", when={"consent": ANSWERED}, past=True),
    ))


def conversation_contract(ways: tuple[str, ...] = ()) -> Contract:
    """With no ways given (reading a sync op's types), the way is left open."""
    return Contract("case_conversation", "Conversation with the child or family", (
        Field("conversation_with", "With", "choice", choices=_choices(CONVERSATION_WITH), anchor="conversation_with",
              required="Select who inspectors spoke with"),
        Field("conversation_way", "How", "choice", choices=tuple(Choice(w, w) for w in ways) if ways else None,
              anchor="conversation_way", required="Select how the conversation was held"),
        _date("conversation_on", "Date", "of the conversation", past=True),
    ))


def meeting_contract() -> Contract:
    message = "Select the services the practitioners at the meeting came from"
    return Contract("case_meeting", "Multi-agency tracking meeting", (
        Field("meeting_services", "Practitioners from", "choices", choices=_choices(SERVICES), required=message,
              invalid=message, anchor="meeting_services"),
        _date("meeting_on", "Date", "of the tracking meeting", past=True),
    ))


def _documents(documents: Mapping[str, str]) -> tuple[Choice, ...] | None:
    """The profile's documents as choices; none given (reading a sync op's types), any code, checked later."""
    return _choices(documents) if documents else None


def request_contract(documents: Mapping[str, str] | None = None) -> Contract:
    """Documents asked for on a case (code -> the profile's label); each is due the profile's working days later."""
    message = "Select the documents asked for"
    return Contract("case_document_request", "Documents asked for", (
        Field("documents", "Ask for", "choices", choices=_documents(documents or {}), required=message,
              invalid=message, anchor="documents"),
        _date("requested_on", "Asked for on", "they were asked for", past=True),
    ))


def received_contract(documents: Mapping[str, str] | None = None) -> Contract:
    """A document asked for on a case, received: named by its code. A tablet can mark one received offline once
    its row is on the page, that is once the request has reached the server: a request still waiting on the tablet
    draws no row (the page says so when it keeps one)."""
    message = "Select the document received"
    return Contract("case_document_received", "Document received", (
        Field("document", "Document", "choice", choices=_documents(documents or {}), required=message,
              invalid=message, anchor="case-documents"),
        # Each row of the table has its own date boxes: the error points at the row's. A day still to come is
        # refused: it would stop the document being overdue before it has come.
        _date("received_on", "Date received", "it was received", anchor="received_on-{document}-day", past=True),
    ))
