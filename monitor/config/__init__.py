"""Load and validate `config.yaml`: every clinical number, checked before the app starts."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from monitor.config.course import ConsentForm, Course, Measurement, Screening
from monitor.config.interventions import AdverseEvents, Formulary, Ketamine
from monitor.domain.clock import CLOCK_SKEW
from monitor.domain.cosign import COSIGN_WINDOW
from monitor.domain.free_text import MAX_FREE_TEXT
from monitor.domain.override import MIN_OVERRIDE_REASON
from monitor.domain.rate_change import MAX_RATE_ML_PER_H
from monitor.domain.reasons import MIN_EXIT_REASON
from monitor.domain.scales import (
    CADSS_ANCHOR_COUNT,
    CADSS_ITEMS,
    CadssItem,
    cadss_form,
    missing_cadss_prompts,
)
from monitor.domain.vocabulary import Measure, Priority

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_CONFIG_PATH = REPO_ROOT / "config.yaml"
PLACEHOLDER_SECRETS = {"", "change-me", "changeme", "secret", "dev"}

Minutes = Annotated[float, Field(gt=0, le=24 * 60)]


class ConfigError(Exception):
    """A config file that cannot be used; the message names the key and the value."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Clinic(Strict):
    name: str = Field(min_length=1)
    time_zone: str
    chairs: list[str] = Field(min_length=1)

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r}") from exc
        return value

    @field_validator("chairs")
    @classmethod
    def _unique_chairs(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("chair names must be unique")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


class AppSettings(Strict):
    secret_key: str | None = None
    environment: Literal["development", "production", "test"] = "development"
    bedside_refresh_seconds: float = Field(default=15, gt=0, le=600)
    # How many reverse proxies in front of the app to trust for the client's address
    # (X-Forwarded-For) and scheme (X-Forwarded-Proto); 0: none, the headers are ignored.
    trusted_proxies: int = Field(default=0, ge=0, le=3)


class Security(Strict):
    idle_timeout_minutes: float = Field(default=30, gt=0, le=24 * 60)
    idle_warning_seconds: float = Field(default=60, gt=0, le=600)
    login_max_failures: int = Field(default=5, ge=1, le=100)
    login_window_minutes: float = Field(default=15, gt=0, le=24 * 60)
    lockout_minutes: float = Field(default=15, gt=0, le=24 * 60)
    login_max_failures_per_username: int = Field(default=50, ge=1, le=10_000)
    login_max_usernames_per_source: int = Field(default=5, ge=1, le=1_000)
    # A sign-in ends this long after it began, however busy (finding 7): at most a week.
    session_lifetime_hours: float = Field(default=12, gt=0, le=7 * 24)
    # The largest request body read (bytes); anything larger is refused unread (413).
    max_request_bytes: int = Field(default=1024 * 1024, ge=64 * 1024, le=64 * 1024 * 1024)

    @model_validator(mode="after")
    def _ceiling_above_per_address_limit(self) -> Security:
        if self.login_max_failures_per_username < self.login_max_failures:
            raise ValueError("login_max_failures_per_username must be at least login_max_failures")
        return self


class Board(Strict):
    refresh_seconds: float = Field(default=5, gt=0, le=300)
    escalate_after_minutes: float = Field(default=5, gt=0, le=240)
    sound_on_new_high: bool = False


class SignOff(Strict):
    """The recovery sign-off's numbers (domain/override.py, reasons.py, cosign.py)."""

    cosign_window_hours: float = Field(
        default=COSIGN_WINDOW.total_seconds() / 3600, gt=0, le=7 * 24
    )
    override_reason_min_chars: int = Field(default=MIN_OVERRIDE_REASON, ge=1, le=MAX_FREE_TEXT)
    exit_reason_min_chars: int = Field(default=MIN_EXIT_REASON, ge=1, le=MAX_FREE_TEXT)

    @property
    def cosign_window(self) -> timedelta:
        return timedelta(hours=self.cosign_window_hours)


class Infusion(Strict):
    """What a rate entered at the pump may be (domain/rate_change.py)."""

    max_rate_ml_per_h: float = Field(default=MAX_RATE_ML_PER_H, gt=0, le=10_000)


class Readings(Strict):
    """How far a reading's time may differ from the server's clock (domain/clock.py)."""

    clock_skew_minutes: float = Field(default=CLOCK_SKEW.total_seconds() / 60, ge=0, le=60)

    @property
    def clock_skew(self) -> timedelta:
        return timedelta(minutes=self.clock_skew_minutes)


class Chart(Strict):
    """How the vital-signs charts are scaled (screens and the PDF)."""

    # SpO2 %: a fixed range, so a one-point change does not look like a desaturation.
    spo2_range: tuple[
        Annotated[float, Field(ge=0, le=100)], Annotated[float, Field(ge=0, le=100)]
    ] = (
        80,
        100,
    )

    @field_validator("spo2_range")
    @classmethod
    def _ordered_range(cls, value: tuple[float, float]) -> tuple[float, float]:
        if value[0] >= value[1]:
            raise ValueError(f"the lower end ({value[0]:g}) must be below the upper ({value[1]:g})")
        return value


class Range(Strict):
    min: float
    max: float

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.min >= self.max:
            raise ValueError(f"min ({self.min}) must be below max ({self.max})")
        return self


class Plausibility(Strict):
    systolic: Range
    diastolic: Range
    heart_rate: Range
    spo2: Range
    resp_rate: Range
    temperature: Range
    weight: Range

    def for_measure(self, name: str) -> Range:
        return getattr(self, name)  # type: ignore[no-any-return]


class Schedule(Strict):
    infusion_interval_minutes: Minutes
    recovery_interval_minutes: Minutes
    grace_minutes: Annotated[float, Field(ge=0, le=60)]
    min_observation_minutes: Minutes


CadssVersion = Literal["CADSS-6", "CADSS-23"]
CADSS_PROMPT_MAX = 120
CADSS_ANCHOR_MAX = 24
CadssPrompt = Annotated[str, Field(min_length=1, max_length=CADSS_PROMPT_MAX)]
CadssAnchor = Annotated[str, Field(min_length=1, max_length=CADSS_ANCHOR_MAX)]


class CadssForm(Strict):
    """What the bedside form shows: a prompt per CADSS item and a word per score 0–4."""

    source: str = Field(min_length=1, max_length=500)
    anchors: list[CadssAnchor] = Field(min_length=CADSS_ANCHOR_COUNT, max_length=CADSS_ANCHOR_COUNT)
    items: dict[Annotated[int, Field(ge=1, le=max(CADSS_ITEMS["CADSS-23"]))], CadssPrompt]

    @field_validator("anchors", "items", mode="after")
    @classmethod
    def _not_blank(cls, value: Any) -> Any:
        words = value.values() if isinstance(value, dict) else value
        if any(not word.strip() for word in words):
            raise ValueError("must not be blank")
        return value

    def prompts(self, version: str) -> tuple[CadssItem, ...]:
        """The version's items in order, each with its prompt."""
        return cadss_form(version, self.items)


class Ratings(Strict):
    cadss_version: CadssVersion
    cadss_at_minutes: list[Annotated[float, Field(ge=0, le=24 * 60)]]
    cadss_dissociation_cutoff: Annotated[float, Field(ge=0, le=92)]
    moaas_with_every_reading: bool
    cadss_form: CadssForm

    @field_validator("cadss_form")
    @classmethod
    def _every_item_has_a_prompt(cls, value: CadssForm, info: ValidationInfo) -> CadssForm:
        version = info.data.get("cadss_version")
        if version is None:
            return value  # the version itself is refused; its error is reported
        missing = missing_cadss_prompts(version, value.items)
        if missing:
            keys = ", ".join(f"items.{n}" for n in missing)
            raise ValueError(f"{version} asks item(s) with no prompt: add {keys}")
        return value

    @field_validator("cadss_at_minutes")
    @classmethod
    def _sorted_unique(cls, value: list[float]) -> list[float]:
        if sorted(set(value)) != value:
            raise ValueError("times must be increasing, without repeats")
        return value


ChecklistItem = Literal[
    "oriented",
    "steady_gait",
    "nausea_controlled",
    "escort_present",
    "no_driving_instructions",
    "written_instructions",
]


class Discharge(Strict):
    aldrete_minimum: Annotated[int, Field(ge=0, le=10)]
    within_percent_of_baseline: Annotated[float, Field(gt=0, le=100)]
    moaas_required: Annotated[int, Field(ge=0, le=5)]
    reading_max_age_minutes: Minutes
    checklist: list[ChecklistItem]

    @field_validator("checklist")
    @classmethod
    def _unique_items(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("checklist items must not repeat")
        return value


class Rems(Strict):
    sedation_moaas_at_or_below: Annotated[int, Field(ge=0, le=5)]
    respiratory_depression_spo2_below: Annotated[float, Field(ge=50, le=100)]
    respiratory_depression_rr_below: Annotated[float, Field(ge=1, le=30)]
    acceptable_baseline_systolic_max: Annotated[float, Field(ge=80, le=250)]
    acceptable_baseline_diastolic_max: Annotated[float, Field(ge=40, le=150)]
    bp_at_minutes: Minutes
    bp_at_window_minutes: Minutes


Op = Literal[">=", ">", "<=", "<"]


class Condition(Strict):
    measure: Measure
    basis: Literal["absolute", "change_from_baseline"]
    op: Op
    value: float


class ExcursionRule(Strict):
    code: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9-]*$")
    label: str = Field(min_length=1)
    priority: Priority
    source: str = Field(min_length=1)
    any_of: list[Condition] = Field(min_length=1)


class Protocol(Strict):
    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-]*$")
    name: str = Field(min_length=1)
    route: Literal["IV", "IM", "SL", "IN"]
    dose_mg_per_kg: Annotated[float, Field(gt=0, le=5)]
    infusion_minutes: Minutes
    concentration_mg_per_ml: Annotated[float, Field(gt=0, le=100)]
    schedule: Schedule
    ratings: Ratings
    discharge: Discharge
    rems: Rems
    excursion_rules: list[ExcursionRule]

    @field_validator("excursion_rules")
    @classmethod
    def _unique_codes(cls, value: list[ExcursionRule]) -> list[ExcursionRule]:
        codes = [rule.code for rule in value]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise ValueError(f"rule codes must be unique; repeated: {', '.join(duplicates)}")
        return value


