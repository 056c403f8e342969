from pathlib import Path

from rasid.text.sentences import split_sentences

REPORT = (Path(__file__).parent / "data" / "report_ar.txt").read_text(encoding="utf-8")


def texts(text, **kw):
    return [text[s:e] for s, e in split_sentences(text, **kw)]


def test_report_sentences():
    got = texts(REPORT)
    assert got[0] == "ريف إدلب الجنوبي"  # dateline/headline line on its own
    assert got[1].startswith("غاراتٌ روسية") and got[1].endswith("طفلان")  # ".." does not split
    assert got[2].endswith("الجنوبي.")
    assert got[3].startswith('وقال مراسل "شبكة الرصد"')
    assert got[4].endswith("للارتفاع؛")
    assert got[5] == "بسبب وجود حالات حرجة بين المصابين."
    assert got[6].startswith("وأوضح مدير المركز، د. سامر")  # "د." is an abbreviation
    assert "3.5 كيلومتر" in got[6] and got[6].endswith("تقريبًا!")
    assert got[7].endswith("مأهولة.»")  # closing quote stays with its sentence
    assert got[8].endswith("النار؟")
    assert got[9] == "دون تقديم أدلة."
    assert got[10].endswith("جورين…")
    assert len(got) == 11


def test_spans_are_trimmed_and_ordered():
    spans = split_sentences(REPORT)
    prev = 0
    for s, e in spans:
        assert s >= prev and e > s
        assert not REPORT[s].isspace() and not REPORT[e - 1].isspace()
        prev = e
    # nothing but whitespace is left outside the sentences
    covered = set()
    for s, e in spans:
        covered.update(range(s, e))
    assert all(REPORT[i].isspace() for i in range(len(REPORT)) if i not in covered)


def test_numbers_initials_and_urls_do_not_split():
    assert len(texts("ارتفع المؤشر 2.5 بالمئة. ثم هبط.")) == 2
    assert len(texts("قال م. أحمد إن الوضع هادئ.")) == 1
    assert len(texts("Dr. Smith met the U.S. envoy. He left.")) == 2
    assert len(texts("نشر الخبر على موقع example.com اليوم.")) == 1


def test_question_in_quote_followed_by_comma_does_not_split():
    assert len(texts('"هل انتهت المعركة؟"، سأل القائد.')) == 1


def test_split_on_arabic_question_mark_and_exclamation():
    assert texts("هل انسحبت القوات؟ نعم! انسحبت") == ["هل انسحبت القوات؟", "نعم!", "انسحبت"]


def test_semicolons_optional():
    text = "قصفت الطائرات البلدة؛ وسقط قتلى"
    assert len(texts(text)) == 2
    assert len(texts(text, semicolons=False)) == 1


def test_empty_and_blank():
    assert split_sentences("") == []
    assert split_sentences("  \n\n \t") == []
