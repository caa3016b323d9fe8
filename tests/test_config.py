"""config.yaml: the repo's file loads; a bad value stops the app with a message naming the key."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.config import (
    DEFAULT_CONFIG_PATH,
    ConfigError,
    load_config,
    load_settings,
    parse_config,
)
from monitor.domain.clock import CLOCK_SKEW
from monitor.domain.cosign import COSIGN_WINDOW
from monitor.domain.override import MIN_OVERRIDE_REASON
from monitor.domain.rate_change import MAX_RATE_ML_PER_H
from monitor.domain.reasons import MIN_EXIT_REASON

Raw = dict[str, Any]
GOOD_SECRET = "k" * 32


@pytest.fixture(scope="module")
def pristine() -> Raw:
    loaded: Raw = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture
def raw(pristine: Raw) -> Raw:
    return copy.deepcopy(pristine)


def refusal(raw: Raw, environ: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as excinfo:
        parse_config(raw, environ=environ or {})
    return str(excinfo.value)


# --- the repo's config -----------------------------------------------------------------


def test_repo_config_loads() -> None:
    config = load_config(environ={})
    assert config.clinic.time_zone == "America/Denver"
    assert str(config.clinic.zone) == "America/Denver"
    assert len(config.clinic.chairs) == 6
    assert config.app.environment == "development"
    assert config.app.secret_key is None
    assert config.default_protocol.id == "iv-ketamine-0.5"
    assert config.protocol("iv-ketamine-0.5") is config.default_protocol
    assert len(config.default_protocol.excursion_rules) == 8


def test_the_rule_numbers_default_to_the_domains() -> None:
    """A file without the sign-off, infusion and readings blocks keeps today's behaviour."""
    config = load_config(environ={})
    assert config.sign_off.cosign_window == COSIGN_WINDOW
    assert config.sign_off.override_reason_min_chars == MIN_OVERRIDE_REASON
    assert config.sign_off.exit_reason_min_chars == MIN_EXIT_REASON
    assert config.infusion.max_rate_ml_per_h == MAX_RATE_ML_PER_H
    assert config.readings.clock_skew == CLOCK_SKEW
    bare = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    for block in ("sign_off", "infusion", "readings"):
        del bare[block]
    assert parse_config(bare, environ={}).model_dump() == config.model_dump()


def test_unknown_protocol_id_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        load_config(environ={}).protocol("no-such-protocol")


def test_load_config_reads_monitor_config_path(tmp_path: Path, raw: Raw) -> None:
    raw["clinic"]["name"] = "Elsewhere Clinic"
    path = tmp_path / "other.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    assert load_config(environ={"MONITOR_CONFIG": str(path)}).clinic.name == "Elsewhere Clinic"
    assert load_config(path, environ={}).clinic.name == "Elsewhere Clinic"


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_config(missing, environ={})


