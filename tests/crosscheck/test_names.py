"""Name layer: transliteration, Latin normalisation, phonetic keys, comparison, evaluation."""

from __future__ import annotations

import cross_script_heldout as heldout
import pytest
from cross_script import PEOPLE, pairs
from hypothesis import given, settings
from hypothesis import strategies as st

from tocsin.core.errors import ValidationFailed
from tocsin.crosscheck.names import (
    MatchKind,
    Script,
    best_alias_score,
    compare_names,
    evaluate,
    name_key,
    normalise_latin,
    prepare,
    transliterate_arabic,
    transliterate_syriac,
)
from tocsin.crosscheck.names.evaluate import DEFAULT_THRESHOLD, choose_threshold


def score(a: str, b: str) -> float:
    return compare_names(prepare(a), prepare(b)).score


@pytest.mark.parametrize(("arabic", "latin"), [
    ("محمد", "mhmd"),                   # no vowels written, none invented
    ("مُحَمَّد", "muhammad"),            # harakat and shadda
    ("محمود", "mhmud"),                 # medial waw is a long vowel
    ("مروان", "mrwan"),                 # waw before alef is a consonant
    ("فاطمة", "fatma"),                 # ta marbuta
    ("مصطفى", "mstfa"),                 # alef maqsura
    ("عبد الرحمن", "abd al-rhmn"),
    ("عبدالله", "abd allah"),
    ("أبو بكر", "abu bkr"),
    ("علي بن حسين", "ali bin hsin"),
    ("سهيل", "sehil"),                  # s + h must not read as "sh"
    ("ئەحمەد", "ehmed"),                # Sorani vowel seat and vowel letters
    ("ڤیان", "vyan"),
    ("حمه", "hmah"),                    # Kurdish final -a written with heh
    ("م\u0640حمد", "mhmd"),             # tatweel
])
def test_transliterate_arabic(arabic: str, latin: str) -> None:
    assert transliterate_arabic(arabic) == latin


def test_transliterate_keeps_other_text_and_reads_presentation_forms() -> None:
    assert transliterate_arabic("Dr. محمد 2") == "Dr. mhmd 2"
    assert transliterate_arabic("\ufee3\ufea4\ufee4\ufeaa") == "mhmd"  # isolated/initial forms


def test_transliterate_syriac() -> None:
    assert transliterate_syriac("ܝܘܚܢܢ") == "yuhnn"
    assert name_key(transliterate_syriac("ܒܛܪܘܣ")) == name_key("butrus")


@pytest.mark.parametrize(("text", "tokens"), [
    ("Abdurrahman", ["abdrahman"]),
    ("Abd al-Rahman", ["abdrahman"]),
    ("Abdel Rahman", ["abdrahman"]),
    ("Abdul Rahman", ["abdrahman"]),
    ("Abdallah", ["abdlah"]),
    ("Abd Allah", ["abdlah"]),
    ("Abu Bakr al-Baghdadi", ["abubakr", "baghdadi"]),
    ("Aboubakr", ["abubakr"]),
    ("Salaheddine", ["salah", "din"]),
    ("Salah ad-Din", ["salah", "din"]),
    ("Ḥusayn ibn ʿAlī", ["husayn", "ali"]),
    ("Hassan as-Sayed", ["hassan", "sayed"]),
    ("Aicha Benali", ["aicha", "ali"]),
    ("Nasr Allah", ["nasrallah"]),
    ("AL_TIKRITI, Saddam", ["tikriti", "saddam"]),
    ("Şerif", ["sherif"]),
])
def test_normalise_latin(text: str, tokens: list[str]) -> None:
    assert normalise_latin(text) == tokens


