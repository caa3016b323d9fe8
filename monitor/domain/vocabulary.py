"""The clinic's words: every state, phase, event, priority, action, meaning and measure a
record stores, each once, with the label a person reads for it.

Adding a member here is the one edit that starts a change of vocabulary; the database's
CHECK constraints are built from these enums, and tests/domain/test_vocabulary.py fails
until every label, constraint value and screen colour has been given for the new member.
Stored values never change: they are in every database and export already."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Worded(StrEnum):
    """A stored value with the words a person reads for it."""

    @property
    def label(self) -> str:
        return LABELS[type(self)][self]


class SessionState(Worded):
    PLANNED = "planned"
    BASELINE = "baseline"
    INFUSING = "infusing"
    PAUSED = "paused"
    RECOVERY = "recovery"
    DISCHARGED = "discharged"
    STOPPED_EARLY = "stopped_early"


class SessionEvent(Worded):
    BASELINE_RECORDED = "baseline_recorded"
    START_INFUSION = "start"
    PAUSE = "pause"
    RESUME = "resume"
    RATE_CHANGE = "rate_change"
    STOP_INFUSION = "stop"
    DISCHARGE = "discharge"
    END_EARLY = "end_early"
    SIGNED_EXIT = "signed_exit"


class InfusionEvent(Worded):
    """What the pump did, as the infusion event table stores it: the session events that a
    nurse records at the pump (their values are the same)."""

    START = SessionEvent.START_INFUSION.value
    PAUSE = SessionEvent.PAUSE.value
    RESUME = SessionEvent.RESUME.value
    RATE_CHANGE = SessionEvent.RATE_CHANGE.value
    STOP = SessionEvent.STOP_INFUSION.value

    @property
    def session_event(self) -> SessionEvent:
        return SessionEvent(self.value)


class ExitKind(Worded):
    """How a session left recovery without a discharge: the physician signs which."""

    TRANSFER = "transfer"
    AGAINST_ADVICE = "against_medical_advice"


class Phase(Worded):
    """The charting phase a reading belongs to."""

    BASELINE = "baseline"
    INFUSION = "infusion"
    RECOVERY = "recovery"


class Priority(Worded):
    """IEC 60601-1-8 alarm priorities."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class AcknowledgementAction(Worded):
    """What a physician records on acknowledging an alert."""

    OBSERVED = "observed"
    REPEAT_READING_ORDERED = "repeat_reading_ordered"
    INFUSION_PAUSED = "infusion_paused"
    MEDICATION_GIVEN = "medication_given"
    OTHER = "other"

    @property
    def in_a_sentence(self) -> str:
        """The action as it reads after a name and a time: '… 14:05: repeat reading
        ordered' (the session record and the PDF)."""
        return self.label.lower()


class SignatureMeaning(Worded):
    """What an electronic signature attests (21 CFR 11.50(a)(3))."""

    PERFORMED = "performed"
    APPROVED = "approved"
    EXIT = "exit"


class Measure(Worded):
    """What a reading records; the names used in config, storage and the form."""

    SYSTOLIC = "systolic"
    DIASTOLIC = "diastolic"
    HEART_RATE = "heart_rate"
    SPO2 = "spo2"
    RESP_RATE = "resp_rate"
    TEMPERATURE = "temperature"
    MOAAS = "moaas"

    @property
    def unit(self) -> str:
        return UNITS[self]


class Sex(Worded):
    """A patient's administrative sex, as FHIR R4's AdministrativeGender stores it."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class Indication(Worded):
    """What a treatment course treats."""

    PTSD = "ptsd"
    DEPRESSION = "treatment_resistant_depression"
    OTHER = "other"


class CourseStatus(Worded):
    """Where a treatment course stands: screening until screening is cleared and consent
    recorded, active while its sessions are given, then completed or stopped (with a
    reason)."""

    SCREENING = "screening"
    ACTIVE = "active"
    COMPLETED = "completed"
    STOPPED = "stopped"


class ScreeningAnswer(Worded):
    """The answer to one contraindication of the screening checklist."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class ScreeningDecision(Worded):
    """A physician's signed decision on a screening with a yes or an unknown."""

    CLEARED = "cleared"
    DECLINED = "declined"


class Questionnaire(Worded):
    """The symptom measures taken before dosing at each session."""

    PHQ9 = "phq9"
    PCL5 = "pcl5"


class Respondent(Worded):
    """How a questionnaire was answered: read out and entered by the nurse, or filled in
    by the patient on the tablet in patient mode."""

    NURSE = "nurse"
    PATIENT = "patient"


