"""The documentation keeps up with the code: every config key and CLI command is in the
README, every clinical number in docs/clinical.md equals config.yaml, and no file points
outside the repository or to a file that is not there."""

from __future__ import annotations

import argparse
import re
import subprocess
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from monitor.cli import parser
from monitor.config import REPO_ROOT, Config

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def leaf_keys(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    for name, field in model.model_fields.items():
        key, annotation = f"{prefix}{name}", field.annotation
        args = typing.get_args(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from leaf_keys(annotation, f"{key}.")
        elif args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
            yield from leaf_keys(args[0], f"{key}[].")
        else:
            yield key


@pytest.mark.parametrize("key", sorted(leaf_keys(Config)))
def test_config_key_is_documented(key: str) -> None:
    assert f"`{key}`" in README


def commands() -> Iterator[str]:
    subparsers = parser()._subparsers
    assert subparsers is not None, "the CLI has commands"
    for action in subparsers._group_actions:
        assert isinstance(action, argparse._SubParsersAction)
        for name, sub in action.choices.items():
            nested = [a for a in sub._actions if isinstance(a, argparse._SubParsersAction)]
            if nested:
                yield from (f"monitor {name} {child}" for child in nested[0].choices)
            else:
                yield f"monitor {name}"


@pytest.mark.parametrize("command", sorted(commands()))
def test_cli_command_is_documented(command: str) -> None:
    assert f"`{command}" in README


def test_readme_shows_the_two_commands() -> None:
    assert "make run" in README and "make test" in README


# --- docs/clinical.md: every clinical number equal to config.yaml, next to its key ---------

CLINICAL = (REPO_ROOT / "docs" / "clinical.md").read_text(encoding="utf-8")
CONFIG_FILE = yaml.safe_load((REPO_ROOT / "config.yaml").read_text(encoding="utf-8"))
DEFAULT_PROTOCOL = "protocols[]."
# Settings that are not clinical: where the clinic is, sign-in, how screens refresh, what a
# protocol is called, the CADSS wording (its source is on the page, its prompts are long).
NOT_CLINICAL = (
    "clinic.",
    "app.",
    "security.",
    "board.refresh_seconds",
    "board.sound_on_new_high",
    "protocols[].id",
    "protocols[].name",
    "protocols[].ratings.cadss_form",
)
# Lists of entries, each with its own table in docs/clinical.md (checked below).
LISTED = ("screening.checklist", "adverse_events.kinds", "formulary.drugs", "ketamine.products")
KEY_TABLE = ("key", "default", "source")
RULE_TABLE = ("rule", "priority", "fires when", "source")
SCREENING_TABLE = ("item", "asks about", "source")
OPS = {">=": ">=", ">": ">", "<=": "<=", "<": "<"}


def clinical_settings(node: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(key, value) for every setting of config.yaml, keyed as the README and clinical.md
    name them; a min/max range and a list are one setting, excursion rules have their table."""
    for name, value in node.items():
        key = f"{prefix}{name}"
        if key == "protocols":
            yield from clinical_settings(value[0], DEFAULT_PROTOCOL)
        elif key in (f"{DEFAULT_PROTOCOL}excursion_rules", *LISTED):
            continue  # each has its own table, checked below
        elif isinstance(value, dict) and set(value) != {"min", "max"}:
            yield from clinical_settings(value, f"{key}.")
        elif not key.startswith(NOT_CLINICAL):
            yield key, value


def table_rows(text: str, header: tuple[str, ...]) -> dict[str, list[str]]:
    """Every row of every table with this header, by the code span in its first cell."""
    rows: dict[str, list[str]] = {}
    in_table = False
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|"):
            in_table = False
        elif tuple(cells) == header:
            in_table = True
        elif in_table and not set(line) <= set("|- "):
            (name,) = re.findall(r"`([^`]+)`", cells[0])
            assert name not in rows, f"{name} has two rows in docs/clinical.md"
            rows[name] = cells
    return rows


KEY_ROWS = table_rows(CLINICAL, KEY_TABLE)
RULE_ROWS = table_rows(CLINICAL, RULE_TABLE)
SCREENING_ROWS = table_rows(CLINICAL, SCREENING_TABLE)
SETTINGS = dict(clinical_settings(CONFIG_FILE))


def numbers_in(text: str) -> list[float]:
    return sorted(float(n) for n in re.findall(r"(?<![\w.])\d+(?:\.\d+)?", text))


def numbers_of(value: Any) -> list[float]:
    if isinstance(value, dict):
        return sorted(float(value[end]) for end in ("min", "max"))
    if isinstance(value, list):
        return sorted(float(item) for item in value)
    return [float(value)]


@pytest.mark.parametrize("key", sorted(SETTINGS))
def test_clinical_default_is_documented_with_its_source(key: str) -> None:
    """Each clinical setting has a row in docs/clinical.md whose default equals config.yaml
    and whose source is named (even if the source is "no published number")."""
    if key not in KEY_ROWS:
        pytest.fail(f"docs/clinical.md has no row for `{key}`: give the new number its source")
    _, default, source = KEY_ROWS[key]
    value = SETTINGS[key]
    if isinstance(value, bool):
        assert f"`{str(value).lower()}`" in default
    elif isinstance(value, str) or (isinstance(value, list) and isinstance(value[0], str)):
        words = value if isinstance(value, list) else [value]
        assert re.findall(r"`([^`]+)`", default) == words, f"{key} = {value} in config.yaml"
    else:
        assert numbers_in(default) == numbers_of(value), f"{key} = {value} in config.yaml"
    assert source and source != "—", f"{key}: name the source, or say there is none"


def test_every_documented_key_is_in_config() -> None:
    """No row of docs/clinical.md describes a setting config.yaml no longer has."""
    assert sorted(set(KEY_ROWS) - set(SETTINGS)) == []


RULES = {rule["code"]: rule for rule in CONFIG_FILE["protocols"][0]["excursion_rules"]}


def condition_text(condition: dict[str, Any]) -> str:
    rise = " rise" if condition["basis"] == "change_from_baseline" else ""
    return f"{condition['measure']}{rise} {OPS[condition['op']]} {condition['value']:g}"


@pytest.mark.parametrize("code", sorted(RULES))
def test_excursion_rule_is_documented(code: str) -> None:
    """Each excursion rule's priority, conditions and source, as config.yaml has them."""
    if code not in RULE_ROWS:
        pytest.fail(f"docs/clinical.md's excursion table has no row for `{code}`")
    _, priority, conditions, source = RULE_ROWS[code]
    rule = RULES[code]
    assert priority == rule["priority"]
    assert re.findall(r"`([^`]+)`", conditions) == [condition_text(c) for c in rule["any_of"]]
    assert rule["source"].lower() in source.lower()


def test_every_documented_rule_is_in_config() -> None:
    assert sorted(set(RULE_ROWS) - set(RULES)) == []


SCREENING_ITEMS = {item["code"]: item for item in CONFIG_FILE["screening"]["checklist"]}


@pytest.mark.parametrize("code", sorted(SCREENING_ITEMS))
def test_screening_item_is_documented(code: str) -> None:
    """Each screening item the nurse asks about has its row, with what it asks and the
    published source of the contraindication."""
    if code not in SCREENING_ROWS:
        pytest.fail(f"docs/clinical.md's screening table has no row for `{code}`")
    _, asks_about, source = SCREENING_ROWS[code]
    assert asks_about and source and source != "—", f"{code}: say what it asks, and why"


def test_screening_table_follows_the_checklist() -> None:
    """The table lists config.yaml's items, no others, in the order the nurse asks them."""
    assert list(SCREENING_ROWS) == list(SCREENING_ITEMS)


# The adverse-event picklist, the formulary and the ketamine products: one row each, in
# config.yaml's order, with what a person reads and the published source.
ENTRY_TABLES = {
    "adverse_events.kinds": ("kind", "picklist words", "source"),
    "formulary.drugs": (
        "drug",
        "strength",
        "routes",
        "usual dose",
        "session maximum",
        "order",
        "source",
    ),
    "ketamine.products": ("product", "label", "concentration", "source"),
}


def _entries(listed: str) -> list[dict[str, Any]]:
    block, name = listed.split(".")
    entries: list[dict[str, Any]] = CONFIG_FILE[block][name]
    return entries


@pytest.mark.parametrize("listed", sorted(ENTRY_TABLES))
def test_entry_table_follows_config(listed: str) -> None:
    rows = table_rows(CLINICAL, ENTRY_TABLES[listed])
    entries = _entries(listed)
    assert list(rows) == [entry["code"] for entry in entries], (
        f"docs/clinical.md's {listed} table lists other codes than config.yaml"
    )
    for entry in entries:
        cells = rows[entry["code"]]
        assert cells[-1] and cells[-1] != "—", f"{entry['code']}: name the source"
        assert str(entry.get("label", entry.get("name"))) in cells[1], entry["code"]


def test_formulary_table_states_config_numbers() -> None:
    rows = table_rows(CLINICAL, ENTRY_TABLES["formulary.drugs"])
    for drug in _entries("formulary.drugs"):
        _, _, routes, usual, maximum, order, _ = rows[drug["code"]]
        assert re.findall(r"`([^`]+)`", routes) == drug["routes"], drug["code"]
        assert numbers_in(usual) == sorted({float(drug["dose_min"]), float(drug["dose_max"])})
        assert numbers_in(maximum) == [float(drug["max_per_session"])], drug["code"]
        assert ("standing" in order) is drug["standing_order"], drug["code"]


def test_ketamine_table_states_concentrations() -> None:
    rows = table_rows(CLINICAL, ENTRY_TABLES["ketamine.products"])
    for product in _entries("ketamine.products"):
        concentration = rows[product["code"]][2]
        assert numbers_in(concentration) == [float(product["concentration_mg_per_ml"])]


# --- links: nothing points outside the repository, every relative link resolves ------------

# Spelled in pieces so this file does not name what it forbids.
OUTSIDE = ("../" + "shared/", "DESIGN" + ".md", "CLINICAL" + ".md")
DOCUMENTS = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]


def tracked_files() -> list[str]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: no list of tracked files")
    return [name for name in listed.decode().split("\0") if name]


def test_no_file_refers_outside_the_repository() -> None:
    """The design and the clinical sources are in docs/, which every clone has."""
    found = [
        f"{name}:{number}: {line.strip()}"
        for name in tracked_files()
        if (REPO_ROOT / name).is_file()
        for number, line in enumerate(
            (REPO_ROOT / name).read_bytes().decode("utf-8", "replace").splitlines(), 1
        )
        if any(word in line for word in OUTSIDE)
    ]
    assert found == [], "point to docs/architecture.md or docs/clinical.md instead"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_relative_links_resolve(document: Path) -> None:
    targets = re.findall(r"\]\(([^)\s]+)\)", document.read_text(encoding="utf-8"))
    relative = [t for t in targets if not re.match(r"[a-z]+:|#", t)]
    broken = [t for t in relative if not (document.parent / t.split("#")[0]).exists()]
    assert broken == [], f"{document.name} links to missing files: {broken}"


def test_readme_links_the_design_and_the_clinical_sources_near_the_top() -> None:
    top = "\n".join(README.splitlines()[:15])
    assert "](docs/architecture.md)" in top and "](docs/clinical.md)" in top
