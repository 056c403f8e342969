from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pytest

from rasid.document import Document, Token
from rasid.extract.ner_clusters import (
    build_clusters,
    check_corpora,
    corpus_sentences,
    write_clusters,
    write_word_counts,
)
from rasid.extract.ner_clusters import (
    main as build_clusters_main,
)
from rasid.extract.ner_crf import (
    DEFAULT_LEXICON_DIR,
    DEFAULT_MODEL,
    FeatureExtractor,
    document_hints,
    hint_features,
    iob_spans,
    load_clusters,
    load_lexicons,
    load_tagger,
    normalize,
    split_clitics,
)

SENTENCE = "وقال الرئيس الفرنسي إيمانويل ماكرون في باريس إن منظمة الصحة العالمية حذرت من انتشار المرض في دمشق ."


# ---------------------------------------------------------------- spans


def test_iob_spans_accepts_iob1_and_adjacent_entities() -> None:
    # IOB1: I- opens a span, B- only separates two adjacent spans of the same type.
    assert iob_spans(["I-PERS", "I-PERS", "B-PERS", "O", "I-LOC"]) == [(0, 2, "PERS"), (2, 3, "PERS"), (4, 5, "LOC")]
    assert iob_spans(["B-ORG", "I-LOC"]) == [(0, 1, "ORG"), (1, 2, "LOC")]


# ---------------------------------------------------------------- features


def test_normalisation_and_clitics() -> None:
    assert normalize("إِدْلِبَ") == "ادلب"
    assert normalize("مـدرسة") == "مدرسه"
    assert split_clitics(normalize("وبالمدينة")) == ("وبال", "مدينه")
    assert split_clitics(normalize("للجيش")) == ("لل", "جيش")
    # Too short a remainder: not a clitic, the word stays whole.
    assert split_clitics(normalize("وقع")) == ("", "وقع")


def test_features_are_deterministic_and_use_context() -> None:
    tokens = SENTENCE.split()
    fx = FeatureExtractor(load_lexicons(DEFAULT_LEXICON_DIR))
    first = fx.token_features(tokens)
    again = FeatureExtractor(load_lexicons(DEFAULT_LEXICON_DIR)).token_features(tokens)
    assert first == again
    assert len(first) == len(tokens)
    i = tokens.index("باريس")
    assert "n=باريس" in first[i]
    assert "-1:b=في" in first[i]
    assert "BOS" in first[0] and "EOS" in first[-1]


# ---------------------------------------------------------------- shipped model


@pytest.mark.skipif(not DEFAULT_MODEL.is_file(), reason="model not built")
def test_shipped_tagger_finds_person_and_places() -> None:
    tagger = load_tagger()
    tokens = SENTENCE.split()
    labels = tagger.tag(tokens)
    spans = {(" ".join(tokens[i:j]), t) for i, j, t in iob_spans(labels)}
    assert ("إيمانويل ماكرون", "PERS") in spans
    assert ("باريس", "LOC") in spans
    assert ("دمشق", "LOC") in spans
    # Nothing else is a person: the title before the name stays outside the span.
    assert [s for s, t in spans if t == "PERS"] == ["إيمانويل ماكرون"]


@pytest.mark.skipif(not DEFAULT_MODEL.is_file(), reason="model not built")
def test_tag_document_offsets_without_tokens() -> None:
    text = "قصفت الطائرات الروسية مدينة حلب.\nوقال وزير الخارجية الروسي سيرغي لافروف في موسكو إن المحادثات مستمرة."
    doc = Document(id="t", text=text)
    spans = load_tagger().tag_document(doc)
    found = {(text[s:e], t) for s, e, t, _ in spans}
    assert ("حلب", "LOC") in found
    assert ("موسكو", "LOC") in found
    assert any(t == "PERS" and "لافروف" in s for s, t in found)
    assert all(0.0 < c <= 1.0 for *_, c in spans)


