"""Reproducible training of the CRF named-entity tagger shipped in `rasid/models/ner.crfsuite`.

Recipe (fixed, deterministic: the same data gives a byte-identical model):
  * data: ANERcorp training file (IOB, PERS/LOC/ORG/MISC) read from ../shared/data/ner;
  * features: `rasid.extract.ner_crf.FeatureExtractor`;
  * gazetteer lists, written to `rasid/extract/data/ner_lexicon/`:
      - pers/loc/org/misc: entity names seen in the training data. While training, the
        lists used for the features of a sentence are built from the *other* chunks of the
        data (jackknife), so the model learns how much to trust a list hit on unseen text
        instead of learning that every training name is listed;
      - geo: Arabic place names from the GeoNames extract and country/city entries of the
        Universal-PETRARCH actor dictionary;
      - actor_first / actor_head: first words of PETRARCH actor entries (person first names,
        and frequent heads such as titles and organisation keywords);
      - kb_place / kb_actor / given: names from the package's own knowledge (places.csv,
        actors.yaml and outlets.yaml, given_names.txt); titles.yaml adds to pers_cue;
      - world, org_head, org_name, pers_first, pers_cue, loc_cue: hand-written lists in
        `rasid/extract/data/ner_cues.txt` (countries and cities, organisation head words
        and well-known organisations, foreign given names, words written before a person
        or a place);
  * word clusters (`rasid.extract.ner_clusters`) built from the files named in
    `cluster_corpora` (default `default_cluster_corpora()`: the realnews articles, unlabelled,
    and the words of the training files), written to `rasid/models/ner_clusters.tsv` with the
    corpus word counts in `rasid/models/ner_word_counts.tsv` (read by `rasid.extract.ner_spans`).
    No text the tagger is scored on goes in (Wojood test/val are refused);
  * two passes: a first-pass CRF (`ner_pass1.crfsuite`) without document features, and
    the final CRF (`ner.crfsuite`) that also sees how the first pass labelled the same
    word in the surrounding sentences. The first-pass labels it is trained on come from
    models that did not see those sentences (PASS1_FOLDS-fold cross-fitting);
  * CRFsuite L-BFGS with fixed c1/c2 and iteration cap.

Cross-validation rebuilds the clusters for each fold without the test block's text (the block's
sentences are dropped from any training file that is also a cluster corpus).
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pycrfsuite

from rasid.eval.ner import conll_scores, read_iob
from rasid.extract.ner_clusters import (
    build_clusters,
    check_corpora,
    corpus_sentences,
    write_clusters,
    write_word_counts,
)
from rasid.extract.ner_crf import (
    CLITIC_FILE,
    CLUSTER_FILE,
    DEFAULT_CLUSTERS,
    DEFAULT_LEXICON_DIR,
    DEFAULT_MODEL,
    CrfTagger,
    FeatureExtractor,
    PhraseLexicon,
    clusters_override,
    document_hints,
    iob_spans,
    lexicon_dir_for,
    load_clusters,
    load_lexicons,
    pass1_path_for,
    phrase_key,
    write_lexicon,
)

Sentence = list[tuple[str, str]]
Progress = Callable[[str], None]


def shared_data_dir() -> Path:
    """../shared/data next to the repository (override with RASID_SHARED_DATA)."""
    env = os.environ.get("RASID_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "data"


def default_training_files() -> list[Path]:
    return [shared_data_dir() / "ner" / "anercorp_train.txt"]


def default_cluster_corpora() -> list[Path]:
    """The realnews articles (8.7 M words, unlabelled) and the ANERcorp training file."""
    return [shared_data_dir() / "realnews" / "saudinewsnet_dev.jsonl.gz", *default_training_files()]


WORD_COUNTS_FILE = "word_counts.tsv"  # beside the word lists of a model trained elsewhere than the package


def _clusters(
    corpora: Sequence[Path], exclude: dict[Path, tuple[int, int]] | None = None, counts: dict[str, int] | None = None
) -> dict[str, tuple[str, ...]]:
    check_corpora(corpora)
    return build_clusters(lambda: corpus_sentences(corpora, exclude), counts)


def _held_out_blocks(data: Sequence[Path], a: int, b: int) -> dict[Path, tuple[int, int]]:
    """Sentences a..b-1 of the concatenated training files, as (first, end) per file."""
    blocks: dict[Path, tuple[int, int]] = {}
    offset = 0
    for path in data:
        n = len(read_iob(path))
        lo, hi = max(a - offset, 0), min(b - offset, n)
        if lo < hi:
            blocks[path] = (lo, hi)
        offset += n
    return blocks


C1 = 0.05
C2 = 0.01
MAX_ITERATIONS = 200
JACKKNIFE_FOLDS = 5
# Cross-fitting of the first pass: folds and (cheaper) iteration cap of the fold models.
PASS1_FOLDS = 2
PASS1_FOLD_ITERATIONS = 100
# A single word goes in a corpus list only if it is that entity type in at least this share
# of its occurrences (keeps common words like "العربية" out of the lists).
MIN_ENTITY_SHARE = 0.5
ACTOR_HEAD_MIN = 5
MIN_COMMON = 3
MAX_COMMON_ENTITY_SHARE = 0.2
FILTERED_LISTS = ("geo", "actor_first", "world", "kb_place", "kb_actor", "given", "org_name", "pers_first")
KNOWLEDGE_DIR = Path(__file__).resolve().parents[1] / "knowledge" / "data"
PLACES_FILE = KNOWLEDGE_DIR / "places.csv"
GIVEN_NAMES_FILE = KNOWLEDGE_DIR / "given_names.txt"
CUES_FILE = Path(__file__).resolve().parents[1] / "extract" / "data" / "ner_cues.txt"
_COUNTRY_CODE = re.compile(r"[A-Z]{3}")
_NON_ARABIC_LETTERS = re.compile("[\u067e\u0686\u0698\u06af\u06d5\u06c6\u06ce\u06b5\u0695]")


# --------------------------------------------------------------------------- word lists


def corpus_lexicons(sentences: Iterable[Sentence]) -> dict[str, set[tuple[str, ...]]]:
    """Entity names of each type seen in `sentences` (phrases, plus single words of person names)."""
    sentences = list(sentences)
    word_total: Counter[str] = Counter()
    phrases: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    word_type: dict[str, Counter[tuple[str, ...]]] = defaultdict(Counter)
    for sent in sentences:
        toks = [t for t, _ in sent]
        keys = phrase_key(toks)
        if len(keys) != len(toks):  # whitespace-only tokens: skip the sentence's lists
            continue
        word_total.update(keys)
        for i, j, etype in iob_spans([lab for _, lab in sent]):
            key = keys[i:j]
            if j - i > 1:
                phrases[etype].add(key)
            if etype == "PERS" or j - i == 1:  # person name parts recombine; other types don't
                word_type[etype].update((w,) for w in key)
    out: dict[str, set[tuple[str, ...]]] = {}
    for etype in ("PERS", "LOC", "ORG", "MISC"):
        singles = {
            (w,)
            for (w,), n in word_type[etype].items()
            if len(w) >= 2 and n / max(word_total[w], 1) >= MIN_ENTITY_SHARE
        }
        out[etype.lower()] = phrases[etype] | singles
    return out


def _petrarch_entries(path: Path) -> list[tuple[list[str], list[str]]]:
    """(words, codes) of each entry in a PETRARCH actor dictionary."""
    entries: list[tuple[list[str], list[str]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("["):
            if entries:
                entries[-1][1].append(stripped)
            continue
        name, _, rest = stripped.partition("[")
        words = [w for w in name.strip().strip("_").split("_") if w]
        if words:
            entries.append((words, [f"[{rest}"] if rest else []))
    return entries


def external_lexicons(shared: Path | None = None) -> dict[str, set[tuple[str, ...]]]:
    """Lists built from the GeoNames extract and the PETRARCH actor dictionary (empty if absent)."""
    shared = shared or shared_data_dir()
    geo: set[tuple[str, ...]] = set()
    gaz = shared / "gazetteer" / "geonames_syria_neighbors_pop500.csv"
    if gaz.is_file():
        with gaz.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                names = [row.get("arabic_names", ""), row.get("admin1_ar", "")]
                for name in "|".join(names).split("|"):
                    # The Arabic field also holds Persian/Kurdish spellings.
                    if name.strip() and not _NON_ARABIC_LETTERS.search(name):
                        geo.add(phrase_key(name.split()))
    first: Counter[str] = Counter()
    heads: Counter[str] = Counter()
    actors = shared / "events" / "actor_dict_ar_v4.txt"
    if actors.is_file():
        entries = _petrarch_entries(actors)
        for words, _codes in entries:
            if len(words) > 1:
                heads[phrase_key(words[:1])[0]] += 1
        for words, codes in entries:
            key = phrase_key(words)
            if codes and all(_COUNTRY_CODE.fullmatch(c.strip("[] ").split()[0]) for c in codes):
                geo.add(key)  # entries coded only with a country code are places
            elif len(words) > 1 and heads[key[0]] < ACTOR_HEAD_MIN and any("-" in c or ">" in c for c in codes):
                first[key[0]] += 1  # dated single actors are people: keep their first name
    return {
        "geo": {g for g in geo if g},
        "actor_first": {(w,) for w in first if len(w) >= 2},
        "actor_head": {(w,) for w, n in heads.items() if n >= ACTOR_HEAD_MIN},
        **package_lexicons(),
    }


def read_cue_lists(path: Path = CUES_FILE) -> dict[str, set[tuple[str, ...]]]:
    """The hand-written lists of `ner_cues.txt` (`[name]` sections, one phrase per line)."""
    out: dict[str, set[tuple[str, ...]]] = {}
    current: set[tuple[str, ...]] | None = None
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = out.setdefault(line[1:-1], set())
        elif current is None:
            raise ValueError(f"{path}:{lineno}: phrase before the first [list] header")
        else:
            current.add(phrase_key(line.split()))
    return out


def package_lexicons() -> dict[str, set[tuple[str, ...]]]:
    """Lists from knowledge the package ships: places, actors, given names, titles, cue words."""
    from rasid.knowledge.actors import load_actors, load_outlets, load_titles

    lists = read_cue_lists()
    places: set[tuple[str, ...]] = set()
    with PLACES_FILE.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for name in [row["name_ar"], *row["variants"].split("|")]:
                if name.strip():
                    places.add(phrase_key(name.split()))
    actors: set[tuple[str, ...]] = set()
    names = [n for actor in load_actors().all() for n in (actor.name_ar, *actor.aliases)]
    names += [n for outlet in load_outlets().all() for n in (outlet.name_ar, *outlet.names)]
    for name in names:
        if name.strip():
            actors.add(phrase_key(name.split()))
    given = set()
    for line in GIVEN_NAMES_FILE.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            given.add(phrase_key(line.split()))
    cues = lists.get("pers_cue", set())
    cues |= {phrase_key(t.text.split()) for t in load_titles()}
    return {
        **lists,
        "pers_cue": cues,
        "kb_place": {p for p in places if p},
        "kb_actor": {a for a in actors if a},
        "given": {g for g in given if g},
    }


def filter_external(
    external: dict[str, set[tuple[str, ...]]], sentences: Iterable[Sentence]
) -> dict[str, set[tuple[str, ...]]]:
    """Drop name-list words that the labelled data shows to be ordinary words.

    GeoNames and PETRARCH contain villages and first names spelled like common words
    (prepositions, titles); a single word seen at least MIN_COMMON times and almost never
    inside an entity is removed from the name lists (not from the head-word list).
    """
    total: Counter[str] = Counter()
    inside: Counter[str] = Counter()
    for sent in sentences:
        keys = phrase_key([t for t, _ in sent])
        if len(keys) != len(sent):
            continue
        for key, (_, label) in zip(keys, sent, strict=True):
            total[key] += 1
            if label != "O":
                inside[key] += 1
    common = {w for w, n in total.items() if n >= MIN_COMMON and inside[w] / n < MAX_COMMON_ENTITY_SHARE}
    out = dict(external)
    for name in FILTERED_LISTS:
        if name in out:
            out[name] = {p for p in out[name] if not (len(p) == 1 and p[0] in common)}
    return out


def all_lists(
    sentences: Sequence[Sentence], external: dict[str, set[tuple[str, ...]]]
) -> dict[str, set[tuple[str, ...]]]:
    """Every word list a model uses, built from its training sentences plus the external sources."""
    return {**corpus_lexicons(sentences), **filter_external(external, sentences)}


def _as_lexicons(lists: dict[str, set[tuple[str, ...]]]) -> dict[str, PhraseLexicon]:
    return {name: PhraseLexicon.from_phrases(items) for name, items in lists.items()}


# --------------------------------------------------------------------------- training


class _Trainer(pycrfsuite.Trainer):
    """Trainer that reports L-BFGS iterations to a callback instead of stdout."""

    progress: Progress | None = None

    def on_iteration(self, log: str, info: dict[str, Any]) -> None:
        if self.progress and info.get("num", 0) % 10 == 0:
            self.progress(f"iteration {info.get('num')}: loss {info.get('loss', 0):.1f}")

    def message(self, message: str) -> None:  # silence CRFsuite's own log
        pass


def _jackknife_features(
    sentences: Sequence[Sentence],
    external: dict[str, set[tuple[str, ...]]],
    folds: int,
    hints: Sequence[Sequence[Sequence[str]]] | None = None,
) -> list[list[list[str]]]:
    """Features for each sentence, with corpus lists built from the other chunks only."""
    n = len(sentences)
    bounds = [round(k * n / folds) for k in range(folds + 1)]
    feats: list[list[list[str]]] = []
    for k in range(folds):
        others = [*sentences[: bounds[k]], *sentences[bounds[k + 1] :]]
        extractor = FeatureExtractor(_as_lexicons(all_lists(others, external)))
        for s in range(bounds[k], bounds[k + 1]):
            tokens = [t for t, _ in sentences[s]]
            feats.append(extractor.token_features(tokens, None if hints is None else hints[s]))
    return feats


def fit(
    sentences: Sequence[Sentence],
    model_path: Path,
    external: dict[str, set[tuple[str, ...]]],
    *,
    c1: float = C1,
    c2: float = C2,
    max_iterations: int = MAX_ITERATIONS,
    progress: Progress | None = None,
    hints: Sequence[Sequence[Sequence[str]]] | None = None,
) -> None:
    """Train one CRF on `sentences` (with document `hints` for a second-pass model) and write it."""
    trainer = _Trainer(verbose=False)
    trainer.progress = progress
    feats = _jackknife_features(sentences, external, JACKKNIFE_FOLDS, hints)
    for sent, x in zip(sentences, feats, strict=True):
        trainer.append(x, [lab for _, lab in sent])
    trainer.select("lbfgs", "crf1d")
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": max_iterations,
            "feature.possible_transitions": True,
        }
    )
    model_path.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(model_path))


def cross_fitted_first_pass(
    sentences: Sequence[Sentence],
    external: dict[str, set[tuple[str, ...]]],
    workdir: Path,
    *,
    folds: int = PASS1_FOLDS,
    c1: float = C1,
    c2: float = C2,
    progress: Progress | None = None,
) -> list[list[str]]:
    """First-pass labels for every training sentence from a model that did not see it.

    The second pass must learn how far to trust first-pass labels on *unseen* text; labels
    from a model trained on the same sentences would be almost perfect and over-trusted.
    """
    n = len(sentences)
    bounds = [round(k * n / folds) for k in range(folds + 1)]
    labels: list[list[str]] = []
    for k in range(folds):
        others = [*sentences[: bounds[k]], *sentences[bounds[k + 1] :]]
        path = workdir / f"pass1_fold{k}.crfsuite"
        if progress:
            progress(f"first pass, fold {k + 1}/{folds}")
        fit(others, path, external, c1=c1, c2=c2, max_iterations=PASS1_FOLD_ITERATIONS)
        # A fold model has no first-pass model beside it: each sentence is tagged on its own.
        tagger = _fold_tagger(path, all_lists(others, external))
        labels.extend(tagger.tag_sentences([[t for t, _ in s] for s in sentences[bounds[k] : bounds[k + 1]]]))
    return labels


def fit_two_pass(
    sentences: Sequence[Sentence],
    model_path: Path,
    external: dict[str, set[tuple[str, ...]]],
    *,
    c1: float = C1,
    c2: float = C2,
    max_iterations: int = MAX_ITERATIONS,
    progress: Progress | None = None,
) -> None:
    """Write the first-pass model (`pass1_path_for`) and the second-pass model at `model_path`."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        first = cross_fitted_first_pass(sentences, external, Path(tmp), c1=c1, c2=c2, progress=progress)
    hints = document_hints([[t for t, _ in s] for s in sentences], first)
    if progress:
        progress("second pass")
    fit(sentences, model_path, external, c1=c1, c2=c2, max_iterations=max_iterations, progress=progress, hints=hints)
    if progress:
        progress("first pass, all data")
    fit(sentences, pass1_path_for(model_path), external, c1=c1, c2=c2, max_iterations=max_iterations, progress=progress)


