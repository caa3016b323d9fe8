"""The config of what was given and what happened: the adverse-event picklist, the rescue
formulary and the ketamine products (docs/clinical.md "Adverse events", "Rescue
medications", "The ketamine record"). The clinic's medical director sets every value."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from monitor.domain.vocabulary import MedicationRoute, Severity

CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _code(value: str) -> str:
    if not CODE.match(value):
        raise ValueError("a code is 2-40 lowercase letters, digits or underscores")
    return value


def _unique(codes: list[str], what: str) -> None:
    if len(set(codes)) != len(codes):
        raise ValueError(f"{what} codes must be unique")


class AdverseEventKind(_Strict):
    """One entry of the adverse-event picklist, with its published source."""

    code: str
    label: str = Field(min_length=1, max_length=120)
    source: str = Field(min_length=1, max_length=300)
    # "Other" says what in a note; any kind may carry one.
    note_required: bool = False

    @field_validator("code")
    @classmethod
    def _check_code(cls, value: str) -> str:
        return _code(value)


class AdverseEvents(_Strict):
    """The picklist, and from which grade an event goes to the physician's board."""

    kinds: list[AdverseEventKind] = Field(min_length=1)
    # An event of this severity or worse (or one marked serious) raises a high-priority
    # flag on the board that a physician acknowledges.
    board_flag_from: Severity = Severity.SEVERE
    # An event of this severity or worse (or one marked serious) answers the REMS form's
    # serious-adverse-event question yes.
    rems_serious_from: Severity = Severity.SEVERE

    @field_validator("kinds")
    @classmethod
    def _unique_codes(cls, value: list[AdverseEventKind]) -> list[AdverseEventKind]:
        _unique([kind.code for kind in value], "adverse event")
        return value

    def kind(self, code: str) -> AdverseEventKind:
        for kind in self.kinds:
            if kind.code == code:
                return kind
        raise KeyError(code)


class RescueDrug(_Strict):
    """One drug of the rescue formulary: how it may be given, and by whose order."""

    code: str
    name: str = Field(min_length=1, max_length=80)
    # As the label reads: "4 mg/2 mL", "4 mg tablet".
    strength: str = Field(min_length=1, max_length=80)
    routes: list[MedicationRoute] = Field(min_length=1)
    unit: str = Field(default="mg", min_length=1, max_length=16)
    # The usual dose range of one administration, in `unit`.
    dose_min: float = Field(gt=0)
    dose_max: float = Field(gt=0)
    # The most given in one session, in `unit`, counting every administration.
    max_per_session: float = Field(gt=0)
    # A standing order: a nurse may give it within the range and the session maximum.
    # Otherwise each administration needs a physician's signed order.
    standing_order: bool
    source: str = Field(min_length=1, max_length=300)

    @field_validator("code")
    @classmethod
    def _check_code(cls, value: str) -> str:
        return _code(value)

    @field_validator("routes")
    @classmethod
    def _unique_routes(cls, value: list[MedicationRoute]) -> list[MedicationRoute]:
        if len(set(value)) != len(value):
            raise ValueError("each route at most once")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> RescueDrug:
        if self.dose_min > self.dose_max:
            raise ValueError("dose_min must not exceed dose_max")
        if self.max_per_session < self.dose_max:
            raise ValueError("max_per_session must be at least dose_max")
        return self


class Formulary(_Strict):
    drugs: list[RescueDrug] = Field(min_length=1)

    @field_validator("drugs")
    @classmethod
    def _unique_codes(cls, value: list[RescueDrug]) -> list[RescueDrug]:
        _unique([drug.code for drug in value], "drug")
        return value

    def drug(self, code: str) -> RescueDrug:
        for drug in self.drugs:
            if drug.code == code:
                return drug
        raise KeyError(code)


class KetamineProduct(_Strict):
    """A ketamine product the clinic stocks, as its vial is labelled."""

    code: str
    name: str = Field(min_length=1, max_length=120)
    concentration_mg_per_ml: float = Field(gt=0, le=100)
    # Where the concentration is printed: the product's label.
    source: str = Field(min_length=1, max_length=300)

    @field_validator("code")
    @classmethod
    def _check_code(cls, value: str) -> str:
        return _code(value)


class Ketamine(_Strict):
    """The controlled-substance record of each session (21 CFR 1304.22; 21 CFR 1317.90)."""

    products: list[KetamineProduct] = Field(min_length=1)
    # Drawn = given + wasted is checked to this many millilitres (the figures are rounded
    # to it; a smaller difference is the pump's and the syringe's rounding).
    balance_to_ml: float = Field(default=0.01, gt=0, le=1)

    @field_validator("products")
    @classmethod
    def _unique_codes(cls, value: list[KetamineProduct]) -> list[KetamineProduct]:
        _unique([product.code for product in value], "product")
        return value

    def product(self, code: str) -> KetamineProduct:
        for product in self.products:
            if product.code == code:
                return product
        raise KeyError(code)
