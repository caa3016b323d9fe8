"""The README keeps up: every config key and every CLI command is documented."""

from __future__ import annotations

import typing
from collections.abc import Iterator

import pytest
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
    for action in parser()._subparsers._group_actions:  # type: ignore[union-attr]
        for name, sub in action.choices.items():
            nested = [a for a in sub._actions if a.__class__.__name__ == "_SubParsersAction"]
            if nested:
                yield from (f"monitor {name} {child}" for child in nested[0].choices)
            else:
                yield f"monitor {name}"


@pytest.mark.parametrize("command", sorted(commands()))
def test_cli_command_is_documented(command: str) -> None:
    assert f"`{command}" in README


def test_readme_shows_the_two_commands() -> None:
    assert "make run" in README and "make test" in README
