from pathlib import Path

import pytest

from rasid.text.lang import detect_language

REPORT = (Path(__file__).parent / "data" / "report_ar.txt").read_text(encoding="utf-8")


def test_arabic():
    assert detect_language(REPORT) == "ar"
    assert detect_language("قصفت طائرات حربية مواقع في ريف حلب الغربي") == "ar"


def test_arabic_with_some_english():
    assert detect_language("قالت وكالة Reuters إن القوات انسحبت من مدينة حلب صباح اليوم") == "ar"


def test_english():
    assert (
        detect_language("Russian jets struck a market in Idlib province on Sunday, killing seven civilians.")
        == "en"
    )


def test_french_and_russian_are_other():
    assert (
        detect_language("Les forces russes ont bombardé un marché dans la province d'Idleb dimanche.")
        == "other"
    )
    assert detect_language("Российская авиация нанесла удар по рынку в провинции Идлиб.") == "other"


def test_persian_is_other():
    assert detect_language("نیروهای روسیه یک بازار را در استان ادلب بمباران کردند و این حمله") == "other"


@pytest.mark.parametrize("text", ["", "   ", "١٢٣ 456", "حلب", "ok."])
def test_too_little_text(text):
    assert detect_language(text) == "und"