@pytest.mark.skipif(not DEFAULT_MODEL.is_file(), reason="model not built")
def test_tag_document_uses_document_tokens() -> None:
    text = "  وصل الرئيس الفرنسي إيمانويل ماكرون إلى باريس ."
    tokens = []
    for m in re.finditer(r"\S+", text):
        tokens.append(Token(m.start(), m.end(), m.group(), m.start(), m.group(), m.group(), sentence=0))
    doc = Document(id="t", text=text, tokens=tuple(tokens))
    found = {(text[s:e], t) for s, e, t, _ in load_tagger().tag_document(doc)}
    assert ("إيمانويل ماكرون", "PERS") in found
    assert ("باريس", "LOC") in found


def test_missing_model_error_says_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="rasid train ner"):
        load_tagger(tmp_path / "none.crfsuite")


# ---------------------------------------------------------------- document features and clusters


def test_document_hints_carry_a_name_type_to_a_bare_surname() -> None:
    sents = [
        str.split("قال الوزير سمير بركات إن الاجتماع انتهى"),
        str.split("وأضاف بركات أن الوفد سيعود غدا"),
        str.split("وقال بركات للصحفيين"),
    ]
    first = [
        ["O", "O", "B-PERS", "I-PERS", "O", "O", "O"],
        ["O", "O", "O", "O", "O", "O"],  # the first pass missed the bare surname here
        ["O", "O", "O"],
    ]
    hints = document_hints(sents, first)
    assert "d:PERS:E" in hints[1][1] and "d:PERS" in hints[1][1]
    # The majority over other mentions (one PERS, one O) is a tie broken by name: not "all".
    assert any(h.startswith("dmaj=") and h.endswith(":most") for h in hints[1][1])
    # A token's own label never counts: the full name itself only sees the two bare mentions.
    assert "d:PERS:E" not in hints[0][3]
    assert hints[0][3] == ["d:O", "dmaj=O:all"]
    # Outside the window the surname gets no hint.
    far = document_hints(sents, first, window=0)
    assert far[1][1] == []


def test_hint_features_reach_neighbours() -> None:
    feats = hint_features([["d:LOC", "dmaj=LOC:all"], [], ["d:O"]])
    assert feats[0] == ["d:LOC", "dmaj=LOC:all"]
    assert "-1:d:LOC" in feats[1] and "1:d:O" in feats[1]
    assert not any("dmaj" in f for f in feats[1])


def test_clusters_group_words_in_the_same_contexts_and_are_deterministic() -> None:
    base = [["وصل", "الوفد", "الى", city, "امس", "صباحا"] for city in ("حلب", "حمص", "ادلب")]
    other = [["قرر", "المجلس", "رفع", thing, "غدا", "رسميا"] for thing in ("الضريبه", "الاسعار", "الرسوم")]
    corpus = (base + other) * 4
    first = build_clusters(corpus)
    assert first == build_clusters(corpus)
    assert first["حلب"] == first["حمص"] == first["ادلب"]
    assert first["حلب"][0] != first["الضريبه"][0]
    assert build_clusters([]) == {}


def test_clusters_read_a_streamed_corpus_twice_and_report_word_counts() -> None:
    base = [["وصل", "الوفد", "الى", city, "امس", "صباحا"] for city in ("حلب", "حمص", "ادلب")]
    corpus = base * 5 + [["نادرة", "جدا"]] * 4
    counts: dict[str, int] = {}
    streamed = build_clusters(lambda: iter(corpus), counts)
    assert streamed == build_clusters(corpus)
    assert counts["الوفد"] == 15 and counts["حلب"] == 5
    assert "نادرة" in streamed and "نادرة" not in counts  # counts keep words seen MIN_KEPT_COUNT times
    assert list(counts) == sorted(counts, key=lambda w: (-counts[w], w))


