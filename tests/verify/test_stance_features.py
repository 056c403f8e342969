"""Contrast features of the stance model: antonym flips, one-sided negation, numbers, role swaps."""

from __future__ import annotations

from rasid.verify.features import (
    CONTRAST_NAMES,
    PairFeatures,
    _same_word,
    antonym_flips,
    contrast_features,
    poles,
    tokenize,
)


def named(s1: str, s2: str) -> dict[str, float]:
    values = contrast_features(s1, s2)
    assert len(values) == len(CONTRAST_NAMES)
    return dict(zip(CONTRAST_NAMES, values, strict=True))


def test_antonym_flip_between_opposite_poles() -> None:
    flips, same = antonym_flips("ارتفاع أسعار الوقود في الأردن", "انخفاض أسعار الوقود في الأردن")
    assert flips == ["direction"] and not same
    flips, same = antonym_flips("البرلمان العراقي يرفض مشروع القانون", "البرلمان العراقي يوافق على مشروع القانون")
    assert "consent" in flips


def test_same_pole_is_not_a_flip() -> None:
    # A paraphrase that keeps the direction (verb vs verbal noun) agrees on the predicate.
    flips, same = antonym_flips("الليرة التركية ترتفع أمام الدولار", "ارتفاع سعر الليرة التركية مقابل الدولار")
    assert not flips and same == ["direction"]
    features = named("الليرة التركية ترتفع أمام الدولار", "ارتفاع سعر الليرة التركية مقابل الدولار")
    assert features["antonym_flip"] == 0.0 and features["same_pole_no_flip"] == 1.0


def test_word_on_both_sides_of_an_entry_is_no_flip() -> None:
    # Both poles in the passage ("rose then fell") do not contradict a claim about a rise.
    flips, _ = antonym_flips("ارتفاع أسعار النفط", "أسعار النفط ترتفع صباحا ثم تنخفض مساء")
    assert not flips


def test_poles_tolerate_conjunction_prefix() -> None:
    assert ("outcome", 1) in poles(tokenize("وخسر الفريق المباراة"))
    assert not poles(tokenize("وصل الوفد إلى القاهرة"))


def test_negation_asymmetry() -> None:
    claim = "الحكومة تعلن موعد الانتخابات البلدية"
    negated = named(claim, "الحكومة لم تعلن موعد الانتخابات البلدية")
    assert negated["negation_only_passage"] == 1.0 and negated["negation_only_claim"] == 0.0
    reverse = named("الحكومة لم تعلن موعد الانتخابات البلدية", claim)
    assert reverse["negation_only_claim"] == 1.0 and reverse["negation_only_passage"] == 0.0
    both = named("الجيش لا ينسحب من البلدة", "الجيش لن ينسحب من البلدة")
    assert both["negation_only_passage"] == 0.0 and both["negation_only_claim"] == 0.0


def test_number_mismatch() -> None:
    changed = named("مقتل 12 شخصا في انفجار ببغداد", "مقتل ٣٠ شخصا في انفجار ببغداد")
    assert changed["numbers_only_claim"] == 1.0 and changed["numbers_only_passage"] == 1.0
    assert changed["numbers_shared"] == 0.0
    same = named("مقتل 12 شخصا في انفجار ببغداد", "انفجار في بغداد يقتل ١٢ شخصا")
    assert same["numbers_shared"] == 1.0 and same["numbers_only_claim"] == 0.0


def test_role_swap_changes_order_of_shared_words() -> None:
    swapped = named("الهلال يهزم النصر في نهائي الكأس", "النصر يهزم الهلال في نهائي الكأس")
    kept = named("الهلال يهزم النصر في نهائي الكأس", "الهلال يهزم النصر في نهائي الكأس")
    assert swapped["order_discordance"] > 0.0 and kept["order_discordance"] == 0.0


def test_alignment_matches_verb_and_verbal_noun() -> None:
    assert _same_word("يرتفع", "ارتفاع") and _same_word("يصعد", "صعود")
    assert not _same_word("ارتفاع", "انخفاض")
    added, dropped = PairFeatures._diff("الذهب يرتفع في الأسواق", "ارتفاع الذهب في الأسواق")
    assert not added and not dropped


def test_dense_block_width_matches_transform() -> None:
    pairs = [
        ("ارتفاع أسعار الوقود في الأردن", "انخفاض أسعار الوقود في الأردن"),
        ("الحكومة تعلن موعد الانتخابات", "الحكومة لم تعلن موعد الانتخابات"),
        ("مقتل 12 شخصا في انفجار ببغداد", "منتخب مصر يتأهل إلى كأس العالم"),
    ]
    features = PairFeatures(cross=False).fit(pairs)
    matrix = features.transform(pairs)
    without = PairFeatures(cross=False, contrast=False).fit(pairs)
    assert features.n_dense_ - without.n_dense_ == len(CONTRAST_NAMES)
    dense = matrix[:, matrix.shape[1] - features.n_dense_ :].toarray()
    flip = features._dense(pairs[:1]).shape[1] - len(CONTRAST_NAMES) + CONTRAST_NAMES.index("antonym_flip")
    assert dense[0, flip] == 1.0 and dense[1, flip] == 0.0


def test_negation_must_sit_on_a_shared_word() -> None:
    claim = "الدفاع الجوي يتصدى لصواريخ فوق دمشق"
    # The denial governs the shared predicate ("failed to intercept").
    failed = named(claim, "فشل الدفاع الجوي في التصدي لصواريخ فوق دمشق")
    assert failed["negated_shared_passage"] == 1.0 and failed["negated_shared_claim"] == 0.0
    # A negation in an added remark about something else leaves the shared clause intact.
    aside = named(claim, "الدفاع الجوي يتصدى لصواريخ فوق دمشق دون خسائر بشرية")
    assert aside["negated_shared_passage"] == 0.0
    assert aside["negation_only_passage"] == 1.0


def test_flip_next_to_shared_words() -> None:
    inside = named("ارتفاع أسعار الوقود في الأردن", "انخفاض أسعار الوقود في الأردن")
    assert inside["antonym_flip"] == 1.0 and inside["flip_next_to_shared"] == 1.0
    # The opposite pole only in a trailing remark with no claim words around it.
    outside = named(
        "ارتفاع أسعار الوقود في الأردن",
        "أسعار الوقود في الأردن اليوم وقد يعقب ذلك انخفاض لاحقا",
    )
    assert outside["antonym_flip"] == 1.0 and outside["flip_next_to_shared"] == 0.0


def test_attribute_swap_of_nationality() -> None:
    swapped = named("تشكيل الحكومة العراقية الجديدة", "تشكيل الحكومة السورية الجديدة")
    assert swapped["attribute_swap"] == 1.0
    kept = named("تشكيل الحكومة العراقية الجديدة", "الحكومة العراقية الجديدة تتشكل قريبا")
    assert kept["attribute_swap"] == 0.0
