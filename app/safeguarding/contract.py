"""The safeguarding concern's form described once (see app/forms_contract.py): its page, the sync entity and the
tablet read it, so a concern recorded offline is checked as the server will check it."""

from app.forms_contract import Choice, Contract, Field, too_long

TEXT_LIMIT = 5000


def concern_contract(categories: tuple[Choice, ...] = ()) -> Contract:
    """With no categories given (reading a sync op's types), the category is left open."""
    return Contract("safeguarding_concern", "Record a safeguarding concern", (
        Field("category", "What kind of concern is it?", "choice", choices=categories or None,
              required="Select what kind of concern this is", anchor="category"),
        # Whether the setting is in the register only the server knows.
        Field("setting_id", "Where you met it", anchor="setting_id"),
        Field("setting_name", "Or name the place", limit=200, too_long=too_long("The place", 200),
              anchor="setting_name"),
        Field("what_happened", "What you saw or heard", required="Enter what you saw or heard", limit=TEXT_LIMIT,
              too_long=too_long("What you saw or heard", TEXT_LIMIT), anchor="what_happened"),
        Field("reported_to", "Who it was reported to", limit=300, too_long=too_long("Who it was reported to", 300),
              anchor="reported_to"),
        Field("reported_on", "When it was reported", anchor="reported_on-day"),
        Field("reported_time", "Time (24-hour clock)", anchor="reported_time"),
        Field("referral_reference", "Referral reference", limit=100, too_long=too_long("The reference", 100),
              anchor="referral_reference"),
    ))
