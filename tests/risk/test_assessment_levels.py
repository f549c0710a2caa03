"""The documented rule (docs/risk.md, risk/assessments/levels.py) on hand-computed cases, and
properties any sensible reading of it must keep."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tocsin.risk.assessments.levels import derive
from tocsin.risk.assessments.scale import Confidence, Level, Rating
from tocsin.risk.framework import Structure, load_spec

H, M, L = Confidence.HIGH, Confidence.MEDIUM, Confidence.LOW
P, S, A = Rating.PRESENT, Rating.SERIOUS, Rating.ABSENT


def _structure() -> Structure:
    spec = load_spec()
    return Structure(
        spec.version,
        {f.code: f.category for f in spec.factors},
        {i.code: f.code for f in spec.factors for i in f.indicators},
    )


STRUCTURE = _structure()


def levels(
    ratings: dict[str, tuple[Rating, Confidence | None]],
) -> tuple[str | None, dict[str, str]]:
    d = derive(STRUCTURE, ratings)
    rated = {c: f.level.label for c, f in d.factors.items() if f.level is not None}
    return (d.overall.label if d.overall is not None else None), rated


def test_nothing_rated_is_not_assessed() -> None:
    assert levels({}) == (None, {})
    d = derive(STRUCTURE, {"RF1.1": (Rating.NOT_ASSESSED, None)})
    assert d.overall is None and d.factors["RF1"].level is None


def test_absent_indicators_make_an_assessed_low_factor() -> None:
    assert levels({"RF1.1": (A, H), "RF1.2": (A, None)}) == ("low", {"RF1": "low"})


def test_points_follow_confidence() -> None:
    # present: 1 x high 1 = 1 point -> moderate; 1 x medium 0.75 -> low; two low: 0.5 + 0.5 = 1.
    assert levels({"RF2.1": (P, H)})[1] == {"RF2": "moderate"}
    assert levels({"RF2.1": (P, M)})[1] == {"RF2": "low"}
    assert levels({"RF2.1": (P, L), "RF2.2": (P, L)})[1] == {"RF2": "moderate"}
    # serious medium 1.5 + present medium 0.75 + present high 1 = 3.25 -> high.
    assert levels({"RF3.1": (S, M), "RF3.2": (P, M), "RF3.3": (P, H)})[1] == {"RF3": "high"}
    # three serious at high = 6 -> very high; 2 + 2 + 1.5 = 5.5 stays high.
    assert levels({"RF5.1": (S, H), "RF5.2": (S, H), "RF5.3": (S, H)})[1] == {"RF5": "very high"}
    assert levels({"RF5.1": (S, H), "RF5.2": (S, H), "RF5.3": (S, M)})[1] == {"RF5": "high"}
    d = derive(STRUCTURE, {"RF3.1": (S, M), "RF3.2": (P, M), "RF3.3": (P, H)})
    assert d.factors["RF3"].points == 3.25


def test_one_certain_serious_sign_lifts_its_factor_to_high() -> None:
    # 2 points alone would be moderate; serious with high confidence makes it high.
    assert levels({"RF8.5": (S, H)})[1] == {"RF8": "high"}
    # serious with medium confidence (1.5 points) does not.
    assert levels({"RF8.5": (S, M)})[1] == {"RF8": "moderate"}


def test_overall_from_the_second_highest_common_factor() -> None:
    ratings = {"RF1.1": (S, H), "RF1.2": (S, H), "RF1.3": (S, H),  # RF1: 6 -> very high
               "RF4.1": (P, H), "RF4.2": (P, H), "RF4.3": (P, H),  # RF4: 3 -> high
               "RF6.1": (P, H)}  # RF6: 1 -> moderate  # fmt: skip
    overall, factors = levels(ratings)
    assert factors == {"RF1": "very high", "RF4": "high", "RF6": "moderate"}
    assert overall == "high"  # second-highest common (RF4), also one step below RF1
    assert derive(STRUCTURE, ratings).reason == "second-highest common factor (RF4)"


def test_one_common_factor_alone_counts_one_step_lower() -> None:
    ratings = {"RF1.1": (S, H), "RF1.2": (S, H), "RF1.3": (S, H)}
    assert levels(ratings)[0] == "high"
    assert derive(STRUCTURE, ratings).reason == "one step below RF1"
    assert levels({"RF1.1": (P, H)})[0] == "low"  # moderate alone -> one step below is low


def test_a_specific_factor_raises_the_level_on_its_own() -> None:
    # RF10 (genocide): 1.5 + 1.5 = 3 -> high; nothing else rated.
    ratings = {"RF10.2": (S, M), "RF10.3": (S, M)}
    assert levels(ratings) == ("high", {"RF10": "high"})
    assert derive(STRUCTURE, ratings).reason == "specific factor RF10"
    # A specific factor below the common ones does not lower anything.
    ratings |= {f"RF7.{n}": (S, H) for n in range(1, 4)} | {f"RF8.{n}": (S, H) for n in (1, 2, 3)}
    assert levels(ratings)[0] == "very high"


def test_indicators_of_another_version_are_ignored() -> None:
    assert levels({"RF1.99": (S, H)}) == (None, {})


RATINGS = st.sampled_from([Rating.NOT_ASSESSED, A, P, S])
CONFIDENCES = st.sampled_from([L, M, H])
SEVERITY = {Rating.NOT_ASSESSED: 0, A: 0, P: 1, S: 2}


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(st.sampled_from(list(STRUCTURE.indicators)), st.tuples(RATINGS, CONFIDENCES),
                    max_size=40),
    st.data(),
)  # fmt: skip
def test_raising_a_rating_never_lowers_a_level(
    ratings: dict[str, tuple[Rating, Confidence]], data: st.DataObject
) -> None:
    before = derive(STRUCTURE, ratings)
    indicator = data.draw(st.sampled_from(list(STRUCTURE.indicators)))
    rating, confidence = ratings.get(indicator, (Rating.NOT_ASSESSED, L))
    higher = data.draw(RATINGS.filter(lambda r: SEVERITY[r] >= SEVERITY[rating]))
    # A rating that counts may only become surer; one that counts nothing may take any confidence.
    order = [L, M, H]
    choices = order[order.index(confidence) :] if SEVERITY[rating] else order
    surer = data.draw(st.sampled_from(choices))
    after = derive(STRUCTURE, {**ratings, indicator: (higher, surer)})
    low = Level.LOW
    assert (after.overall or low) >= (before.overall or low)
    for code, factor in after.factors.items():
        assert (factor.level or low) >= (before.factors[code].level or low)
