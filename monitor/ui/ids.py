"""Component ids, prefixed per page so no two pages collide."""

from __future__ import annotations

VITAL_INPUTS = ("systolic", "diastolic", "heart_rate", "spo2", "resp_rate", "temperature")


class Shell:
    LOCATION = "shell-location"
    THEME = "shell-theme"
    THEME_TOGGLE = "shell-theme-toggle"


class Bedside:
    SESSION = "bed-session-id"
    CHAIR = "bed-chair"
    REFRESH = "bed-refresh"
    TICK = "bed-tick"
    VERSION = "bed-version"
    DUE = "bed-due"
    DUE_CLOCK = "bed-due-clock"
    COUNTDOWN = "bed-countdown"
    HEADER = "bed-header"
    STATE = "bed-state"
    READING_KEY = "bed-reading-key"
    MOAAS = "bed-moaas"
    SAVE = "bed-save"
    RESULT = "bed-result"
    FLAGS = "bed-flags"
    TREND = "bed-trend"
    TABLE = "bed-table"
    EVENT_KEY = "bed-event-key"
    EVENT_REASON = "bed-event-reason"
    RATE = "bed-rate"
    EVENT_MESSAGE = "bed-event-message"
    START = "bed-start"
    PAUSE = "bed-pause"
    RESUME = "bed-resume"
    STOP = "bed-stop"
    RATE_CHANGE = "bed-rate-change"
    END_EARLY = "bed-end-early"
    CADSS_CARD = "bed-cadss-card"
    CADSS_DUE = "bed-cadss-due"
    CADSS_ITEM = "bed-cadss-item"  # pattern-matching type: {"type": CADSS_ITEM, "item": n}
    CADSS_KEY = "bed-cadss-key"
    CADSS_SAVE = "bed-cadss-save"
    CADSS_MESSAGE = "bed-cadss-message"
    LAST_VALUES = "bed-last"  # prefix: bed-last-systolic ...
    # opening a session
    OPEN_PATIENT = "bed-open-patient"
    OPEN_WEIGHT = "bed-open-weight"
    OPEN_PROTOCOL = "bed-open-protocol"
    OPEN_DOSE = "bed-open-dose"
    OPEN_KEY = "bed-open-key"
    OPEN_SUBMIT = "bed-open-submit"
    OPEN_MESSAGE = "bed-open-message"
    OPEN_REDIRECT = "bed-open-redirect"
    OPEN_WEIGHTS = "bed-open-weights"

    @staticmethod
    def vital(name: str) -> str:
        return f"bed-{name.replace('_', '-')}"

    @staticmethod
    def feedback(name: str) -> str:
        return f"bed-{name.replace('_', '-')}-feedback"

    @staticmethod
    def last(name: str) -> str:
        return f"bed-last-{name.replace('_', '-')}"

    # issue 9 (dose): ending early through a dialog, the physician's signed exit, the dose
    END_MODAL = "bed-end-modal"
    END_EXPLAIN = "bed-end-explain"
    END_REASON = "bed-end-reason"
    END_PROBLEM = "bed-end-problem"
    END_CONFIRM = "bed-end-confirm"
    END_CANCEL = "bed-end-cancel"
    END_RESULT = "bed-end-result"
    EXIT_OPEN = "bed-exit-open"
    EXIT_HINT = "bed-exit-hint"
    # the signed exit's own callbacks are the physician's: a prefix of their own
    EXIT_MODAL = "exit-modal"
    EXIT_KIND = "exit-kind"
    EXIT_REASON = "exit-reason"
    EXIT_PASSWORD = "exit-password"
    EXIT_PROBLEM = "exit-problem"
    EXIT_CONFIRM = "exit-confirm"
    EXIT_CANCEL = "exit-cancel"
    EXIT_RESULT = "exit-result"
    DOSE_GIVEN = "bed-dose-given"
    DOSE_CUE = "bed-dose-cue"


