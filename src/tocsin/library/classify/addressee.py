"""Who a paragraph asks to act: the grammatical subject of its first clause ("States should",
"That embassies monitor", "The Council will"), or else the addressee its nearest heading names
("Demands to companies", "Actions of defenders", "Recommended actions for members of the
Security Council", "With regard to the States").

Most recommendations leave their subject implicit ("Ensure that...", "To collect..."): the
plan's addressee, named in a heading or nowhere at all. Telling "the actor who must act" from
"the actors the action is about" (train the police: the State acts, the police are trained) is
what keyword hits alone cannot do; this module gives the classifier that signal. Plain regular
expressions over English action-plan phrasing: no parser, nothing learned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tocsin.library.classify.rules import Rules
from tocsin.library.classify.taxonomy import ACTOR

IMPLICIT = "implicit"  # no subject in the paragraph, no addressee in its headings
TEXT = "text"
HEADING = "heading"

DETERMINERS = frozenset(
    ("the", "all", "each", "every", "any", "our", "their", "its", "these", "those", "other",
     "relevant", "concerned")
)  # fmt: skip
PRONOUNS = frozenset(("we", "they", "it", "he", "she", "you"))
HEAD_WORDS = 5  # without a modal, the party must open the clause: "The UN bodies adopt ..."
SUBJECT_WORDS = 8  # longer: more likely a clause that happens to hold a modal than a subject
# what follows a subject: a modal, or a verb of commitment (the plan's own voice)
MODAL = (
    r"(?:should|must|shall|will|would|could|can|may|need to|ought to|"
    r"(?:is|are) (?:urged|encouraged|invited|called upon|requested|asked|expected) to|"
    r"(?:agrees?|commits?|undertakes?|pledges?|(?:has|have) agreed) to)"
)
# a modal within the first words, before any punctuation that would end the subject
LEADING_SUBJECT = re.compile(rf"^(?P<np>[^.;:,()]{{1,120}}?)\s+{MODAL}\b", re.IGNORECASE)
INFINITIVE = re.compile(r"\bto\b", re.IGNORECASE)
LEADING_THAT = re.compile(r"^that\s+", re.IGNORECASE)
# heading phrasings that name whom the items below address or who carries them out
HEADING_ADDRESSEE = (
    re.compile(
        r"\b(?:demands?|recommendations?|requests?|appeals?|calls?|messages?|proposals?|"
        r"actions?|measures?|commitments?|obligations?|responsibilit(?:y|ies)|tasks?|roles?)"
        r"\s+(?:to|for|of|by|addressed to|directed at|aimed at)\s+(?P<np>.+)",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:with regard to|with respect to|regarding|aimed at|directed at|addressed to|"
        r"calls? (?:up)?on|urges?|invites?|asks?|appeals? to|lobby|lobbies|press|"
        r"(?:put|puts|putting) pressure on)\s+(?P<np>.+)",
        re.IGNORECASE,
    ),
    re.compile(rf"^(?P<np>[^,;:()]{{1,80}}?)\s+{MODAL}\b", re.IGNORECASE),
)
# where the named party ends and what is asked of it begins
NP_END = re.compile(
    r"[,;:()/]|\s(?:concerning|about|on|in|with|to|regarding|so that|that|which|who|whose|"
    r"where|when|for the|against|and will|and shall)\s",
    re.IGNORECASE,
)
# members of an intergovernmental body are States acting through it
MEMBERS = re.compile(r"\bmembers?\s+(?:states?\s+)?of\b|\bmember states\b|\bmembership\b", re.I)
INTERGOVERNMENTAL = frozenset({"un_body", "regional_organisation"})
STATE = "state"


@dataclass(frozen=True)
class Addressee:
    codes: frozenset[str]  # actor labels named as the party that acts
    found_in: str  # TEXT, HEADING or IMPLICIT


def find_addressee(rules: Rules, text: str, context: str = "") -> Addressee:
    """The actors that must act: the first clause's subject, else the nearest heading's
    addressee, else none (IMPLICIT: the plan's default addressee applies)."""
    codes = _subject(rules, text)
    if codes:
        return Addressee(codes, TEXT)
    for heading in reversed([h.strip() for h in context.split(" / ") if h.strip()]):
        codes = _heading_addressee(rules, heading)
        if codes:
            return Addressee(codes, HEADING)
    return Addressee(frozenset(), IMPLICIT)


def _subject(rules: Rules, text: str) -> frozenset[str]:
    body = LEADING_THAT.sub("", text.strip())
    subjunctive = body != text.strip()  # "That States adopt ...": a demand, its subject first
    match = LEADING_SUBJECT.match(body)
    np = match.group("np") if match is not None else ""
    if np and len(np.split()) <= SUBJECT_WORDS and not INFINITIVE.search(np):
        # no "to" inside: "Support leaders to resolve disputes" is an imperative, not a subject
        return _actors(rules, np)
    words = body.split()
    first = words[0].lower() if words else ""
    if subjunctive or first in DETERMINERS:
        # "The United Nations bodies adopt ...": a determiner, then the party, then its verb
        return _actors(rules, " ".join(words[:HEAD_WORDS]))
    return frozenset()


def _heading_addressee(rules: Rules, heading: str) -> frozenset[str]:
    for pattern in HEADING_ADDRESSEE:
        match = pattern.search(heading)
        if match is None:
            continue
        np = match.group("np")
        if np.split()[:1] and np.split()[0].lower() in PRONOUNS:
            continue
        found = _actors(rules, NP_END.split(np, maxsplit=1)[0])
        if found:
            return found
    return frozenset()


def _actors(rules: Rules, phrase: str) -> frozenset[str]:
    words = phrase.split()
    if not words or words[0].lower() in PRONOUNS:
        return frozenset()
    found = set(rules.apply(ACTOR, phrase).text)
    if found & INTERGOVERNMENTAL and MEMBERS.search(phrase):
        found.add(STATE)
    return frozenset(found)
