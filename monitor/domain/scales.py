"""Rating scales: MOAA/S sedation (Chernik 1990) and CADSS dissociation (Bremner 1998)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from monitor.domain.errors import FieldProblem, InvalidEntry

MOAAS_MIN, MOAAS_MAX = 0, 5
MOAAS_LEVELS: dict[int, str] = {
    5: "Responds readily to name spoken in normal tone",
    4: "Lethargic response to name spoken in normal tone",
    3: "Responds only after name is called loudly or repeatedly",
    2: "Responds only after mild prodding or shaking",
    1: "Responds only after trapezius squeeze",
    0: "No response after trapezius squeeze",
}

CADSS_ITEM_MIN, CADSS_ITEM_MAX = 0, 4
# One anchor word per score 0–4 (Bremner 1998: not at all, slightly, moderately, considerably,
# extremely); the words themselves come from config.yaml.
CADSS_ANCHOR_COUNT = CADSS_ITEM_MAX - CADSS_ITEM_MIN + 1
# Item numbers of the 23-item CADSS and of CADSS-6 (Rodrigues 2021).
CADSS_ITEMS: dict[str, tuple[int, ...]] = {
    "CADSS-23": tuple(range(1, 24)),
    "CADSS-6": (1, 2, 6, 7, 15, 22),
}


def describe_moaas(score: int) -> str:
    """The MOAA/S level's meaning, for labels and reports."""
    if isinstance(score, bool) or score not in MOAAS_LEVELS:
        raise InvalidEntry([FieldProblem("moaas", "MOAA/S must be a whole number from 0 to 5")])
    return MOAAS_LEVELS[score]


@dataclass(frozen=True)
class CadssItem:
    """One CADSS item as the nurse reads it: its number and its prompt."""

    number: int
    prompt: str


@dataclass(frozen=True)
class CadssScore:
    """A scored CADSS administration: its version, every item's score and the total."""

    version: str
    items: dict[int, int]
    total: int

    @property
    def maximum(self) -> int:
        return CADSS_ITEM_MAX * len(self.items)


def cadss_item_numbers(version: str) -> tuple[int, ...]:
    """The item numbers a CADSS version asks, in order."""
    try:
        return CADSS_ITEMS[version]
    except KeyError:
        raise InvalidEntry(
            [FieldProblem("version", f"Unknown CADSS version {version!r}")]
        ) from None


def missing_cadss_prompts(version: str, prompts: Mapping[int, str]) -> tuple[int, ...]:
    """The items of a version that have no prompt, in order (empty when all are there)."""
    return tuple(n for n in cadss_item_numbers(version) if not (prompts.get(n) or "").strip())


def cadss_form(version: str, prompts: Mapping[int, str]) -> tuple[CadssItem, ...]:
    """The items a version asks, in order, each with its prompt; a missing prompt is refused."""
    missing = missing_cadss_prompts(version, prompts)
    if missing:
        raise InvalidEntry(
            [FieldProblem(f"item-{n}", f"{version} item {n} has no prompt") for n in missing]
        )
    return tuple(CadssItem(n, prompts[n].strip()) for n in cadss_item_numbers(version))


def score_cadss(version: str, answers: Mapping[int, int | None]) -> CadssScore:
    """Score a CADSS administration; every item of the version must be answered 0–4."""
    numbers = cadss_item_numbers(version)
    problems: list[FieldProblem] = []
    extra = sorted(set(answers) - set(numbers))
    if extra:
        problems.append(
            FieldProblem("items", f"{version} has no item {', '.join(map(str, extra))}")
        )
    items: dict[int, int] = {}
    for number in numbers:
        value = answers.get(number)
        if value is None:
            problems.append(FieldProblem(f"item-{number}", f"Item {number}: choose a score 0–4"))
        elif (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not (CADSS_ITEM_MIN <= value <= CADSS_ITEM_MAX)
        ):
            problems.append(FieldProblem(f"item-{number}", f"Item {number}: score must be 0–4"))
        else:
            items[number] = value
    if problems:
        raise InvalidEntry(problems)
    return CadssScore(version=version, items=items, total=sum(items.values()))


def dissociation_present(total: int, cutoff: float) -> bool:
    """A CADSS total above the configured cut-off is charted as dissociation present."""
    return total > cutoff
