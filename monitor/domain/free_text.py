"""How long a text a person writes may be (a reason, a note, a corrected value, an override),
and what text can be stored at all.

One limit for every such field, in the service that refuses a longer one and in the
screen's maxLength, so they cannot drift apart. 2,000 characters is more than any clinical
note at the chair needs (a paragraph), and keeps every text a row of the record's PDF can
lay out (tests/security/test_f01_pdf_always_renders.py renders each at this length)."""

MAX_FREE_TEXT = 2000

# Unicode's bidirectional controls (embeddings, overrides, isolates: U+202A-U+202E,
# U+2066-U+2069): invisible, they make the text read in another order than it was typed,
# on the screen, in the PDF and in the exports (CVE-2021-42574, "Trojan Source"). No
# clinical note needs them; the implicit marks (U+200E, U+200F) stay allowed.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def unstorable(text: str) -> str | None:
    """Why this text cannot be stored, or None: PostgreSQL refuses a NUL character in any
    text, a lone UTF-16 surrogate ("\\udcff") cannot be encoded as UTF-8, and a
    bidirectional control would make the record mislead its reader. The request
    guard (web/storable_text.py) refuses both at the door; a service that takes text from
    anywhere else asks here."""
    if "\x00" in text:
        return "text with a NUL character, which cannot be stored"
    if not BIDI_CONTROLS.isdisjoint(text):
        return (
            "an invisible direction control (such as a right-to-left override), which "
            "would make the text read differently from what was typed"
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "text with a lone surrogate (an invalid character)"
    return None