@pytest.mark.parametrize(("variants", "key"), [
    (["Mohammed", "Muhammad", "Mohamed", "Mouhamed", "محمد"], "mhmd"),
    (["Hussein", "Husayn", "Hossein", "Husein", "حسين"], "hsn"),
    (["Youssef", "Yusuf", "Yousef", "يوسف"], "ysf"),
    (["Abdulla", "Abdallah", "عبد الله"], "abdla"),
    (["Khaled", "Khalid", "خالد"], "xld"),
    (["Osama", "Usama", "Oussama", "أسامة"], "asma"),
    (["Qasim", "Kassem", "قاسم"], "ksm"),
    (["Dhiya", "Ziya", "Thiya", "ضياء"], "da"),
    (["Ayman", "Aiman", "أيمن"], "amn"),
    (["Saad", "Sa'd", "سعد"], "sd"),
    (["Fadel", "Fadil", "Fazil", "فاضل"], "fdl"),
    (["Jaafar", "Ja'far", "Djafar", "Gaafar", "جعفر"], "jfr"),
    (["Fatima", "Fatmeh", "Fatimah", "فاطمة"], "ftma"),
])
def test_name_key_groups_renderings(variants: list[str], key: str) -> None:
    for variant in variants:
        (token,) = normalise_latin(transliterate_arabic(variant))
        assert name_key(token) == key, variant


def test_name_key_keeps_what_distinguishes_names() -> None:
    assert name_key("samir") != name_key("samira")
    assert name_key("hassan") != name_key("hashim")
    assert name_key("khalid") != name_key("halid")


def test_gulf_g_matches_as_an_alternative_key() -> None:
    assert score("Gasim Fadhil", "Qasim Fadel") >= DEFAULT_THRESHOLD


def test_prepare_reads_every_script() -> None:
    arabic = prepare("محمد علي")
    assert arabic.script is Script.ARABIC
    assert arabic.texts == ("muhammad", "ali")
    assert arabic.key_string == "ala mhmd"
    assert arabic.initials == "ma"
    assert prepare("ALI, Mohamed").key_string == arabic.key_string
    assert prepare("Мухаммад").script is Script.OTHER
    assert prepare("").tokens == ()


def test_prepare_refuses_what_is_not_a_name() -> None:
    with pytest.raises(ValidationFailed) as error:
        prepare(42)  # type: ignore[arg-type]
    assert error.value.errors[0].field == "name"


def test_order_missing_and_conflicting_names() -> None:
    full = "Ahmed Ali Hassan al-Tikriti"
    assert score(full, "AL-TIKRITI Ahmed Ali") >= 0.9          # family first, grandfather missing
    assert score(full, "Ahmed Ali Mahmoud al-Tikriti") < 0.7   # a conflicting father's name
    assert score("Ahmed Ali Hassan", "Ali Ahmed Hassan") < DEFAULT_THRESHOLD  # father and son
    assert score("Ahmed", "Ahmed Ali Hassan") < DEFAULT_THRESHOLD  # one shared token is not enough


def test_cross_script_and_known_confusions() -> None:
    assert score("محمد علي حسين", "Mohamed Ali Hussein") >= 0.95
    assert score("محمد علي حسين", "Mahmoud Ali Hussein") < 0.7
    assert score("Mohammed Ali Hassan", "Mohamed Ali Hussein") < 0.7
    assert score("Samira Adel", "Samir Adel") < 0.7


def test_explanation_names_each_token() -> None:
    result = compare_names(prepare("Mohamed Ali Hussein"), prepare("محمد حسين"))
    kinds = {(m.a, m.b): m.kind for m in result.matches}
    assert kinds == {("mohamed", "muhammad"): MatchKind.KEY, ("ali", None): MatchKind.MISSING,
                     ("hussein", "husayn"): MatchKind.KEY}
    assert "missing" in result.explain()


def test_initial_matches_only_its_letter() -> None:
    assert score("M. Ali Hussein", "Mohamed Ali Hussein") > score("K. Ali Hussein",
                                                                  "Mohamed Ali Hussein")


def test_best_alias_score_uses_the_nom_de_guerre() -> None:
    person = [prepare("Ibrahim Awad al-Badri"), prepare("Abu Bakr al-Baghdadi")]
    assert best_alias_score(person, [prepare("ابو بكر البغدادي")]).score >= 0.95
    assert best_alias_score(person, [prepare("Abu Hamza al-Masri")]).score < 0.7
    assert best_alias_score([], person).score == 0.0


def test_cross_script_set_precision_and_recall() -> None:
    labelled = pairs()
    assert len(PEOPLE) >= 60
    precision, recall = evaluate(labelled, DEFAULT_THRESHOLD)
    assert precision >= 0.95
    assert recall >= 0.90


