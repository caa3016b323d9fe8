"""One demo session's steps, each at its moment: open, the questionnaires and the baseline,
a physician's clearance where one is needed, the infusion and its readings, recovery, and
for a finished session the sign-off."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from datetime import datetime, timedelta

from monitor.demo.interventions import (
    Ketamine,
    plan_ketamine,
    plan_nausea,
    treat_hypertension,
)
from monitor.demo.session import (
    BASELINE_CLEARED,
    OPENED_BEFORE_START,
    RAISED_BASELINE,
    SELF_HARM_CLEARED,
    SessionSteps,
)
from monitor.domain.questionnaire_items import FORMS
from monitor.domain.scales import cadss_item_numbers
from monitor.domain.session_state import SessionEvent
from monitor.domain.vitals import VitalSigns
from monitor.domain.vocabulary import PreDoseConcern, Questionnaire


def simulated_vitals(
    rng: random.Random, base: VitalSigns, minute: float, rise: float
) -> VitalSigns:
    """BP rising to a peak near 40 min and easing back over the next hour and a half."""
    if minute <= 40:
        effect = math.sin(math.pi / 2 * max(minute, 0) / 40)
    else:
        effect = math.exp(-(minute - 40) / 35)
    moaas = 5 if effect < 0.45 else (4 if effect < 0.9 or rise < 40 else 3)
    return VitalSigns(
        systolic=round(base.systolic + rise * effect + rng.uniform(-3, 3)),
        diastolic=round(base.diastolic + rise * 0.55 * effect + rng.uniform(-2, 2)),
        heart_rate=round(base.heart_rate + 12 * effect + rng.uniform(-3, 3)),
        spo2=min(100, round(base.spo2 - 1.5 * effect + rng.uniform(-0.5, 0.5))),
        resp_rate=round(base.resp_rate + rng.uniform(-1, 1)),
        moaas=moaas,
    )


def simulated_cadss(
    rng: random.Random, items: tuple[int, ...], minute: float, lingering: bool
) -> dict[int, int]:
    """Dissociation peaks at the end of the infusion and has resolved by 120 minutes,
    unless it lingers."""
    level, spread = (
        (0.0, 0.3)
        if minute == 0
        else (2.2, 0.8)
        if minute <= 45
        else ((1.5, 0.4) if lingering else (0.0, 0.3))
    )
    return {item: max(0, min(4, round(rng.gauss(level, spread)))) for item in items}


def item_answers(
    rng: random.Random, form: Questionnaire, total: int, fixed: Mapping[int, int]
) -> dict[int, int]:
    """Answers to every item of `form` adding up to `total`, the items in `fixed` answered
    as given and the rest spread at random on the form's scale."""
    scale = FORMS[form]
    scores = {number: fixed.get(number, 0) for number in scale.numbers}
    free = [number for number in scores if number not in fixed]
    left = total - sum(scores.values())
    if not 0 <= left <= scale.item_max * len(free):
        raise ValueError(f"{scale.version}: a total of {total} does not fit its items")
    while left:
        number = rng.choice([n for n in free if scores[n] < scale.item_max])
        scores[number] += 1
        left -= 1
    return scores


def _first_high_treated(steps: SessionSteps, reading_id: int, taken: datetime) -> None:
    if not steps.hypertension_treated:
        treat_hypertension(steps, reading_id, taken)


def plan_session(steps: SessionSteps, rng: random.Random) -> None:
    """Put one session's steps on the timeline."""
    protocol = steps.config.default_protocol
    schedule, plan, start, at = protocol.schedule, steps.plan, steps.start, steps.timeline.at
    weight = 60 + rng.random() * 40
    systolic, diastolic = (
        RAISED_BASELINE if plan.raised_baseline else (rng.randint(114, 136), rng.randint(70, 86))
    )
    base = VitalSigns(
        systolic=systolic,
        diastolic=diastolic,
        heart_rate=rng.randint(62, 84),
        spo2=rng.randint(97, 99),
        resp_rate=rng.randint(12, 16),
        moaas=5,
    )
    items = cadss_item_numbers(protocol.ratings.cadss_version)

    def minutes(m: float) -> datetime:
        return start + timedelta(minutes=m)

    def reading(minute: float, key: str) -> None:
        # Taken near its due time: up to a minute early or 24 s late.
        when = minutes(minute + rng.uniform(-1.0, 0.4))
        vitals = base if minute < 0 else simulated_vitals(rng, base, minute, plan.rise)
        at(when, lambda: steps.reading(when, vitals, key))

    def rating(minute: float, after: float) -> None:
        answers = simulated_cadss(rng, items, minute, plan.override)
        at(minutes(after), lambda: steps.rating(minutes(after), answers, minute))

    def questionnaire(
        form: Questionnaire, total: int, minute: float, fixed: Mapping[int, int]
    ) -> None:
        answers, when = item_answers(rng, form, total, fixed), minutes(minute)
        at(when, lambda: steps.questionnaire(when, form, answers))

    def clear(concern: PreDoseConcern, reason: str, minute: float) -> None:
        when = minutes(minute)
        at(when, lambda: steps.clear(when, concern, reason))

    at(minutes(-OPENED_BEFORE_START), lambda: steps.open(weight))
    if plan.phq9 is not None:
        questionnaire(Questionnaire.PHQ9, plan.phq9, -10, {9: plan.item9})
    if plan.pcl5 is not None:
        questionnaire(Questionnaire.PCL5, plan.pcl5, -9, {})
    reading(-6, "baseline")
    rating(0, after=-4)  # the baseline CADSS, before dosing
    if plan.raised_baseline:
        clear(PreDoseConcern.BASELINE_BP, BASELINE_CLEARED, -3)
    if plan.item9:
        clear(PreDoseConcern.SELF_HARM, SELF_HARM_CLEARED, -2)
    stop_at = protocol.infusion_minutes
    stopped = minutes(stop_at + 0.5)  # the planned dose has run
    plan_ketamine(steps, Ketamine(plan.ketamine), minutes(-5), stopped)
    if plan.nausea_minute is not None:
        plan_nausea(steps, minutes(plan.nausea_minute), minutes(plan.nausea_minute + 20))
    if plan.treat_hypertension:
        steps.after_flag = _first_high_treated
    at(start, lambda: steps.pump(start, SessionEvent.START_INFUSION, "start"))
    minute = schedule.infusion_interval_minutes
    while minute <= stop_at:
        reading(minute, f"i{minute:g}")
        minute += schedule.infusion_interval_minutes
    at(stopped, lambda: steps.pump(stopped, SessionEvent.STOP_INFUSION, "stop"))
    rating(40, after=stop_at + 1)
    minute = stop_at + schedule.recovery_interval_minutes
    while minute <= schedule.min_observation_minutes:
        reading(minute, f"r{minute:g}")
        minute += schedule.recovery_interval_minutes
    rating(120, after=schedule.min_observation_minutes + 1)
    if plan.finish:
        reading(schedule.min_observation_minutes + 1, "final")
        ready = minutes(schedule.min_observation_minutes + 2)
        signed, approved = ready + timedelta(minutes=1), ready + timedelta(minutes=4)
        at(ready, lambda: steps.assess(ready))
        at(signed, lambda: steps.sign(signed))
        at(approved, lambda: steps.approve(approved))