class PreDose:
    """The bedside's pre-dose card (issue 12): what the nurse sees is refreshed with the
    panel (`bed-` ids); the physician's clearance has a prefix of its own."""

    CARD = "bed-predose-card"
    STATUS = "bed-predose-status"
    COURSE_PLACE = "bed-course-place"
    FORM = "bed-predose-form"  # shown to a physician while something may be cleared
    CONCERN = "predose-concern"
    REASON = "predose-reason"
    REASON_PROBLEM = "predose-reason-problem"
    KEY = "predose-key"
    CLEAR = "predose-clear"
    MESSAGE = "predose-message"
    PATIENT_MODE = "bed-patient-mode"  # hands the tablet to the patient (questionnaires)
    PATIENT_MODE_FORMS = "bed-patient-mode-forms"
    PATIENT_MODE_MESSAGE = "bed-patient-mode-message"
    PATIENT_MODE_GO = "bed-patient-mode-go"
    OPEN_PATIENT_PROBLEM = "bed-open-patient-problem"
    OPEN_WEIGHT_PROBLEM = "bed-open-weight-problem"
    OPEN_PROTOCOL_PROBLEM = "bed-open-protocol-problem"


class Board:
    REFRESH = "board-refresh"
    VERSION = "board-version"
    TILES = "board-tiles"
    UPDATED = "board-updated"
    HIGHS = "board-highs"
    SOUND = "board-sound"
    SOUND_SINK = "board-sound-sink"
    ALERTS = "board-alerts"
    ACK_OPEN = "board-ack-open"  # pattern-matching: {"type": ACK_OPEN, "session": id}
    MODAL = "board-ack-modal"
    MODAL_BODY = "board-ack-body"
    TARGET = "board-ack-target"
    ACTION = "board-ack-action"
    NOTE = "board-ack-note"
    KEY = "board-ack-key"
    CONFIRM = "board-ack-confirm"
    CANCEL = "board-ack-cancel"
    MESSAGE = "board-ack-message"
    # issue 12: the open safety flags (PHQ-9 item 9) and their dialog
    FLAGS = "board-flags"
    FLAG_OPEN = "board-flag-open"  # pattern-matching: {"type": FLAG_OPEN, "session": id}
    FLAG_MODAL = "board-flag-modal"
    FLAG_BODY = "board-flag-body"
    FLAG_TARGET = "board-flag-target"
    FLAG_NOTE = "board-flag-note"
    FLAG_KEY = "board-flag-key"
    FLAG_ACK = "board-flag-ack"
    FLAG_CLEAR = "board-flag-clear"
    FLAG_CANCEL = "board-flag-cancel"
    FLAG_MESSAGE = "board-flag-message"
    FLAG_DONE = "board-flag-done"  # the outcome, on the board once the dialog closes
    # issue 13: the open adverse-event flags (severe or worse, or serious) and their dialog
    AE_FLAGS = "board-ae-flags"
    AE_OPEN = "board-ae-open"  # pattern-matching: {"type": AE_OPEN, "session": id}
    AE_MODAL = "board-ae-modal"
    AE_BODY = "board-ae-body"
    AE_TARGET = "board-ae-target"
    AE_NOTE = "board-ae-note"
    AE_KEY = "board-ae-key"
    AE_ACK = "board-ae-ack"
    AE_CANCEL = "board-ae-cancel"
    AE_MESSAGE = "board-ae-message"
    AE_DONE = "board-ae-done"  # the outcome, on the board once the dialog closes


class SessionPage:
    SESSION = "session-id"
    BEFORE_DOSE = "session-before-dose"  # issue 12: questionnaires, clearances, flags
    ADDENDUM_KEY = "session-addendum-key"
    SIGNATURES = "session-signatures"
    ADDENDA = "session-addenda"
    ADD_READING = "session-add-reading"
    ADD_FIELD = "session-add-field"
    ADD_VALUE = "session-add-value"
    ADD_REASON = "session-add-reason"
    ADD_SUBMIT = "session-add-submit"
    ADD_MESSAGE = "session-add-message"
    TIMELINE = "session-timeline"
    READINGS = "session-readings"
    EXCURSIONS = "session-excursions"
    AUDIT = "session-audit"
    AUDIT_FILTER = "session-audit-filter"
    AUDIT_TABLE = "session-audit-table"


class Recovery:
    CARD = "rec-card"
    STATUS = "rec-status"
    ACTIVITY = "rec-activity"
    RESPIRATION = "rec-respiration"
    CONSCIOUSNESS = "rec-consciousness"
    CHECKLIST = "rec-checklist"
    KEY = "rec-key"
    SAVE = "rec-save"
    SIGN_PASSWORD = "rec-sign-password"
    SIGN = "rec-sign"
    MESSAGE = "rec-message"


