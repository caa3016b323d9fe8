"""The PHQ-9 and the PCL-5 as published: each item's words, the answer anchors, the scoring
range and the severity bands, kept as data with the source the text was copied from. Both
instruments are in the public domain; a changed word is a different instrument, so the text
is never edited here, only replaced by a newer published version under a new `version`."""

from __future__ import annotations

from dataclasses import dataclass

from monitor.domain.vocabulary import Questionnaire


@dataclass(frozen=True)
class SeverityBand:
    """A total from `lowest` upwards (to the next band's lowest) reads as `label`."""

    lowest: int
    label: str


@dataclass(frozen=True)
class QuestionnaireForm:
    """One instrument: what the respondent reads, how each answer scores, how a total reads."""

    code: Questionnaire
    title: str
    version: str
    source: str  # the publication and the form the words were copied from
    licence: str
    instructions: str
    stem: str  # the question every item completes
    items: tuple[str, ...]  # item 1 first
    anchors: tuple[str, ...]  # anchors[score]: score 0 first
    bands: tuple[SeverityBand, ...]  # ascending, the first from 0
    self_harm_item: int | None = None  # the item whose answer above 0 raises a safety flag

    @property
    def item_max(self) -> int:
        return len(self.anchors) - 1

    @property
    def total_max(self) -> int:
        return self.item_max * len(self.items)

    @property
    def numbers(self) -> tuple[int, ...]:
        return tuple(range(1, len(self.items) + 1))


PHQ9 = QuestionnaireForm(
    code=Questionnaire.PHQ9,
    title="Patient Health Questionnaire (PHQ-9)",
    version="PHQ-9",
    source=(
        "Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression "
        "severity measure. J Gen Intern Med 2001;16(9):606-613. Item text and anchors from "
        "the PHQ-9 form of the PHQ Screeners (Pfizer Inc., phqscreeners.com); severity "
        "bands 5, 10, 15 and 20 from Kroenke 2001, Table 4."
    ),
    licence=(
        "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and "
        "colleagues, with an educational grant from Pfizer Inc. No permission required to "
        "reproduce, translate, display or distribute."
    ),
    instructions="Choose one answer for each problem.",
    stem=(
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    ),
    items=(
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
        "Trouble falling or staying asleep, or sleeping too much",
        "Feeling tired or having little energy",
        "Poor appetite or overeating",
        "Feeling bad about yourself — or that you are a failure or have let yourself or your "
        "family down",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
        "being so fidgety or restless that you have been moving around a lot more than usual",
        "Thoughts that you would be better off dead or of hurting yourself in some way",
    ),
    anchors=("Not at all", "Several days", "More than half the days", "Nearly every day"),
    bands=(
        SeverityBand(0, "Minimal"),
        SeverityBand(5, "Mild"),
        SeverityBand(10, "Moderate"),
        SeverityBand(15, "Moderately severe"),
        SeverityBand(20, "Severe"),
    ),
    self_harm_item=9,
)

PCL5 = QuestionnaireForm(
    code=Questionnaire.PCL5,
    title="PTSD Checklist for DSM-5 (PCL-5)",
    version="PCL-5 (8/14/2013)",
    source=(
        "Weathers FW, Litz BT, Keane TM, Palmieri PA, Marx BP, Schnurr PP. The PTSD "
        "Checklist for DSM-5 (PCL-5), 2013. National Center for PTSD, www.ptsd.va.gov. Item "
        "text and anchors from the standard past-month form, PCL-5 (8/14/2013); the "
        "provisional PTSD cut-point 33 from the National Center for PTSD's PCL-5 scoring "
        "guidance (Bovin et al. 2016, Psychol Assess 28(11):1379-1391)."
    ),
    licence="A work of the U.S. Department of Veterans Affairs: in the public domain.",
    instructions=(
        "Below is a list of problems that people sometimes have in response to a very "
        "stressful experience. Please read each problem carefully and then circle one of the "
        "numbers to the right to indicate how much you have been bothered by that problem in "
        "the past month."
    ),
    stem="In the past month, how much were you bothered by:",
    items=(
        "Repeated, disturbing, and unwanted memories of the stressful experience?",
        "Repeated, disturbing dreams of the stressful experience?",
        "Suddenly feeling or acting as if the stressful experience were actually happening "
        "again (as if you were actually back there reliving it)?",
        "Feeling very upset when something reminded you of the stressful experience?",
        "Having strong physical reactions when something reminded you of the stressful "
        "experience (for example, heart pounding, trouble breathing, sweating)?",
        "Avoiding memories, thoughts, or feelings related to the stressful experience?",
        "Avoiding external reminders of the stressful experience (for example, people, places, "
        "conversations, activities, objects, or situations)?",
        "Trouble remembering important parts of the stressful experience?",
        "Having strong negative beliefs about yourself, other people, or the world (for "
        "example, having thoughts such as: I am bad, there is something seriously wrong with "
        "me, no one can be trusted, the world is completely dangerous)?",
        "Blaming yourself or someone else for the stressful experience or what happened after it?",
        "Having strong negative feelings such as fear, horror, anger, guilt, or shame?",
        "Loss of interest in activities that you used to enjoy?",
        "Feeling distant or cut off from other people?",
        "Trouble experiencing positive feelings (for example, being unable to feel happiness "
        "or have loving feelings for people close to you)?",
        "Irritable behavior, angry outbursts, or acting aggressively?",
        "Taking too many risks or doing things that could cause you harm?",
        'Being "superalert" or watchful or on guard?',
        "Feeling jumpy or easily startled?",
        "Having difficulty concentrating?",
        "Trouble falling or staying asleep?",
    ),
    anchors=("Not at all", "A little bit", "Moderately", "Quite a bit", "Extremely"),
    bands=(
        SeverityBand(0, "Below the provisional PTSD cut-point"),
        SeverityBand(33, "At or above the provisional PTSD cut-point"),
    ),
)

FORMS: dict[Questionnaire, QuestionnaireForm] = {PHQ9.code: PHQ9, PCL5.code: PCL5}