def test_threshold_chosen_on_half_the_persons_holds_on_the_other_half() -> None:
    ids = sorted(PEOPLE)
    halves = ({p for p in ids if int(p[1:]) % 2}, {p for p in ids if not int(p[1:]) % 2})
    forms = {f: p for p, (arabic, latin) in PEOPLE.items() for f in (arabic, *latin)}
    by_half = [[x for x in pairs() if forms[x[0]] in h and forms[x[1]] in h] for h in halves]
    for train, test in ((by_half[0], by_half[1]), (by_half[1], by_half[0])):
        precision, recall = evaluate(test, choose_threshold(train))
        assert precision >= 0.9
        assert recall >= 0.85


names = st.text(st.characters(codec="utf-8"), max_size=60) | st.lists(
    st.sampled_from(["محمد", "Abd", "al-", "ibn", "Abu", "ة", "ّ", "ئ", "ܐ", "é", "-", " ", "'"]),
    max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(names, names)
def test_never_raises_bounded_and_symmetric(a: str, b: str) -> None:
    pa, pb = prepare(a), prepare(b)
    forward, backward = compare_names(pa, pb), compare_names(pb, pa)
    assert 0.0 <= forward.score <= 1.0
    assert forward.score == backward.score
    assert compare_names(pa, pa).score in (0.0, 1.0)


@pytest.mark.parametrize(("arabic", "latin"), [
    ("صالح", "saleh"),          # unwritten short vowel before a final ḥ
    ("فرح", "freh"),
    ("فلاح", "flah"),           # a written long vowel needs no help
    ("مصباح", "msbah"),
    ("صَالِح", "saalih"),        # vocalised: the kasra is the vowel
    ("فاطمة", "fatma"),         # ta marbuta stays a final vowel
    ("حمو", "hmu"),             # word-final waw after a consonant is the vowel u/o
    ("شيخو", "shikhu"),
    ("مروان", "mrwan"),         # ...but before alef it is still a consonant
])
def test_transliterate_word_final_letters(arabic: str, latin: str) -> None:
    assert transliterate_arabic(arabic) == latin


@pytest.mark.parametrize("variants", [
    ["صالح", "Saleh", "Salih"],
    ["فاطمة", "Fatima", "Fatimah", "Fatma"],
    ["فلاح", "Falah"],
    ["مصباح", "Misbah", "Mesbah"],
    ["فرح", "Farah"],
])
def test_final_h_gives_one_key_in_both_scripts(variants: list[str]) -> None:
    keys = {name_key(t) for v in variants for t in normalise_latin(transliterate_arabic(v))}
    assert len(keys) == 1, keys


def test_final_h_matches_across_scripts_but_keeps_feminine_apart() -> None:
    assert score("محمود صالح درويش", "Mahmud Saleh Darwich") >= DEFAULT_THRESHOLD
    assert score("صالح", "Salih") >= DEFAULT_THRESHOLD
    assert score("مصباح", "Misbah") >= DEFAULT_THRESHOLD
    assert score("صالحة", "Saliha") >= DEFAULT_THRESHOLD
    assert score("صالحة", "Salih") < DEFAULT_THRESHOLD  # Saliha and Salih are two people
    assert score("صلاح", "Salih") < DEFAULT_THRESHOLD   # the written alef says Salah


def test_heldout_set_is_separate_from_the_development_set() -> None:
    forms = {f for arabic, latin in PEOPLE.values() for f in (arabic, *latin)}
    held = {f for arabic, latin in heldout.PEOPLE.values() for f in (arabic, *latin)}
    assert not forms & held
    assert len([p for p in heldout.PEOPLE if p.startswith("h")]) >= 50
    assert len(heldout.LOOKALIKES) >= 15
    assert all(2 <= len(latin) <= 4 for _, latin in heldout.PEOPLE.values())


def test_heldout_precision_and_recall_do_not_regress() -> None:
    # Measured once at the unchanged default threshold (0.8), never tuned on this set:
    # precision 0.9515, recall 0.8652 on 1,057 pairs (408 same-person). The floors leave 0.03.
    precision, recall = evaluate(heldout.pairs(), DEFAULT_THRESHOLD)
    assert precision >= 0.9515 - 0.03
    assert recall >= 0.8652 - 0.03
