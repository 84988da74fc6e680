"""The text boundary (app/web/text.py): what an id may be, and a sync op's data screened in one walk."""

from app.web import text


def test_an_id_is_decimal_digits_within_the_column():
    assert text.id_fits("12") and text.id_fits(str(text.INT_MAX))
    assert not text.id_fits(str(text.INT_MAX + 1))
    assert not text.id_fits("¹")  # a digit to isdigit, refused by int(): was a 500 on /s/¹
    assert not text.id_fits("1.5")


def test_json_is_screened_for_what_cannot_be_stored_and_made_nfc_in_one_walk():
    value, faults = text.screen_json({"text": "Cafe\u0301", "strands": ["e\u0301"], "n": 3})
    assert value == {"text": "Café", "strands": ["é"], "n": 3} and faults == {}
    _, faults = text.screen_json({"text": "a\x00b", "ratings": {"x": {"comment": "\ud800"}}, "n": 2**40,
                                  "k\x01": "v"})
    assert list(faults) == ["text", "ratings.x.comment", "n", "k\\x01"]
    assert faults["text"].startswith("Contains a control character (U+0000)")
    assert faults["k\\x01"].startswith("The field name contains a control character")
    assert faults["n"] == f"The number must be between -{text.INT_MAX:,} and {text.INT_MAX:,}"
