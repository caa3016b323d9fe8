"""How long a text a person writes may be: a reason, a note, a corrected value, an override.

One limit for every such field, in the service that refuses a longer one and in the
screen's maxLength, so they cannot drift apart. 2,000 characters is more than any clinical
note at the chair needs (a paragraph), and keeps every text a row of the record's PDF can
lay out (tests/security/test_f01_pdf_always_renders.py renders each at this length)."""

MAX_FREE_TEXT = 2000