class Audit:
    START = "audit-start"
    END = "audit-end"
    START_PROBLEM = "audit-start-problem"
    END_PROBLEM = "audit-end-problem"
    PATIENT = "audit-patient"
    NURSE = "audit-nurse"
    PHYSICIAN = "audit-physician"
    PROTOCOL = "audit-protocol"
    FLAGS = "audit-flags"
    APPLY = "audit-apply"
    FILTER = "audit-filter"
    GRID = "audit-grid"
    GRID_HOLDER = "audit-grid-holder"
    COUNT = "audit-count"
    EXPORT_SESSIONS = "audit-export-sessions"
    EXPORT_READINGS = "audit-export-readings"
    MEASURE_START = "measures-start"
    MEASURE_END = "measures-end"
    MEASURE_START_PROBLEM = "measures-start-problem"
    MEASURE_END_PROBLEM = "measures-end-problem"
    PERIOD = "measures-period"
    MEASURE_APPLY = "measures-apply"
    MEASURE_CHARTS = "measures-charts"
    MEASURE_TABLE = "measures-table"
    MEASURE_COURSES = "measures-courses"  # issue 12: the course measures
    MEASURE_INTERVENTIONS = "measures-interventions"  # issue 13: events, doses, ketamine


class Recon:
    """The controlled-substance reconciliation (issue 13; physician and auditor)."""

    START = "recon-start"
    END = "recon-end"
    START_PROBLEM = "recon-start-problem"
    END_PROBLEM = "recon-end-problem"
    APPLY = "recon-apply"
    EXPORT = "recon-export"
    REPORT = "recon-report"


class CoursePage:
    """The course page and its forms (issue 12, coursepage): one prefix per form so the
    access matrix decides each form's roles."""

    COURSE = "course-id"
    NOTICE = "course-notice"
    TREND = "course-trend"
    SESSIONS = "course-sessions"
    # starting a course (/course/new?patient_id=)
    START_PATIENT = "course-start-patient"
    START_PROTOCOL = "course-start-protocol"
    START_INDICATION = "course-start-indication"
    START_NOTE = "course-start-note"
    START_PLANNED = "course-start-planned"
    START_DATE = "course-start-date"
    START_PHYSICIAN = "course-start-physician"
    START_KEY = "course-start-key"
    START_SUBMIT = "course-start-submit"
    START_MESSAGE = "course-start-message"
    START_REDIRECT = "course-start-redirect"
    # the screening checklist: pattern-matching {"type": SCREEN_ANSWER, "code": item code}
    SCREEN_ANSWER = "course-screen-answer"
    SCREEN_NOTE = "course-screen-note"
    SCREEN_KEY = "course-screen-key"
    SCREEN_SUBMIT = "course-screen-submit"
    SCREEN_MESSAGE = "course-screen-message"
    SCREEN_REDIRECT = "course-screen-redirect"
    # the physician's signed decision on the screening
    DECIDE_SCREENING = "course-decide-screening"
    DECIDE_CHOICE = "course-decide-choice"
    DECIDE_REASON = "course-decide-reason"
    DECIDE_PASSWORD = "course-decide-password"
    DECIDE_KEY = "course-decide-key"
    DECIDE_SUBMIT = "course-decide-submit"
    DECIDE_MESSAGE = "course-decide-message"
    DECIDE_REDIRECT = "course-decide-redirect"
    # consent, witnessed by the signed-in nurse or physician
    CONSENT_DATE = "course-consent-date"
    CONSENT_NAME = "course-consent-name"
    CONSENT_PASSWORD = "course-consent-password"
    CONSENT_KEY = "course-consent-key"
    CONSENT_SUBMIT = "course-consent-submit"
    CONSENT_MESSAGE = "course-consent-message"
    CONSENT_REDIRECT = "course-consent-redirect"
    WITHDRAW_DATE = "course-withdraw-date"
    WITHDRAW_REASON = "course-withdraw-reason"
    WITHDRAW_KEY = "course-withdraw-key"
    WITHDRAW_SUBMIT = "course-withdraw-submit"
    WITHDRAW_MESSAGE = "course-withdraw-message"
    WITHDRAW_REDIRECT = "course-withdraw-redirect"
    # completing or stopping the course
    STATUS_CHOICE = "course-status-choice"
    STATUS_REASON = "course-status-reason"
    STATUS_KEY = "course-status-key"
    STATUS_SUBMIT = "course-status-submit"
    STATUS_MESSAGE = "course-status-message"
    STATUS_REDIRECT = "course-status-redirect"