class Config(Strict):
    clinic: Clinic
    app: AppSettings = AppSettings()
    board: Board = Board()
    security: Security = Security()
    chart: Chart = Chart()  # issue 9 (chart)
    sign_off: SignOff = SignOff()
    infusion: Infusion = Infusion()
    readings: Readings = Readings()
    plausibility: Plausibility
    # The clinic around the chair (monitor/config/course.py).
    course: Course = Course()
    screening: Screening
    consent: ConsentForm
    measurement: Measurement = Measurement()
    # What was given and what happened (monitor/config/interventions.py).
    adverse_events: AdverseEvents
    formulary: Formulary
    ketamine: Ketamine
    protocols: list[Protocol] = Field(min_length=1)

    @field_validator("protocols")
    @classmethod
    def _unique_ids(cls, value: list[Protocol]) -> list[Protocol]:
        ids = [protocol.id for protocol in value]
        if len(set(ids)) != len(ids):
            raise ValueError("protocol ids must be unique")
        return value

    def protocol(self, protocol_id: str) -> Protocol:
        for protocol in self.protocols:
            if protocol.id == protocol_id:
                return protocol
        raise KeyError(protocol_id)

    @property
    def default_protocol(self) -> Protocol:
        return self.protocols[0]


def _resolve_env(node: Any, path: str, environ: dict[str, str]) -> Any:
    """Replace `{"$env": NAME}` references with the environment's value (or None)."""
    if isinstance(node, dict):
        if set(node) == {"$env"}:
            name = node["$env"]
            if not isinstance(name, str):
                raise ConfigError(f"{path}: $env must name an environment variable")
            return environ.get(name)
        return {
            key: _resolve_env(value, f"{path}.{key}" if path else key, environ)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [
            _resolve_env(value, f"{path}[{index}]", environ) for index, value in enumerate(node)
        ]
    return node


def _describe(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"])
        value = item.get("input")
        shown = "missing" if item["type"] == "missing" else repr(value)
        lines.append(f"{key} = {shown}: {item['msg']}")
    return "invalid config:\n  " + "\n  ".join(lines)


def parse_config(raw: Any, *, environ: dict[str, str] | None = None) -> Config:
    """Validate an already-parsed YAML document; raise ConfigError naming the key."""
    env = dict(os.environ) if environ is None else environ
    if not isinstance(raw, dict):
        raise ConfigError("invalid config: the top level must be a mapping")
    resolved = _resolve_env(raw, "", env)
    try:
        config = Config.model_validate(resolved)
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None
    secret = config.app.secret_key
    if config.app.environment == "production" and (
        secret is None or secret in PLACEHOLDER_SECRETS or len(secret) < 32
    ):
        raise ConfigError(
            "app.secret_key: production needs a secret of at least 32 characters "
            "from the environment (MONITOR_SECRET_KEY)"
        )
    return config


def load_config(path: str | Path | None = None, *, environ: dict[str, str] | None = None) -> Config:
    """Read and validate a config file (default: MONITOR_CONFIG, else the repo's config.yaml)."""
    env = dict(os.environ) if environ is None else environ
    chosen = Path(path or env.get("MONITOR_CONFIG") or DEFAULT_CONFIG_PATH)
    try:
        raw = yaml.safe_load(chosen.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config file {chosen}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"config file {chosen} is not valid YAML: {exc}") from None
    return parse_config(raw, environ=env)


DEFAULT_DATABASE_FILE = "monitor.db"


@dataclass(frozen=True)
class Settings:
    """What one running app needs: the validated config, its database and its instance folder."""

    config: Config
    database_url: str
    instance_path: Path


def load_settings(
    config_path: str | Path | None = None, *, environ: dict[str, str] | None = None
) -> Settings:
    """Settings from the environment: MONITOR_CONFIG, MONITOR_DATABASE_URL, MONITOR_INSTANCE."""
    env = dict(os.environ) if environ is None else environ
    config = load_config(config_path, environ=env)
    instance = Path(env.get("MONITOR_INSTANCE") or REPO_ROOT / "instance")
    url = env.get("MONITOR_DATABASE_URL") or f"sqlite:///{instance / DEFAULT_DATABASE_FILE}"
    return Settings(config=config, database_url=url, instance_path=instance)
