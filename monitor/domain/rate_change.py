"""A new infusion rate entered at the chair: above zero and no more than an entry guard.

The guard catches a slip of the finger (2250 for 225), not a clinical limit: the planned
rate of the heaviest patient the config allows (300 kg, 0.5 mg/kg over 40 min at 1 mg/mL)
is 225 mL/h, so 1000 mL/h leaves room for any protocol while refusing a typo. The clinic's
value is `infusion.max_rate_ml_per_h` in config.yaml.
"""

from __future__ import annotations

from monitor.domain.errors import refuse

MAX_RATE_ML_PER_H = 1000.0


def check_rate(rate_ml_per_h: float | None, *, maximum: float = MAX_RATE_ML_PER_H) -> float:
    """The new rate, or refused at the rate field when missing, zero or above `maximum`."""
    if rate_ml_per_h is None or not 0 < rate_ml_per_h <= maximum:
        raise refuse("rate", f"Enter the new rate in mL/h, above 0 and up to {maximum:g}")
    return rate_ml_per_h