def _write_corpus(tmp_path: Path) -> tuple[Path, Path]:
    import gzip
    import json

    news = tmp_path / "news.jsonl.gz"
    rows = [
        {"id": "a", "title": "قصف على حلب", "text": "وصل الوفد الى حلب. ثم عاد الى حمص\nوانتهى اللقاء"},
        {"id": "b", "text": "سطر واحد"},
    ]
    with gzip.open(news, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    iob = tmp_path / "train.txt"
    iob.write_text("زار O\nحلب B-LOC\n\nغادر O\nحمص B-LOC\n\nعاد O\nادلب B-LOC\n", encoding="utf-8")
    return news, iob


def test_cluster_corpus_reads_articles_by_sentence_and_drops_a_held_out_block(tmp_path: Path) -> None:
    news, iob = _write_corpus(tmp_path)
    sents = list(corpus_sentences([news, iob]))
    assert sents[:4] == [["قصف", "علي", "حلب"], ["وصل", "الوفد", "الي", "حلب"], ["ثم", "عاد", "الي", "حمص"], ["وانتهي", "اللقاء"]]
    assert sents[-3:] == [["زار", "حلب"], ["غادر", "حمص"], ["عاد", "ادلب"]]
    # Sentence 1 of the IOB file is the held-out block: it never reaches the clusters.
    held = list(corpus_sentences([iob], {iob: (1, 2)}))
    assert held == [["زار", "حلب"], ["عاد", "ادلب"]]


def test_cluster_corpora_refuse_evaluation_text_and_unknown_files(tmp_path: Path) -> None:
    wojood = tmp_path / "wojood_sample"
    wojood.mkdir()
    for name in ("test.txt", "val.txt"):
        (wojood / name).write_text("حلب B-LOC\n", encoding="utf-8")
        with pytest.raises(ValueError, match="evaluated on"):
            check_corpora([wojood / name])
        with pytest.raises(ValueError, match="evaluated on"):
            list(corpus_sentences([wojood / name]))
    with pytest.raises(ValueError, match="not found"):
        check_corpora([tmp_path / "missing.jsonl"])
    (tmp_path / "x.csv").write_text("a", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown corpus format"):
        check_corpora([tmp_path / "x.csv"])
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "حلب"}\n[1, 2\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.jsonl:2:"):
        list(corpus_sentences([bad]))


def test_cluster_build_command_names_its_corpus(tmp_path: Path) -> None:
    news, iob = _write_corpus(tmp_path)
    out, counts = tmp_path / "c.tsv", tmp_path / "n.tsv"
    args = ["--corpus", str(news), "--corpus", str(iob), "--corpus", str(news), "--out", str(out)]
    assert build_clusters_main([*args, "--counts-out", str(counts)]) == 0
    assert "# corpus: news.jsonl.gz, train.txt, news.jsonl.gz" in out.read_text(encoding="utf-8")
    assert set(load_clusters(out)) >= {"حلب", "حمص"}
    write_word_counts(counts, {"حلب": 7, "حمص": 9})
    assert counts.read_text(encoding="utf-8").splitlines()[1:] == ["حمص\t9", "حلب\t7"]


def test_shipped_clusters_come_from_realnews_and_training_text_only() -> None:
    from rasid.extract.ner_crf import DEFAULT_CLUSTERS

    header = DEFAULT_CLUSTERS.read_text(encoding="utf-8").split("\n", 2)[1]
    assert header == "# corpus: saudinewsnet_dev.jsonl.gz, anercorp_train.txt"


def test_cluster_file_round_trip_and_validation(tmp_path: Path) -> None:
    path = tmp_path / "c.tsv"
    write_clusters(path, {"حلب": ("1", "7"), "حمص": ("1", "8")})
    assert load_clusters(path) == {"حلب": ("1", "7"), "حمص": ("1", "8")}
    bad = tmp_path / "bad.tsv"
    bad.write_text("حلب\t1\t2\nحمص\t1\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.tsv:2:"):
        load_clusters(bad)


@pytest.mark.skipif(not DEFAULT_MODEL.is_file(), reason="model not built")
def test_document_context_helps_a_bare_surname() -> None:
    tagger = load_tagger()
    sents = [
        str.split("وقال رئيس الوزراء السوري محمد قرقماز في دمشق إن المحادثات مستمرة ."),
        str.split("وتابع قرقماز أن الحكومة ستدعم المزارعين ."),
    ]
    labels = tagger.tag_sentences(sents)
    assert ("محمد قرقماز", "PERS") in {(" ".join(sents[0][i:j]), t) for i, j, t in iob_spans(labels[0])}
    # Alone, the unknown surname is not recognised; after the full name it is.
    assert tagger.tag(sents[1])[1] == "O"
    assert labels[1][1] == "B-PERS"


# ---------------------------------------------------------------- fast inference equals CRFsuite

DOCUMENT = [
    str.split("أعلنت وزارة الدفاع التركية في أنقرة أن وفدا عسكريا سيزور موسكو الأسبوع المقبل ."),
    str.split("وقال المتحدث باسم الوزارة العقيد سليم أوزدمير إن الوفد سيلتقي مسؤولين في شركة روستيخ ."),
    str.split("وأضاف أوزدمير أن الزيارة تأتي بعد اتصال بين الرئيسين ."),
    str.split("وكانت صحيفة الوطن السورية قد نقلت عن مصادر في دمشق أن الجيش السوري عزز مواقعه قرب حلب ."),
    str.split("؟"),
]


def _crfsuite_labels(model: Path, features: list[list[list[str]]]) -> list[list[str]]:
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    return [list(tagger.tag(x)) for x in features]


@pytest.mark.skipif(not DEFAULT_MODEL.is_file(), reason="model not built")
def test_fast_two_pass_tagging_matches_crfsuite_on_feature_strings() -> None:
    import pycrfsuite

    from rasid.extract.ner_crf import pass1_path_for

    tagger = load_tagger()
    fx = tagger.features
    first = _crfsuite_labels(pass1_path_for(DEFAULT_MODEL), [fx.token_features(s) for s in DOCUMENT])
    hints = document_hints(DOCUMENT, first)
    final = [fx.token_features(s, h) for s, h in zip(DOCUMENT, hints, strict=True)]
    expected = _crfsuite_labels(DEFAULT_MODEL, final)
    assert tagger.tag_sentences(DOCUMENT) == expected
    # Marginals too: the confidence of each label equals CRFsuite's.
    crf = pycrfsuite.Tagger()
    crf.open(str(DEFAULT_MODEL))
    decoded = tagger._decode(DOCUMENT, True)
    for x, (got_labels, got) in zip(final, decoded, strict=True):
        labels = list(crf.tag(x))
        assert got_labels == labels
        assert got == pytest.approx([crf.marginal(y, i) for i, y in enumerate(labels)], abs=1e-9)


def test_weights_read_from_a_model_file_equal_crfsuite_dump(tmp_path: Path) -> None:
    import pycrfsuite

    from rasid.extract.ner_crf import CrfTagger, PhraseLexicon, phrase_key
    from rasid.extract.ner_infer import CrfWeights, marginals, viterbi

    cues = {
        "pers_cue": PhraseLexicon.from_phrases([phrase_key(["العقيد"]), phrase_key(["المتحدث", "باسم"])]),
        "org_head": PhraseLexicon.from_phrases([phrase_key(["وزارة"]), phrase_key(["شركة"])]),
    }
    lexicons = {**load_lexicons(DEFAULT_LEXICON_DIR), **cues}
    fx = FeatureExtractor(lexicons, clusters={})
    names = {"وزارة الدفاع التركية": "ORG", "أنقرة": "LOC", "موسكو": "LOC", "سليم أوزدمير": "PERS",
             "روستيخ": "ORG", "أوزدمير": "PERS", "صحيفة الوطن": "ORG", "دمشق": "LOC", "حلب": "LOC"}
    gold = []
    for sent in DOCUMENT:
        labels = ["O"] * len(sent)
        for name, etype in names.items():
            words = name.split()
            for i in range(len(sent) - len(words) + 1):
                if sent[i : i + len(words)] == words and labels[i] == "O":
                    labels[i : i + len(words)] = [f"B-{etype}"] + [f"I-{etype}"] * (len(words) - 1)
        gold.append(labels)
    trainer = pycrfsuite.Trainer(verbose=False)
    for sent, labels in zip(DOCUMENT, gold, strict=True):
        trainer.append(fx.token_features(sent), labels)
    trainer.set_params({"c1": 0.0, "c2": 0.1, "max_iterations": 30})
    path = tmp_path / "tiny.crfsuite"
    trainer.train(str(path))
    weights = CrfWeights.read(path)
    crf = pycrfsuite.Tagger()
    crf.open(str(path))
    info = crf.info()
    assert set(weights.labels) == set(info.labels)
    for (attr, label), w in info.state_features.items():
        assert weights.vector(attr)[weights.labels.index(label)] == pytest.approx(w, abs=1e-6)
    for (a, b), w in info.transitions.items():
        assert weights.transitions[weights.labels.index(a), weights.labels.index(b)] == pytest.approx(w, abs=1e-6)
    # Decoding a batch of sentences of different lengths gives CRFsuite's answer for each.
    test = [str.split("وصل الوفد إلى أنقرة ."), DOCUMENT[1], str.split("دمشق")]
    feats = [fx.token_features(s) for s in test]
    scores = [np.array([weights.score(f) for f in x]) for x in feats]
    paths = viterbi(scores, weights.transitions)
    probs = marginals(scores, weights.transitions)
    for x, path_ids, prob in zip(feats, paths, probs, strict=True):
        labels = list(crf.tag(x))
        assert [weights.labels[k] for k in path_ids] == labels
        assert [prob[i, k] for i, k in enumerate(path_ids)] == pytest.approx(
            [crf.marginal(y, i) for i, y in enumerate(labels)], abs=1e-9
        )
    assert viterbi([], weights.transitions) == [] and marginals([], weights.transitions) == []
    # The tagger's cached, vectorised scoring (list marks near and two words away, bigrams)
    # gives the same labels and marginals as the strings.
    tagger = CrfTagger(path, features=FeatureExtractor(lexicons, clusters={}))
    assert any(f.startswith("-2:gpers_cue") for x in feats for token in x for f in token)
    for sent, x in zip(test, feats, strict=True):
        labels, conf = tagger.tag_with_confidence(sent)
        assert labels == list(crf.tag(x))
        assert conf == pytest.approx([crf.marginal(y, i) for i, y in enumerate(labels)], abs=1e-9)


def test_marks_equal_per_list_greedy_matching() -> None:
    from rasid.extract.ner_crf import PhraseLexicon

    lists = {
        "a": PhraseLexicon.from_phrases([("مجلس", "امن"), ("مجلس",), ("امن", "قومي")]),
        "b": PhraseLexicon.from_phrases([("امن", "قومي"), ("قومي",)]),
        "empty": PhraseLexicon.from_phrases([]),
    }
    fx = FeatureExtractor(lists, clusters={})
    bases = ["قال", "مجلس", "امن", "قومي", "مجلس", "قومي"]
    got = {(i, name): m for i, name, m in fx.marks(bases)}
    for name, lex in lists.items():
        for i, m in enumerate(lex.mark(bases)):
            assert got.get((i, name), "") == m
    # The first list takes "مجلس امن" before "امن قومي" can start; the second list does not compete.
    assert got[(3, "b")] == "I" and (3, "a") not in got


@pytest.mark.skipif(not DEFAULT_MODEL.is_file(), reason="model not built")
def test_restarting_the_form_numbering_keeps_the_labels() -> None:
    from rasid.extract.ner_crf import CrfTagger

    tagger = CrfTagger(DEFAULT_MODEL)
    expected = tagger.tag_sentences(DOCUMENT)
    tagger.features.numbering.limit = 20  # every document now restarts the numbering
    tagger.tag_sentences([str.split("وصل وفد من منظمة الهلال الأحمر إلى مدينة الرقة صباح اليوم .")])
    assert tagger.tag_sentences(DOCUMENT) == expected
    assert tagger.features.numbering.generation >= 2


def test_batched_inference_equals_brute_force_per_sentence() -> None:
    from rasid.extract.ner_infer import marginals, viterbi

    rng = np.random.default_rng(3)
    width = 3
    trans = rng.normal(size=(width, width))
    # Sentences of different lengths decoded together (a batch pads them).
    scores = [rng.normal(size=(n, width)) for n in (4, 1, 3, 2)]
    for x, path, prob in zip(scores, viterbi(scores, trans), marginals(scores, trans), strict=True):
        seqs = list(itertools.product(range(width), repeat=len(x)))
        totals = np.array(
            [sum(x[i, y[i]] for i in range(len(y))) + sum(trans[a, b] for a, b in itertools.pairwise(y)) for y in seqs]
        )
        assert path.tolist() == list(seqs[int(totals.argmax())])
        weights = np.exp(totals - totals.max())
        expected = np.zeros((len(x), width))
        for y, w in zip(seqs, weights, strict=True):
            expected[np.arange(len(y)), list(y)] += w
        assert np.allclose(prob, expected / weights.sum())


def test_base_bigrams_holding_a_bar_match_every_split() -> None:
    from rasid.extract.ner_crf import _Attributes
    from rasid.extract.ner_infer import CrfWeights

    names = ["0|1:b=قصف|حلب", "-1|0:b=a|b|c", "0|1:b=a|b|c"]
    weights = CrfWeights(("O",), {a: k for k, a in enumerate(names, 1)}, np.zeros((4, 1)), np.zeros((1, 1)))
    attrs = _Attributes.of([weights])
    after = attrs.index["0|1:b=a|b|c"]
    before = attrs.index["-1|0:b=a|b|c"]
    assert attrs.pair_ids[attrs.pairs[("a", "b|c")]].tolist() == [after, before]
    assert attrs.pair_ids[attrs.pairs[("a|b", "c")]].tolist() == [after, before]
    assert attrs.pair_ids[attrs.pairs[("قصف", "حلب")]].tolist() == [attrs.index["0|1:b=قصف|حلب"], 0]
    assert ("قصف|حلب", "") not in attrs.pairs


def test_viterbi_labels_do_not_depend_on_the_batch() -> None:
    from rasid.extract.ner_infer import viterbi

    rng = np.random.default_rng(5)
    width = 9
    trans = rng.normal(size=(width, width))
    # Ties too: rounded scores make equal path scores common, and the first maximum must win either way.
    scores = [np.round(rng.normal(size=(n, width)), 1) for n in (7, 1, 30, 2, 30, 13, 4)]
    alone = [viterbi([x], trans)[0] for x in scores]
    together = viterbi(scores, trans)
    assert [p.tolist() for p in together] == [p.tolist() for p in alone]
    assert [len(p) for p in together] == [len(x) for x in scores]


def test_documents_tagged_together_get_the_spans_they_get_alone() -> None:
    from rasid.text.stage import TextStage

    texts = [
        "قال العقيد أحمد الحمادي إن قوات النظام قصفت مدينة حلب.\nونفت وزارة الدفاع الروسية ذلك في بيان من موسكو.",
        "",
        "التقى وزير الخارجية التركي مولود جاويش أوغلو نظيره الإيراني في أنقرة.",
        "Clashes in Aleppo",
    ]
    docs = [TextStage()(Document(id=f"d{k}", text=t)) for k, t in enumerate(texts)]
    docs.append(Document(id="raw", text=texts[0]))  # no tokens: tagged from the text
    tagger = load_tagger()
    alone = [tagger.tag_document(d) for d in docs]
    assert tagger.tag_documents(docs) == alone
    assert any(alone)