def read_training(data: Sequence[Path]) -> list[Sentence]:
    sentences: list[Sentence] = []
    for path in data:
        sentences.extend(read_iob(path))
    return sentences


def train(
    data: list[Path] | None = None,
    out: Path = DEFAULT_MODEL,
    *,
    seed: int = 0,
    max_iterations: int = MAX_ITERATIONS,
    c1: float = C1,
    c2: float = C2,
    progress: Progress | None = None,
    cluster_corpora: list[Path] | None = None,
) -> dict[str, Any]:
    """Train on all of `data` and write the model and its word lists; returns a summary.

    Training is deterministic (L-BFGS over the sentences in file order); `seed` is
    recorded only, nothing in this recipe is random.
    """
    data = list(data) if data else default_training_files()
    started = time.perf_counter()
    sentences = read_training(data)
    if progress:
        progress(f"read {len(sentences)} sentences from {len(data)} file(s)")
    external = external_lexicons()
    corpora = list(cluster_corpora) if cluster_corpora is not None else default_cluster_corpora()
    if progress:
        progress("building word clusters")
    counts: dict[str, int] = {}
    clusters = _clusters(corpora, counts=counts)
    with clusters_override(clusters):
        fit_two_pass(sentences, out, external, c1=c1, c2=c2, max_iterations=max_iterations, progress=progress)
    lex_dir = lexicon_dir_for(out)
    lex_dir.mkdir(parents=True, exist_ok=True)
    packaged = lex_dir == DEFAULT_LEXICON_DIR
    clusters_path = DEFAULT_CLUSTERS if packaged else lex_dir / CLUSTER_FILE
    sources = [p.name for p in corpora]
    write_clusters(clusters_path, clusters, sources)
    write_word_counts(DEFAULT_CLUSTERS.with_name("ner_word_counts.tsv") if packaged else lex_dir / WORD_COUNTS_FILE, counts, sources)
    load_clusters.cache_clear()
    lists = all_lists(sentences, external)
    for name, items in lists.items():
        write_lexicon(lex_dir / f"{name}.txt", items, f"{name}: generated by rasid.extract.ner_train")
    if lex_dir != DEFAULT_LEXICON_DIR:
        shutil.copyfile(DEFAULT_LEXICON_DIR / CLITIC_FILE, lex_dir / CLITIC_FILE)
    load_lexicons.cache_clear()
    return {
        "model": str(out),
        "lexicon_dir": str(lex_dir),
        "data": [str(p) for p in data],
        "sentences": len(sentences),
        "tokens": sum(len(s) for s in sentences),
        "lexicon_sizes": {name: len(items) for name, items in sorted(lists.items())},
        "clustered_words": len(clusters),
        "cluster_corpora": [str(p) for p in corpora],
        "c1": c1,
        "c2": c2,
        "max_iterations": max_iterations,
        "seed": seed,
        "model_bytes": out.stat().st_size + pass1_path_for(out).stat().st_size,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _fold_tagger(model_path: Path, lists: dict[str, set[tuple[str, ...]]]) -> CrfTagger:
    """Tagger over a model trained in cross-validation, with that fold's word lists."""
    return CrfTagger(model_path, features=FeatureExtractor(_as_lexicons(lists)))


def evaluate_split(
    train_sents: Sequence[Sentence],
    test_sents: Sequence[Sentence],
    workdir: Path,
    *,
    extra_train: Sequence[Sentence] = (),
    max_iterations: int = MAX_ITERATIONS,
    c1: float = C1,
    c2: float = C2,
    progress: Progress | None = None,
    name: str = "fold",
) -> dict[str, Any]:
    """Train on one side, score on the other (word lists from the training side only)."""
    external = external_lexicons()
    everything = [*train_sents, *extra_train]
    model_path = workdir / f"{name}.crfsuite"
    fit_two_pass(everything, model_path, external, c1=c1, c2=c2, max_iterations=max_iterations, progress=progress)
    tagger = _fold_tagger(model_path, all_lists(everything, external))
    started = time.perf_counter()
    # The test block is in article order, so document features see neighbouring sentences.
    pred = tagger.tag_sentences([[t for t, _ in s] for s in test_sents])
    seconds = time.perf_counter() - started
    scores = conll_scores([[lab for _, lab in s] for s in test_sents], pred)
    n_tok = sum(len(s) for s in test_sents)
    scores["tokens"] = n_tok
    scores["tokens_per_second"] = round(n_tok / seconds, 1) if seconds else None
    return scores


def cross_validate(
    data: list[Path] | None = None,
    *,
    folds: int = 5,
    seed: int = 0,
    max_iterations: int = MAX_ITERATIONS,
    c1: float = C1,
    c2: float = C2,
    extra: list[Path] | None = None,
    workdir: Path | None = None,
    progress: Progress | None = None,
    cluster_corpora: list[Path] | None = None,
) -> dict[str, Any]:
    """K-fold cross-validation over contiguous blocks of sentences (articles stay together).

    `folds=1` means the development protocol: train on the first 90%, test on the last 10%.
    `extra` files are added to every training side (e.g. Wojood mapped to ANERcorp types).
    """
    import tempfile

    data = list(data) if data else default_training_files()
    corpora = list(cluster_corpora) if cluster_corpora is not None else default_cluster_corpora()
    sentences = read_training(data)
    extra_sents = read_training(extra) if extra else []
    n = len(sentences)
    if folds <= 1:
        splits = [(round(0.9 * n), n)]
    else:
        bounds = [round(k * n / folds) for k in range(folds + 1)]
        splits = [(bounds[k], bounds[k + 1]) for k in range(folds)]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        work = workdir or Path(tmp)
        for k, (a, b) in enumerate(splits):
            train_sents, test_sents = sentences[:a] + sentences[b:], sentences[a:b]
            if progress:
                progress(f"fold {k + 1}/{len(splits)}: train {len(train_sents)}, test {len(test_sents)}")
            # Clusters are rebuilt without the test block's text, so no part of the test
            # sentences (not even unlabelled) reaches the model.
            clusters = _clusters(corpora, _held_out_blocks(data, a, b))
            with clusters_override(clusters):
                result = evaluate_split(
                    train_sents,
                    test_sents,
                    work,
                    extra_train=extra_sents,
                    max_iterations=max_iterations,
                    c1=c1,
                    c2=c2,
                    progress=progress,
                    name=f"fold{k}",
                )
            results.append(result)
    return {
        "folds": results,
        "pooled": _pool(results),
        "seed": seed,
        "n_folds": len(splits),
        "cluster_corpora": [str(p) for p in corpora],
    }


def _pool(results: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Micro/per-type scores over all folds from their correct/predicted/support counts."""
    from rasid.eval.ner import _prf

    types = sorted({t for r in results for t in r["per_type"]})
    per_type = {}
    for t in types:
        c = sum(r["per_type"].get(t, {}).get("correct", 0) for r in results)
        p = sum(r["per_type"].get(t, {}).get("predicted", 0) for r in results)
        g = sum(r["per_type"].get(t, {}).get("support", 0) for r in results)
        per_type[t] = _prf(c, p, g)
    c = sum(r["micro"]["correct"] for r in results)
    p = sum(r["micro"]["predicted"] for r in results)
    g = sum(r["micro"]["support"] for r in results)
    return {"per_type": per_type, "micro": _prf(c, p, g)}