class PreDoseConcern(Worded):
    """What must be cleared by a physician before the infusion may start."""

    BASELINE_BP = "baseline_bp"
    SELF_HARM = "self_harm"


class SafetyFlagKind(Worded):
    """A flag raised by an answer rather than a reading; a physician acknowledges it."""

    SELF_HARM = "self_harm"


class Severity(Worded):
    """How bad an adverse event is: CTCAE v5.0 grades 1-4 (grade 5, death, is an outcome)."""

    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"
    LIFE_THREATENING = "life_threatening"

    @property
    def grade(self) -> int:
        return list(Severity).index(self) + 1


class AdverseEventOutcome(Worded):
    """How an adverse event ended, as ICH E2B(R3) words the outcome."""

    RESOLVED = "resolved"
    RESOLVING = "resolving"
    NOT_RESOLVED = "not_resolved"
    RESOLVED_WITH_SEQUELAE = "resolved_with_sequelae"
    FATAL = "fatal"
    UNKNOWN = "unknown"


class MedicationRoute(Worded):
    """How a rescue medication is given (the formulary names the routes of each drug)."""

    IV = "iv"
    IM = "im"
    PO = "po"
    ODT = "odt"
    SL = "sl"
    INTRANASAL = "intranasal"


class KetamineBalance(Worded):
    """Where a session's ketamine record stands: drawn against given plus wasted."""

    NOT_RECORDED = "not_recorded"  # nothing drawn and nothing given
    PENDING = "pending"  # the infusion has not stopped: the given volume is not final
    BALANCED = "balanced"
    DISCREPANCY = "discrepancy"  # drawn != given + wasted, no physician has resolved it
    RESOLVED = "resolved"  # a physician resolved this very imbalance with a reason
    GIVEN_WITHOUT_RECORD = "given_without_record"  # ketamine given, no draw recorded


# The measures a nurse types in the vitals form (MOAA/S is picked on its own scale), and
# those every reading must have.
VITAL_MEASURES: tuple[Measure, ...] = (
    Measure.SYSTOLIC,
    Measure.DIASTOLIC,
    Measure.HEART_RATE,
    Measure.SPO2,
    Measure.RESP_RATE,
    Measure.TEMPERATURE,
)
REQUIRED_MEASURES: tuple[Measure, ...] = VITAL_MEASURES[:5]

UNITS: Mapping[Measure, str] = {
    Measure.SYSTOLIC: "mmHg",
    Measure.DIASTOLIC: "mmHg",
    Measure.HEART_RATE: "/min",
    Measure.SPO2: "%",
    Measure.RESP_RATE: "/min",
    Measure.TEMPERATURE: "°C",
    Measure.MOAAS: "0–5",
}

