"""Who is in the demo and where each patient stands: the staff, the patients, their
courses, and every session with what the patient answered before it."""

from __future__ import annotations

from datetime import date

from monitor.demo.course import AWAITING_DECISION, CLEARED_BY_PHYSICIAN, Journey
from monitor.demo.session import Plan
from monitor.domain.vocabulary import Indication

STAFF = (
    ("nurse", "Jordan Avery, RN", "nurse"),
    ("physician", "Dr. Sam Rivera, MD", "physician"),
    ("auditor", "Casey Lee", "auditor"),
    ("admin", "Robin Admin", "admin"),
)
# MRN, family and given name, birth date, weight (kg).
PATIENTS = (
    ("FR-1001", "Morales", "Daniel", date(1981, 3, 14), 88.0),
    ("FR-1002", "Okafor", "Grace", date(1990, 7, 2), 64.5),
    ("FR-1003", "Lindqvist", "Erik", date(1976, 11, 23), 95.2),
    ("FR-1004", "Nguyen", "Thao", date(1988, 1, 9), 58.0),
    ("FR-1005", "Brennan", "Patrick", date(1972, 5, 30), 101.4),
    ("FR-1006", "Haddad", "Layla", date(1993, 9, 17), 70.3),
    ("FR-1007", "Walker", "Marcus", date(1985, 12, 5), 82.7),
    ("FR-1008", "Costa", "Ana", date(1979, 4, 21), 67.9),
    ("FR-1009", "Ibrahim", "Samira", date(1984, 8, 11), 61.2),
)
# By MRN: sex, allergies, the escort who takes the patient home and their phone.
DETAILS = {
    "FR-1001": ("male", None, "Rosa Morales", "555-0101"),
    "FR-1002": ("female", "Penicillin", "Chidi Okafor", "555-0102"),
    "FR-1003": ("male", None, "Anna Lindqvist", "555-0103"),
    "FR-1004": ("female", "Latex", "Minh Nguyen", "555-0104"),
    "FR-1005": ("male", None, "Siobhan Brennan", "555-0105"),
    "FR-1006": ("female", None, "Omar Haddad", "555-0106"),
    "FR-1007": ("male", "Sulfonamides", "Dana Walker", "555-0107"),
    "FR-1008": ("female", None, "Luis Costa", "555-0108"),
    "FR-1009": ("female", None, "Yusuf Ibrahim", "555-0109"),
}
PTSD, DEPRESSION = Indication.PTSD, Indication.DEPRESSION
DAY = 24 * 60
COMPLETED = "Six infusions given; PCL-5 58 to 24 and PHQ-9 18 to 4. Follow-up booked."
JOURNEYS = (
    Journey(0, PTSD),
    Journey(1, DEPRESSION),
    Journey(2, PTSD, screening=CLEARED_BY_PHYSICIAN),
    Journey(3, DEPRESSION),
    Journey(4, PTSD),
    Journey(5, DEPRESSION),
    Journey(6, PTSD),
    Journey(7, PTSD, screening=AWAITING_DECISION, days_before_first=1),
    Journey(8, PTSD, completed=COMPLETED),
)


def session_plans(chairs: list[str]) -> dict[int, list[Plan]]:
    """Each patient's sessions, first first: today's seven, two earlier ones of the patient
    now at session 3 of 6, and the six of the completed course."""

    def chair(n: int) -> str:
        return chairs[n % len(chairs)]

    today = [
        # A whole vial's worth drawn; the rest wasted and witnessed by the physician.
        Plan(0, chair(0), 9 * 60, 22, True, phq9=16, pcl5=51, ketamine="wasted"),
        # Rises 40+ over baseline: medium. The rest of its vial was never recorded as
        # wasted: the demo's one open ketamine discrepancy.
        Plan(1, chair(1), 8 * 60 + 30, 48, True, phq9=19, ketamine="not_wasted"),
        # Crosses 180: high; symptomatic hypertension, labetalol 10 mg IV on an order.
        Plan(2, chair(2), 7 * 60, 62, True, phq9=14, pcl5=47, treat_hypertension=True),
        # Grade 1 nausea at 25 min, ondansetron 4 mg IV on the standing order, resolved.
        Plan(3, chair(0), 5 * 60 + 40, 15, True, phq9=21, nausea_minute=25),
        Plan(4, chair(1), 5 * 60, 35, True, override=True, phq9=12, pcl5=44),  # CADSS lingers
        Plan(5, chair(3), 75, 30, False, phq9=17),  # in recovery now
        # Session 3 of 6, infusing now; session 2 raised the item-9 flag.
        Plan(6, chair(0), 4 * DAY + 6 * 60, 40, True, phq9=20, pcl5=55),
        Plan(6, chair(0), 2 * DAY + 6 * 60, 38, True, phq9=17, pcl5=49, item9=1),
        Plan(6, chair(4), 25, 45, False, phq9=14, pcl5=42),
    ]
    completed = [
        Plan(
            8,
            chair(2),
            days * DAY + 5 * 60,
            rise,
            True,
            phq9=phq9,
            pcl5=pcl5,
            raised_baseline=first,
        )
        for days, rise, phq9, pcl5, first in (
            (33, 30, 18, 58, True),
            (31, 28, 15, 50, False),
            (29, 26, 12, 43, False),
            (26, 24, 9, 36, False),
            (24, 22, 6, 30, False),
            (22, 20, 4, 24, False),
        )
    ]
    plans: dict[int, list[Plan]] = {}
    for plan in sorted([*today, *completed], key=lambda p: -p.minutes_ago):
        plans.setdefault(plan.patient, []).append(plan)
    return plans