def test_invalid_yaml_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("clinic: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(path, environ={})


@pytest.mark.parametrize("document", [None, [], "text", 3], ids=repr)
def test_top_level_must_be_a_mapping(document: object) -> None:
    with pytest.raises(ConfigError, match="top level must be a mapping"):
        parse_config(document, environ={})


def test_load_settings_defaults(tmp_path: Path) -> None:
    settings = load_settings(environ={"MONITOR_INSTANCE": str(tmp_path)})
    assert settings.instance_path == tmp_path
    assert settings.database_url == f"sqlite:///{tmp_path / 'monitor.db'}"
    url = "postgresql+psycopg://u@localhost/monitor"
    assert load_settings(environ={"MONITOR_DATABASE_URL": url}).database_url == url


# --- a bad value names the dotted key and the value ------------------------------------


def _set(path: str, value: Any) -> Callable[[Raw], None]:
    def change(raw: Raw) -> None:
        *parents, last = path.split(".")
        node: Any = raw
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return change


def _delete(path: str) -> Callable[[Raw], None]:
    def change(raw: Raw) -> None:
        *parents, last = path.split(".")
        node: Any = raw
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        del node[last]

    return change


def _duplicate_rule(raw: Raw) -> None:
    rules = raw["protocols"][0]["excursion_rules"]
    rules.append(copy.deepcopy(rules[3]))


def _duplicate_protocol(raw: Raw) -> None:
    raw["protocols"].append(copy.deepcopy(raw["protocols"][0]))


BAD_VALUES = [
    pytest.param(
        _set("protocols.0.schedule.grace_minutes", -1),
        "protocols.0.schedule.grace_minutes = -1",
        id="negative-grace",
    ),
    pytest.param(
        _set("protocols.0.schedule.grace_minutes", 61),
        "protocols.0.schedule.grace_minutes = 61",
        id="grace-over-an-hour",
    ),
    pytest.param(
        _set("protocols.0.schedule.infusion_interval_minutes", 0),
        "protocols.0.schedule.infusion_interval_minutes = 0",
        id="zero-interval",
    ),
    pytest.param(
        _set("plausibility.systolic", {"min": 300, "max": 50}),
        "plausibility.systolic = {'min': 300, 'max': 50}",
        id="systolic-min-above-max",
    ),
    pytest.param(
        _set("plausibility.systolic", {"min": 120, "max": 120}),
        "plausibility.systolic = {'min': 120, 'max': 120}",
        id="systolic-min-equals-max",
    ),
    pytest.param(
        _set("clinic.time_zone", "Mars/Olympus"),
        "clinic.time_zone = 'Mars/Olympus'",
        id="unknown-time-zone",
    ),
    pytest.param(
        _set("clinic.chairs", ["Chair 1", "Chair 1"]),
        "clinic.chairs = ['Chair 1', 'Chair 1']",
        id="duplicate-chair",
    ),
    pytest.param(_duplicate_rule, "protocols.0.excursion_rules = ", id="duplicate-rule-code"),
    pytest.param(_duplicate_protocol, "protocols = ", id="duplicate-protocol-id"),
    pytest.param(_set("clinic.colour", "blue"), "clinic.colour = 'blue'", id="unknown-key"),
    pytest.param(_set("extras", 1), "extras = 1", id="unknown-top-level-key"),
    pytest.param(
        _set("protocols.0.excursion_rules.3.any_of.0.unit", "mmHg"),
        "protocols.0.excursion_rules.3.any_of.0.unit = 'mmHg'",
        id="unknown-key-in-a-condition",
    ),
    pytest.param(
        _set("protocols.0.excursion_rules.0.any_of.0.op", "=>"),
        "protocols.0.excursion_rules.0.any_of.0.op = '=>'",
        id="unknown-operator",
    ),
    pytest.param(
        _set("protocols.0.excursion_rules.0.any_of.0.measure", "weight"),
        "protocols.0.excursion_rules.0.any_of.0.measure = 'weight'",
        id="unknown-measure",
    ),
    pytest.param(
        _set("protocols.0.excursion_rules.0.priority", "urgent"),
        "protocols.0.excursion_rules.0.priority = 'urgent'",
        id="unknown-priority",
    ),
    pytest.param(
        _set("protocols.0.excursion_rules.0.code", "Severe Hypertension"),
        "protocols.0.excursion_rules.0.code = 'Severe Hypertension'",
        id="rule-code-not-a-slug",
    ),
    pytest.param(
        _set("protocols.0.excursion_rules.0.any_of", []),
        "protocols.0.excursion_rules.0.any_of = []",
        id="rule-without-conditions",
    ),
    pytest.param(
        _set("protocols.0.ratings.cadss_version", "CADSS-12"),
        "protocols.0.ratings.cadss_version = 'CADSS-12'",
        id="unknown-cadss-version",
    ),
    pytest.param(
        _set("protocols.0.ratings.cadss_at_minutes", [40, 0, 120]),
        "protocols.0.ratings.cadss_at_minutes = [40, 0, 120]",
        id="cadss-times-unsorted",
    ),
    pytest.param(
        _set("protocols.0.ratings.cadss_at_minutes", [0, 40, 40]),
        "protocols.0.ratings.cadss_at_minutes = [0, 40, 40]",
        id="cadss-times-repeated",
    ),
    pytest.param(
        _set("protocols.0.dose_mg_per_kg", 0),
        "protocols.0.dose_mg_per_kg = 0",
        id="zero-dose",
    ),
    pytest.param(_set("protocols.0.route", "PO"), "protocols.0.route = 'PO'", id="unknown-route"),
    pytest.param(
        _set("app.environment", "staging"), "app.environment = 'staging'", id="unknown-environment"
    ),
    pytest.param(_set("protocols", []), "protocols = []", id="no-protocols"),
    pytest.param(
        _set("sign_off.cosign_window_hours", 0),
        "sign_off.cosign_window_hours = 0",
        id="no-cosign-window",
    ),
    pytest.param(
        _set("sign_off.override_reason_min_chars", 0),
        "sign_off.override_reason_min_chars = 0",
        id="override-reason-may-be-empty",
    ),
    pytest.param(
        _set("sign_off.override_reason_min_chars", 2001),
        "sign_off.override_reason_min_chars = 2001",
        id="override-reason-longer-than-any-text",
    ),
    pytest.param(
        _set("sign_off.exit_reason_min_chars", "five"),
        "sign_off.exit_reason_min_chars = 'five'",
        id="exit-reason-not-a-number",
    ),
    pytest.param(
        _set("infusion.max_rate_ml_per_h", -1),
        "infusion.max_rate_ml_per_h = -1",
        id="negative-rate-limit",
    ),
    pytest.param(
        _set("readings.clock_skew_minutes", 90),
        "readings.clock_skew_minutes = 90",
        id="clock-skew-over-an-hour",
    ),
    pytest.param(_delete("clinic.name"), "clinic.name = missing", id="missing-clinic-name"),
    pytest.param(
        _delete("plausibility.weight"), "plausibility.weight = missing", id="missing-weight-range"
    ),
]


@pytest.mark.parametrize(("change", "named"), BAD_VALUES)
def test_bad_value_names_key_and_value(raw: Raw, change: Callable[[Raw], None], named: str) -> None:
    change(raw)
    message = refusal(raw)
    assert message.startswith("invalid config:")
    assert named in message


def test_duplicate_rule_code_names_the_code(raw: Raw) -> None:
    _duplicate_rule(raw)
    assert "repeated: hypotension" in refusal(raw)


def test_every_bad_value_is_reported_at_once(raw: Raw) -> None:
    _set("protocols.0.schedule.grace_minutes", -1)(raw)
    _set("clinic.time_zone", "Nowhere/Town")(raw)
    message = refusal(raw)
    assert "protocols.0.schedule.grace_minutes = -1" in message
    assert "clinic.time_zone = 'Nowhere/Town'" in message


def test_the_pristine_copy_is_valid(raw: Raw) -> None:
    """The baseline every bad-value case changes must itself be accepted."""
    assert parse_config(raw, environ={}).default_protocol.schedule.grace_minutes == 3


def test_config_is_frozen() -> None:
    config = load_config(environ={})
    with pytest.raises(ValueError):
        setattr(config.default_protocol.schedule, "grace_minutes", 10)  # noqa: B010


# --- $env references -------------------------------------------------------------------


def test_env_reference_resolves_from_environ(raw: Raw) -> None:
    config = parse_config(raw, environ={"MONITOR_SECRET_KEY": "from-the-environment"})
    assert config.app.secret_key == "from-the-environment"


def test_env_reference_unset_is_none(raw: Raw, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONITOR_SECRET_KEY", "in-os-environ-but-not-passed")
    assert parse_config(raw, environ={}).app.secret_key is None


def test_env_reference_anywhere(raw: Raw) -> None:
    raw["clinic"]["name"] = {"$env": "CLINIC_NAME"}
    raw["clinic"]["chairs"] = ["Chair A", {"$env": "SECOND_CHAIR"}]
    config = parse_config(raw, environ={"CLINIC_NAME": "North", "SECOND_CHAIR": "Chair B"})
    assert config.clinic.name == "North"
    assert config.clinic.chairs == ["Chair A", "Chair B"]


def test_env_reference_must_name_a_variable(raw: Raw) -> None:
    raw["app"]["secret_key"] = {"$env": 5}
    assert "app.secret_key" in refusal(raw)


def test_mapping_with_env_and_other_keys_is_not_a_reference(raw: Raw) -> None:
    raw["app"]["secret_key"] = {"$env": "MONITOR_SECRET_KEY", "default": "x"}
    assert "app.secret_key" in refusal(raw, {"MONITOR_SECRET_KEY": GOOD_SECRET})


# --- production needs a real secret ----------------------------------------------------


def _production(raw: Raw) -> Raw:
    raw["app"]["environment"] = "production"
    return raw


@pytest.mark.parametrize(
    "environ",
    [
        pytest.param({}, id="unset"),
        pytest.param({"MONITOR_SECRET_KEY": ""}, id="empty"),
        pytest.param({"MONITOR_SECRET_KEY": "change-me"}, id="placeholder"),
        pytest.param({"MONITOR_SECRET_KEY": "k" * 31}, id="31-chars"),
    ],
)
def test_production_refuses_a_missing_or_short_secret(raw: Raw, environ: dict[str, str]) -> None:
    message = refusal(_production(raw), environ)
    assert "app.secret_key" in message
    assert "32" in message


@pytest.mark.parametrize("length", [32, 64])
def test_production_accepts_a_32_char_secret(raw: Raw, length: int) -> None:
    config = parse_config(_production(raw), environ={"MONITOR_SECRET_KEY": "k" * length})
    assert config.app.environment == "production"
    assert config.app.secret_key == "k" * length


@pytest.mark.parametrize("environment", ["development", "test"])
def test_other_environments_run_without_a_secret(raw: Raw, environment: str) -> None:
    raw["app"]["environment"] = environment
    assert parse_config(raw, environ={}).app.secret_key is None


# --- the CADSS form: a prompt for every item the version asks, five anchor words ---------

CADSS_FORM = "protocols.0.ratings.cadss_form"


def _form(raw: Raw) -> Any:
    return raw["protocols"][0]["ratings"]["cadss_form"]


def test_repo_cadss_form_has_every_item_and_the_bremner_anchors() -> None:
    form = load_config(environ={}).default_protocol.ratings.cadss_form
    assert [item.number for item in form.prompts("CADSS-6")] == [1, 2, 6, 7, 15, 22]
    assert [item.number for item in form.prompts("CADSS-23")] == list(range(1, 24))
    assert form.anchors == ["Not at all", "Slightly", "Moderately", "Considerably", "Extremely"]
    assert "Bremner" in form.source and "Rodrigues" in form.source


@pytest.mark.parametrize("number", [1, 2, 6, 7, 15, 22])
def test_cadss6_item_without_prompt_names_the_key(raw: Raw, number: int) -> None:
    del _form(raw)["items"][number]
    message = refusal(raw)
    assert f"{CADSS_FORM} = " in message
    assert f"CADSS-6 asks item(s) with no prompt: add items.{number}" in message


def test_cadss6_needs_only_its_own_items(raw: Raw) -> None:
    items = _form(raw)["items"]
    _form(raw)["items"] = {n: items[n] for n in (1, 2, 6, 7, 15, 22)}
    assert parse_config(raw, environ={}).default_protocol.ratings.cadss_version == "CADSS-6"


def test_cadss23_needs_all_23_prompts(raw: Raw) -> None:
    raw["protocols"][0]["ratings"]["cadss_version"] = "CADSS-23"
    del _form(raw)["items"][3]
    del _form(raw)["items"][23]
    assert "CADSS-23 asks item(s) with no prompt: add items.3, items.23" in refusal(raw)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        pytest.param(
            lambda f: f["items"].update({6: ""}), f"{CADSS_FORM}.items.6 = ''", id="empty"
        ),
        pytest.param(lambda f: f["items"].update({6: "   "}), f"{CADSS_FORM}.items", id="blank"),
        pytest.param(
            lambda f: f["items"].update({6: "x" * 121}), f"{CADSS_FORM}.items.6 = ", id="too-long"
        ),
        pytest.param(lambda f: f["items"].update({24: "extra"}), f"{CADSS_FORM}.items.24", id="24"),
        pytest.param(lambda f: f["items"].update({0: "zero"}), f"{CADSS_FORM}.items.0", id="0"),
        pytest.param(lambda f: f["anchors"].pop(), f"{CADSS_FORM}.anchors = ", id="four-anchors"),
        pytest.param(
            lambda f: f["anchors"].append("Beyond"), f"{CADSS_FORM}.anchors = ", id="six-anchors"
        ),
        pytest.param(
            lambda f: f["anchors"].__setitem__(2, ""),
            f"{CADSS_FORM}.anchors.2 = ''",
            id="empty-anchor",
        ),
        pytest.param(lambda f: f.pop("source"), f"{CADSS_FORM}.source = missing", id="no-source"),
        pytest.param(lambda f: f.update({"wording": 1}), f"{CADSS_FORM}.wording = 1", id="unknown"),
    ],
)
def test_bad_cadss_form_names_the_key(raw: Raw, change: Callable[[Any], None], named: str) -> None:
    change(_form(raw))
    message = refusal(raw)
    assert message.startswith("invalid config:")
    assert named in message


def test_missing_cadss_form_names_the_key(raw: Raw) -> None:
    del raw["protocols"][0]["ratings"]["cadss_form"]
    assert f"{CADSS_FORM} = missing" in refusal(raw)


def test_clinic_can_load_its_licensed_wording(raw: Raw) -> None:
    _form(raw)["items"][6] = "Licensed wording of item 6, as the clinic's licence gives it"
    form = parse_config(raw, environ={}).default_protocol.ratings.cadss_form
    assert form.prompts("CADSS-6")[2].prompt.startswith("Licensed wording of item 6")