LABELS: Mapping[type[Worded], Mapping[Worded, str]] = {
    SessionState: {
        SessionState.PLANNED: "Planned",
        SessionState.BASELINE: "Baseline",
        SessionState.INFUSING: "Infusing",
        SessionState.PAUSED: "Paused",
        SessionState.RECOVERY: "Recovery",
        SessionState.DISCHARGED: "Discharged",
        SessionState.STOPPED_EARLY: "Ended early",
    },
    SessionEvent: {
        SessionEvent.BASELINE_RECORDED: "Baseline recorded",
        SessionEvent.START_INFUSION: "Infusion started",
        SessionEvent.PAUSE: "Infusion paused",
        SessionEvent.RESUME: "Infusion resumed",
        SessionEvent.RATE_CHANGE: "Rate changed",
        SessionEvent.STOP_INFUSION: "Infusion stopped",
        SessionEvent.DISCHARGE: "Discharged",
        SessionEvent.END_EARLY: "Ended early",
        SessionEvent.SIGNED_EXIT: "Exit signed",
    },
    InfusionEvent: {
        InfusionEvent.START: "Infusion started",
        InfusionEvent.PAUSE: "Infusion paused",
        InfusionEvent.RESUME: "Infusion resumed",
        InfusionEvent.RATE_CHANGE: "Rate changed",
        InfusionEvent.STOP: "Infusion stopped",
    },
    ExitKind: {
        ExitKind.TRANSFER: "Transferred (e.g. to the emergency department)",
        ExitKind.AGAINST_ADVICE: "Left against medical advice",
    },
    Phase: {
        Phase.BASELINE: "Baseline",
        Phase.INFUSION: "Infusion",
        Phase.RECOVERY: "Recovery",
    },
    Priority: {
        Priority.HIGH: "HIGH",
        Priority.MEDIUM: "MEDIUM",
        Priority.LOW: "LOW",
    },
    AcknowledgementAction: {
        AcknowledgementAction.OBSERVED: "Observed",
        AcknowledgementAction.REPEAT_READING_ORDERED: "Repeat reading ordered",
        AcknowledgementAction.INFUSION_PAUSED: "Infusion paused",
        AcknowledgementAction.MEDICATION_GIVEN: "Medication given",
        AcknowledgementAction.OTHER: "Other",
    },
    SignatureMeaning: {
        SignatureMeaning.PERFORMED: "Performed",
        SignatureMeaning.APPROVED: "Approved",
        SignatureMeaning.EXIT: "Exit",
    },
    Measure: {
        Measure.SYSTOLIC: "Systolic",
        Measure.DIASTOLIC: "Diastolic",
        Measure.HEART_RATE: "Heart rate",
        Measure.SPO2: "SpO2",
        Measure.RESP_RATE: "Resp. rate",
        Measure.TEMPERATURE: "Temperature",
        Measure.MOAAS: "MOAA/S",
    },
    Sex: {
        Sex.FEMALE: "Female",
        Sex.MALE: "Male",
        Sex.OTHER: "Other",
        Sex.UNKNOWN: "Unknown",
    },
    Indication: {
        Indication.PTSD: "PTSD",
        Indication.DEPRESSION: "Treatment-resistant depression",
        Indication.OTHER: "Other",
    },
    CourseStatus: {
        CourseStatus.SCREENING: "Screening",
        CourseStatus.ACTIVE: "Active",
        CourseStatus.COMPLETED: "Completed",
        CourseStatus.STOPPED: "Stopped",
    },
    ScreeningAnswer: {
        ScreeningAnswer.YES: "Yes",
        ScreeningAnswer.NO: "No",
        ScreeningAnswer.UNKNOWN: "Unknown",
    },
    ScreeningDecision: {
        ScreeningDecision.CLEARED: "Cleared",
        ScreeningDecision.DECLINED: "Course declined",
    },
    Questionnaire: {
        Questionnaire.PHQ9: "PHQ-9",
        Questionnaire.PCL5: "PCL-5",
    },
    Respondent: {
        Respondent.NURSE: "Entered by the nurse",
        Respondent.PATIENT: "Filled in by the patient",
    },
    PreDoseConcern: {
        PreDoseConcern.BASELINE_BP: "Baseline blood pressure above the limit",
        PreDoseConcern.SELF_HARM: "Thoughts of self-harm (PHQ-9 item 9)",
    },
    SafetyFlagKind: {
        SafetyFlagKind.SELF_HARM: "Self-harm thoughts (PHQ-9 item 9)",
    },
    Severity: {
        Severity.MILD: "Grade 1: mild",
        Severity.MODERATE: "Grade 2: moderate",
        Severity.SEVERE: "Grade 3: severe",
        Severity.LIFE_THREATENING: "Grade 4: life-threatening",
    },
    AdverseEventOutcome: {
        AdverseEventOutcome.RESOLVED: "Resolved",
        AdverseEventOutcome.RESOLVING: "Resolving",
        AdverseEventOutcome.NOT_RESOLVED: "Not resolved",
        AdverseEventOutcome.RESOLVED_WITH_SEQUELAE: "Resolved with sequelae",
        AdverseEventOutcome.FATAL: "Fatal",
        AdverseEventOutcome.UNKNOWN: "Unknown",
    },
    MedicationRoute: {
        MedicationRoute.IV: "IV",
        MedicationRoute.IM: "IM",
        MedicationRoute.PO: "PO (by mouth)",
        MedicationRoute.ODT: "ODT (dissolves on the tongue)",
        MedicationRoute.SL: "SL (under the tongue)",
        MedicationRoute.INTRANASAL: "Intranasal",
    },
    KetamineBalance: {
        KetamineBalance.NOT_RECORDED: "No ketamine recorded",
        KetamineBalance.PENDING: "Infusion not finished",
        KetamineBalance.BALANCED: "Balanced",
        KetamineBalance.DISCREPANCY: "Open discrepancy",
        KetamineBalance.RESOLVED: "Discrepancy resolved",
        KetamineBalance.GIVEN_WITHOUT_RECORD: "Given with no ketamine record",
    },
}

# Every enum of the vocabulary, for the tests that hold labels, constraints and colours
# complete.
VOCABULARY: tuple[type[Worded], ...] = tuple(LABELS)


def label_of(vocabulary: type[Worded], stored: str) -> str:
    """The words for a stored value; one no longer in the vocabulary is shown as stored,
    never hidden."""
    try:
        return vocabulary(stored).label
    except ValueError:
        return stored.replace("_", " ")
