"""What a patient's demographics may be: the MRN, names, date of birth, sex, weight, allergies
and the escort's name and phone. Each rule refuses at its field in words the front desk can
act on; the register and the edit forms use the same rules, so a value refused at
registration cannot slip in through an edit."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from monitor.config import Plausibility
from monitor.domain.clinic_time import age_on
from monitor.domain.errors import FieldProblem, InvalidEntry, refuse
from monitor.domain.free_text import MAX_FREE_TEXT
from monitor.domain.vitals import parse_weight
from monitor.domain.vocabulary import Sex

# The oldest verified human lived to 122: a birth date older than 120 years is a typing
# error (a wrong century), not a patient.
MAX_AGE_YEARS = 120
MAX_NAME_PART = 100  # patients.family_name, patients.given_name
MAX_ESCORT_NAME = 200  # patients.escort_name
MAX_PHONE = 32  # patients.escort_phone
# ITU-T E.164: at most 15 digits in an international number; 6 is the shortest local one.
PHONE_DIGITS = (6, 15)
MRN = re.compile(r"[A-Za-z0-9-]{1,32}")
PHONE = re.compile(r"\+?[0-9 ()./-]+")
DATE_FORMAT = "YYYY-MM-DD"
# The fields of the register and edit forms, in the form's order.
FIELDS = (
    "mrn",
    "family_name",
    "given_name",
    "birth_date",
    "sex",
    "weight",
    "allergies",
    "escort_name",
    "escort_phone",
)
LABELS = {
    "mrn": "MRN",
    "family_name": "Family name",
    "given_name": "Given name",
    "birth_date": "Date of birth",
    "sex": "Sex",
    "weight": "Weight (kg)",
    "allergies": "Allergies",
    "escort_name": "Escort / emergency contact",
    "escort_phone": "Escort phone",
}


@dataclass(frozen=True)
class Demographics:
    """A patient's demographics, each value as stored."""

    mrn: str
    family_name: str
    given_name: str
    birth_date: date
    sex: Sex
    weight_kg: float
    allergies: str | None
    escort_name: str | None
    escort_phone: str | None

    def as_values(self) -> dict[str, object]:
        """Each field as the form and the audit trail name it (weight in kg, the day ISO)."""
        return {
            "mrn": self.mrn,
            "family_name": self.family_name,
            "given_name": self.given_name,
            "birth_date": self.birth_date.isoformat(),
            "sex": self.sex.value,
            "weight": self.weight_kg,
            "allergies": self.allergies,
            "escort_name": self.escort_name,
            "escort_phone": self.escort_phone,
        }


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _no_control(text: str) -> bool:
    return all(ch.isprintable() or ch in "\n\t" for ch in text)


def check_mrn(value: object) -> str:
    """The medical record number: 1–32 letters, digits or dashes (unique: the service checks)."""
    mrn = _text(value)
    if not mrn:
        raise refuse("mrn", "MRN is required")
    if not MRN.fullmatch(mrn):
        raise refuse("mrn", "MRN: 1–32 letters, digits or dashes")
    return mrn


def check_name(value: object, field: str) -> str:
    """A family or given name: required, at most 100 characters, one line."""
    name = " ".join(_text(value).split())
    label = LABELS[field]
    if not name:
        raise refuse(field, f"{label} is required")
    if len(name) > MAX_NAME_PART:
        raise refuse(field, f"{label}: keep it to {MAX_NAME_PART} characters")
    if not _no_control(name):
        raise refuse(field, f"{label}: letters, spaces and punctuation only")
    return name


def parse_birth_date(value: object, today: date) -> date:
    """A date of birth typed as YYYY-MM-DD: a real calendar day, not after today, and not
    more than MAX_AGE_YEARS years ago."""
    day = value if isinstance(value, date) else _typed_day(value)
    if day > today:
        raise refuse("birth_date", "Date of birth cannot be after today")
    if age_on(day, today) > MAX_AGE_YEARS:
        raise refuse(
            "birth_date",
            f"Date of birth: older than {MAX_AGE_YEARS} years — check the year",
        )
    return day


def _typed_day(value: object) -> date:
    text = _text(value)
    if not text:
        raise refuse("birth_date", f"Date of birth is required ({DATE_FORMAT})")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise refuse("birth_date", f"Date of birth: enter it as {DATE_FORMAT}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise refuse(
            "birth_date", f"Date of birth: {text} is not a calendar day ({DATE_FORMAT})"
        ) from None


