"""How long a text a person writes may be (a reason, a note, a corrected value, an override),
and what text can be stored at all.

One limit for every such field, in the service that refuses a longer one and in the
screen's maxLength, so they cannot drift apart. 2,000 characters is more than any clinical
note at the chair needs (a paragraph), and keeps every text a row of the record's PDF can
lay out (tests/security/test_f01_pdf_always_renders.py renders each at this length)."""

MAX_FREE_TEXT = 2000


def unstorable(text: str) -> str | None:
    """Why this text cannot be stored, or None: PostgreSQL refuses a NUL character in any
    text, and a lone UTF-16 surrogate ("\\udcff") cannot be encoded as UTF-8. The request
    guard (web/storable_text.py) refuses both at the door; a service that takes text from
    anywhere else asks here."""
    if "\x00" in text:
        return "text with a NUL character, which cannot be stored"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "text with a lone surrogate (an invalid character)"
    return None