def check_sex(value: object) -> Sex:
    """Administrative sex, one of the vocabulary's words."""
    try:
        return Sex(_text(value))
    except ValueError:
        words = ", ".join(s.label for s in Sex)
        raise refuse("sex", f"Sex: choose one of {words}") from None


def optional_text(value: object, field: str, most: int) -> str | None:
    """A free text that may be left empty (None: not given)."""
    text = _text(value)
    if not text:
        return None
    if len(text) > most:
        raise refuse(field, f"{LABELS[field]}: keep it to {most} characters")
    if not _no_control(text):
        raise refuse(field, f"{LABELS[field]}: remove the control characters")
    return text


def check_phone(value: object) -> str | None:
    """The escort's phone, optional: digits with + ( ) - . / and spaces, 6–15 digits."""
    phone = " ".join(_text(value).split())
    if not phone:
        return None
    digits = sum(ch.isdigit() for ch in phone)
    if len(phone) > MAX_PHONE or not phone.isascii() or not PHONE.fullmatch(phone):
        raise refuse("escort_phone", "Escort phone: digits, spaces, + ( ) - only")
    low, high = PHONE_DIGITS
    if not low <= digits <= high:
        raise refuse("escort_phone", f"Escort phone: {low}–{high} digits")
    return phone


def _weight(value: object, limits: Plausibility) -> float:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise refuse("weight", "Weight (kg) is required")
    return parse_weight(value, limits)


def check_field(field: str, value: object, *, today: date, limits: Plausibility) -> object:
    """One field's value as stored, or InvalidEntry at that field."""
    if field == "mrn":
        return check_mrn(value)
    if field in ("family_name", "given_name"):
        return check_name(value, field)
    if field == "birth_date":
        return parse_birth_date(value, today)
    if field == "sex":
        return check_sex(value)
    if field == "weight":
        return _weight(value, limits)
    if field == "allergies":
        return optional_text(value, field, MAX_FREE_TEXT)
    if field == "escort_name":
        return optional_text(value, field, MAX_ESCORT_NAME)
    if field == "escort_phone":
        return check_phone(value)
    raise refuse("changes", f"{field!r} is not a demographic field")


def check_fields(
    values: Mapping[str, object], *, today: date, limits: Plausibility
) -> dict[str, object]:
    """Every given field checked; all the problems at once, one per field."""
    checked: dict[str, object] = {}
    problems: list[FieldProblem] = []
    for field, value in values.items():
        try:
            checked[field] = check_field(field, value, today=today, limits=limits)
        except InvalidEntry as error:
            problems += error.problems
    if problems:
        raise InvalidEntry(problems)
    return checked


def check_demographics(
    values: Mapping[str, object], *, today: date, limits: Plausibility
) -> Demographics:
    """A whole registration: every field of FIELDS (a missing one is as if left empty)."""
    checked = check_fields({f: values.get(f) for f in FIELDS}, today=today, limits=limits)
    return Demographics(
        mrn=str(checked["mrn"]),
        family_name=str(checked["family_name"]),
        given_name=str(checked["given_name"]),
        birth_date=checked["birth_date"],  # type: ignore[arg-type]
        sex=checked["sex"],  # type: ignore[arg-type]
        weight_kg=checked["weight"],  # type: ignore[arg-type]
        allergies=checked["allergies"],  # type: ignore[arg-type]
        escort_name=checked["escort_name"],  # type: ignore[arg-type]
        escort_phone=checked["escort_phone"],  # type: ignore[arg-type]
    )


def stored_value(value: object) -> object:
    """A checked value as the audit trail and the form compare it (a date as ISO, a word as
    its value)."""
    if isinstance(value, Sex):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


def changed_fields(
    current: Mapping[str, object], checked: Mapping[str, object]
) -> dict[str, tuple[object, object]]:
    """The fields whose checked value differs from the current one: field → (old, new)."""
    return {
        field: (current[field], stored_value(value))
        for field, value in checked.items()
        if stored_value(value) != current[field]
    }


def search_kind(text: str) -> str:
    """How a search text is read: a birth date (YYYY-MM-DD), an MRN (one word with a digit),
    or names."""
    words = text.split()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return "birth_date"
    if len(words) == 1 and any(ch.isdigit() for ch in text) and MRN.fullmatch(text):
        return "mrn"
    return "name"
