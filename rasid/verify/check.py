"""Check a claim against the stored reports: evidence, stance, weighting, verdict.

Pipeline
--------
1. Evidence: `rasid.verify.retrieve` (sentence passages, BM25 + LSA fused).
2. Stance of each passage toward the claim, one of supports / refutes / discusses /
   unrelated:
   * unrelated: the passage shares under a quarter of the claim's words and its LSA
     cosine is below 0.35;
   * cues (`data/check_cues.yaml`) decide when the claim's predicate belongs to a
     known family (withdrawal, control, attack, ...): the passage must use the same
     family and cover ≥ 60 % of the claim's other words (actor, place) to take a
     stance; a place scoped differently ("ريف حلب" for a claim about "مدينة حلب")
     only discusses; a negated predicate or a denial refutes; a disputed-fact cue
     ("لم تتضح الأسباب حتى الآن") makes it discuss (counted as doubt);
     otherwise it supports, flagged partial / redeployment / hedged when those cues occur;
   * the claim-check page model (`rasid.verify.page_check`, trained on real Syrian-war
     claims) reads each candidate page whole; the passage that is its page's closest
     sentence to the claim takes the page's probabilities (agree → supports, disagree →
     refutes, discuss → discusses), and picks the label alone only when the claim's
     predicate is in no cue family. The final probabilities are 0.6 × cue distribution +
     0.4 × page probabilities. Without that model, or when a `stance_model` is passed,
     the ANS sentence-pair model (`rasid.verify.stance`) gives the probabilities instead.
3. Weight of a supporting or refuting passage (0–1):
   probability of its label × relevance (0.5 + coverage / 2)
   × 0.5 if hedged × 0.6 if partial × 0.85 if framed as redeployment
   × time factor. Time: the claim's time is a date written in the claim, else
   --as-of. Evidence published after --as-of is excluded. Evidence more than a year
   older than the claim's time × 0.3 (flagged), 3–12 months × 0.7; evidence with no
   publication date × 0.7 when the claim has a time (flagged: dates unknown).
4. Independence: passages are grouped by source (outlet; near-duplicate articles join
   the group of their original). Per side, a group counts its best passage plus a
   quarter of the rest, at most 1.0; sides sum over groups. Doubt (disputed passages)
   is weighed like support.
5. Verdict from the side totals S (support), R (refute), D (doubt):
   * not enough evidence: max(S, R) < 0.5;
   * conflicting: min(S, R) ≥ 0.35 and min ≥ 0.4 × max, or D ≥ 0.3 and D ≥ 0.4 × max(S, R);
   * otherwise supported (S > R) or refuted.
   Confidence: for supported/refuted (top − others) / (top + others + 0.5) scaled into
   [0.05, 0.95]; for the others 1 − |S − R| / (S + R + 1).
6. The publishable label (true / misleading / false / unverified) comes from the page
   reading (independent sources → P(true), `page_check.label_claim`), reconciled with the
   passage verdict by `publishable_label`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rasid.errors import RasidError
from rasid.records import ArticleStore
from rasid.text.lang import detect_language
from rasid.text.stem import stem
from rasid.text.tokens import search_terms
from rasid.verify.cues import find_phrases, load_cues
from rasid.verify.explain import explain
from rasid.verify.retrieve import Passage, candidate_articles, claim_groups, retrieve
from rasid.verify.types import CheckResult, Evidence

VERDICTS = ("supported", "refuted", "conflicting", "not_enough_evidence")
STANCES = ("supports", "refutes", "discusses", "unrelated")
CUE_WEIGHT = 0.6
CANDIDATE_PAGES = 20  # articles read for a check, as passages and as whole pages


# A claim is a sentence or two; a page of text takes many seconds to weigh and is no claim.
MAX_CLAIM_CHARS = 1_000
_LANGUAGE_NAMES = {"en": "English", "other": "another language"}


class ClaimError(RasidError):
    """A claim Rasid cannot check as written (too long, not in Arabic); the message says what to do."""


def validate_claim(claim: str) -> None:
    """Raise `ClaimError` for a claim that is too long or not written in Arabic."""
    if len(claim) > MAX_CLAIM_CHARS:
        raise ClaimError(
            f"the claim is {len(claim):,} characters long (at most {MAX_CLAIM_CHARS:,}):"
            " shorten it, or check one sentence at a time"
        )
    language = detect_language(claim)
    if language in _LANGUAGE_NAMES:
        problem = f"the claim is not in Arabic (it reads as {_LANGUAGE_NAMES[language]})"
    elif language == "und" and not any("\u0621" <= c <= "\u064a" for c in claim):
        problem = "the claim has no Arabic words"  # too short to tell a language: Arabic letters decide
    else:
        return
    raise ClaimError(f"{problem}; Rasid checks claims written in Arabic: translate it first")


# -- the claim ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimFrame:
    text: str
    terms: tuple[str, ...]
    predicate: str | None  # cue family of the claim's verb
    # The other content words, as runs that are adjacent in the claim ("الجيش السوري"):
    # a run counts only if its words are adjacent in the passage too, so that
    # "الجيش الوطني السوري" does not stand in for "الجيش السوري".
    arguments: tuple[tuple[tuple[str, ...], ...], ...]
    scope: str | None  # place scope written in the claim ("city")
    time: dt.date | None  # a date written in the claim (end of the period)
    time_text: str | None


def _claim_time(claim: str, reference: dt.date | None) -> tuple[dt.date | None, str | None]:
    from rasid.text.timex import find_times

    best: tuple[dt.date | None, str | None] = (None, None)
    for mention in find_times(claim, reference, "past"):
        value = mention.end_value or mention.value
        if value is not None and (best[0] is None or value > best[0]):
            best = (value, mention.text)
    return best


def frame_claim(claim: str, as_of: dt.date | None = None) -> ClaimFrame:
    cues = load_cues()
    terms = tuple(search_terms(claim))
    predicate = None
    predicate_terms: set[str] = set()
    for family, phrases in cues.predicates.items():
        hits = find_phrases(terms, phrases)
        if hits:
            predicate = family
            predicate_terms = {terms[i] for i in hits}
            break
    time, time_text = _claim_time(claim, as_of)
    scope = None
    scope_terms: set[str] = set()
    for name, phrases in cues.place_scopes.items():
        hits = find_phrases(terms, phrases)
        if hits:
            scope = name
            scope_terms = {terms[i] for i in hits}
            break
    # The date (when) and the scope word ("مدينة") are checked separately, not as arguments.
    skip = predicate_terms | scope_terms | set(search_terms(time_text or ""))
    arguments = _chunks(terms, [g for g in claim_groups(claim) if not set(g) & skip and not g[0].isdigit()])
    return ClaimFrame(claim, terms, predicate, arguments, scope, time, time_text)


def _chunks(terms: Sequence[str], groups: Sequence[tuple[str, ...]]) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Split the argument groups into runs of words adjacent in the claim."""
    position: dict[tuple[str, ...], int] = {}
    for g in groups:
        for i, t in enumerate(terms):
            if t in g and i not in position.values():
                position[g] = i
                break
    ordered = sorted((position.get(g, -1), g) for g in groups)
    runs: list[list[tuple[str, ...]]] = []
    last = -10
    for pos, g in ordered:
        if runs and pos >= 0 and pos == last + 1:
            runs[-1].append(g)
        else:
            runs.append([g])
        last = pos
    return tuple(tuple(r) for r in runs)


def _same_word(group: Sequence[str], term: str) -> bool:
    return term in group or stem(term) in {stem(g) for g in group}


def _run_in(run: Sequence[tuple[str, ...]], terms: Sequence[str]) -> bool:
    width = len(run)
    return any(
        all(_same_word(g, terms[i + k]) for k, g in enumerate(run)) for i in range(len(terms) - width + 1)
    )


# -- stance -------------------------------------------------------------------------------


def cue_stance(frame: ClaimFrame, passage_terms: Sequence[str]) -> tuple[str | None, float, list[str]]:
    """(label or None when cues cannot decide, argument coverage, flags) for one passage."""
    cues = load_cues()
    terms = list(passage_terms)
    words = sum(len(run) for run in frame.arguments)
    covered = sum(len(run) for run in frame.arguments if _run_in(run, terms))
    coverage = covered / words if words else 1.0
    flags: list[str] = []
    if find_phrases(terms, cues.hedges):
        flags.append("hedged")
    if frame.predicate is None:
        return None, coverage, flags
    pred_hits = find_phrases(terms, cues.predicates[frame.predicate])
    if not pred_hits or coverage < 0.6:
        return "discusses", coverage, flags
    if frame.scope is not None:
        other = [name for name in cues.place_scopes if name != frame.scope]
        has_own = bool(find_phrases(terms, cues.place_scopes[frame.scope]))
        if not has_own and any(find_phrases(terms, cues.place_scopes[name]) for name in other):
            flags.append("scope_mismatch")
            return "discusses", coverage, flags
    window = cues.negation_window
    negation_at = set(find_phrases(terms, cues.negation))
    negated = any(any(j in negation_at for j in range(max(0, i - window), i)) for i in pred_hits)
    if find_phrases(terms, cues.disputed):
        flags.append("disputed")
        return "discusses", coverage, flags
    if find_phrases(terms, cues.denial) or negated:
        flags.append("negated" if negated else "denial")
        return "refutes", coverage, flags
    if find_phrases(terms, cues.partial):
        flags.append("partial")
    if find_phrases(terms, cues.redeployment):
        flags.append("redeployment")
    return "supports", coverage, flags


def _load_stance_model() -> Any | None:
    try:
        from rasid.verify.stance import load_stance_model

        return load_stance_model()
    except (ImportError, FileNotFoundError, KeyError, ValueError):
        return None


# -- weighting and verdict ---------------------------------------------------------------


def time_factor(published: dt.date | None, claim_time: dt.date | None) -> tuple[float, str | None]:
    if claim_time is None:
        return 1.0, None
    if published is None:
        return 0.7, "date_unknown"
    gap = (claim_time - published).days
    if gap > 365:
        return 0.3, "old"
    if gap > 90:
        return 0.7, "older"
    return 1.0, None


def _source_key(e: Evidence) -> str:
    a = e.passage.article
    root = a.duplicate_of or a.id
    return f"outlet:{a.source}" if a.source else f"article:{root}"


def side_total(items: Sequence[Evidence]) -> float:
    groups: dict[str, list[float]] = {}
    for e in items:
        groups.setdefault(e.source_key, []).append(e.weight)
    total = 0.0
    for weights in groups.values():
        weights.sort(reverse=True)
        total += min(1.0, weights[0] + 0.25 * sum(weights[1:]))
    return total


def decide(supports: float, refutes: float, doubt: float) -> tuple[str, float]:
    top, low = max(supports, refutes), min(supports, refutes)
    if top < 0.5:
        return "not_enough_evidence", round(1.0 - top, 3)
    if (low >= 0.35 and low >= 0.4 * top) or (doubt >= 0.3 and doubt >= 0.4 * top):
        return "conflicting", round(1.0 - abs(supports - refutes) / (supports + refutes + 1.0), 3)
    others = low + doubt
    confidence = 0.05 + 0.9 * max(0.0, (top - others) / (top + others + 0.5))
    return ("supported" if supports > refutes else "refuted"), round(confidence, 3)


def _weigh(frame: ClaimFrame, p: Passage, probs: dict[str, float], claim_time: dt.date | None) -> Evidence:
    """One passage's stance (cues mixed with the model's probabilities) and weight."""
    label, coverage, flags = cue_stance(frame, p.terms)
    e = Evidence(p, coverage=coverage, flags=flags)
    e.source_key = _source_key(e)
    lexical_share = max(p.coverage, coverage if frame.arguments else 0.0)
    if lexical_share < 0.25 and p.dense < 0.35:
        e.stance, e.probs = "unrelated", {"unrelated": 1.0}
        return e
    if label is None:
        if not probs:
            label = "discusses"
            e.notes.append("no cue for the claim's predicate: this passage's stance is left to its page's reading")
        else:
            label = max(probs, key=lambda k: probs[k])
    cue_dist = {k: (0.8 if k == label else 0.1) for k in ("supports", "refutes", "discusses")}
    if probs:
        mixed = {k: CUE_WEIGHT * cue_dist[k] + (1 - CUE_WEIGHT) * probs.get(k, 0.0) for k in cue_dist}
    else:
        mixed = cue_dist
    e.stance, e.probs = label, mixed
    if label in ("supports", "refutes") or "disputed" in flags:
        weight = mixed[label] * (0.5 + coverage / 2)
        if "hedged" in flags:
            weight *= 0.5
        if "partial" in flags:
            weight *= 0.6
        if "redeployment" in flags and label == "supports":
            weight *= 0.85
        factor, note = time_factor(p.published, claim_time)
        weight *= factor
        if note:
            e.flags.append(note)
        e.weight = weight
    return e


def check_claim(
    store: ArticleStore,
    claim: str,
    *,
    as_of: dt.date | None = None,
    limit: int = 12,
    stance_model: Any | None = None,
    use_model: bool = True,
    use_dense: bool = True,
    claim_check_model: Any | None = None,
) -> CheckResult:
    """Retrieve evidence for `claim`, weigh it and return a verdict with an explanation.

    Raises `ClaimError` for a claim longer than `MAX_CLAIM_CHARS` or not written in Arabic.
    """
    import time

    started = time.perf_counter()
    validate_claim(claim)
    frame = frame_claim(claim, as_of)
    claim_time = frame.time or as_of
    candidates = candidate_articles(store, claim_groups(claim), limit=CANDIDATE_PAGES)
    passages = retrieve(store, claim, limit=limit * 2, use_dense=use_dense, candidates=candidates)
    excluded = 0
    kept: list[Passage] = []
    for p in passages:
        if as_of is not None and p.published is not None and p.published > as_of:
            excluded += 1
            continue
        kept.append(p)
    kept = kept[:limit]
    check_model = claim_check_model if claim_check_model is not None else (_load_claim_check_model() if use_model else None)
    sources = None
    if check_model is not None:
        from rasid.verify.page_check import independent_sources, read_candidates

        read = read_candidates(store, claim, check_model, as_of=as_of, candidates=candidates)
        sources = independent_sources(read)
        model_probs = _page_passage_probs(kept, read)
        stance_name = f"claim-check page model ({check_model.info.get('trained_on', '?')}) + cues"
    model = stance_model if stance_model is not None else (_load_stance_model() if use_model and sources is None else None)
    if model is not None and kept:
        # The ANS sentence-pair model: used when asked for, or when the claim-check model is missing.
        model_probs = [probs for _, probs in model.predict_many([(claim, p.text) for p in kept])]
        stance_name = "ans-stance"
    elif sources is None:
        model_probs = [{} for _ in kept]
        stance_name = "cues only (stance model not available)"
    evidence = [_weigh(frame, p, model_probs[i], claim_time) for i, p in enumerate(kept)]
    supports = side_total([e for e in evidence if e.stance == "supports"])
    refutes = side_total([e for e in evidence if e.stance == "refutes"])
    doubt = side_total([e for e in evidence if "disputed" in e.flags])
    verdict, confidence = decide(supports, refutes, doubt)
    outlets = {
        side: len({e.source_key for e in evidence if (e.stance == side if side != "disputed" else "disputed" in e.flags)})
        for side in ("supports", "refutes", "disputed")
    }
    evidence.sort(key=lambda e: (e.stance == "unrelated", -e.weight, -e.passage.score))
    result = CheckResult(
        claim=claim,
        as_of=as_of,
        claim_time=claim_time,
        verdict=verdict,
        confidence=confidence,
        evidence=evidence,
        excluded_after_as_of=excluded,
        totals={"supports": supports, "refutes": refutes, "doubt": doubt},
        outlets=outlets,
        model=stance_name,
    )
    if check_model is not None and sources is not None:
        _label_from_pages(store, result, check_model, sources)
    else:
        result.label, result.label_reasons = publishable_label(verdict, evidence, None, ["no_claim_check_model"])
    result.explanation_ar, result.explanation_en = explain(result)
    result.seconds = time.perf_counter() - started
    return result


def _label_from_pages(store: ArticleStore, result: CheckResult, model: Any, sources: list[Any]) -> None:
    """The label from the independent sources and the passage reading; track records beside them."""
    from rasid.verify.page_check import attach_track_records, label_claim
    from rasid.verify.page_stance import PassageReading

    totals = result.totals
    passages = PassageReading(totals["supports"], totals["refutes"], totals["doubt"], result.verdict)
    pages = label_claim(model, sources, passages)
    attach_track_records(store, pages.pages)
    stances = [p.stance for p in pages.pages]
    result.label, result.label_reasons = publishable_label(
        result.verdict, result.evidence, pages.label, pages.reasons, stances
    )
    result.p_true, result.sources = pages.p_true, pages.pages


PAGE_TO_PASSAGE = {"agree": "supports", "disagree": "refutes", "discuss": "discusses"}


def _page_passage_probs(passages: Sequence[Passage], pages: Sequence[Any]) -> list[dict[str, float]]:
    """A passage that is its page's closest sentence to the claim takes the page's stance probabilities.

    Other passages get none (their stance is left to the cues): a page confirms the claim
    once, through the sentence that tells it.
    """
    best = {
        (page.article.id, page.sentence.start): page.probs for page in pages if page.sentence is not None
    }
    out: list[dict[str, float]] = []
    for p in passages:
        probs = best.get((p.article.id, p.start))
        if probs is None:
            out.append({})
            continue
        related = sum(probs[k] for k in PAGE_TO_PASSAGE) or 1.0
        out.append({PAGE_TO_PASSAGE[k]: probs[k] / related for k in PAGE_TO_PASSAGE})
    return out


def _load_claim_check_model() -> Any | None:
    try:
        from rasid.verify.page_stance import load_claim_check_model

        return load_claim_check_model()
    except (ImportError, FileNotFoundError, KeyError, ValueError):
        return None


def publishable_label(
    verdict: str,
    evidence: Sequence[Evidence],
    page_label: str | None,
    page_reasons: Sequence[str],
    page_stances: Sequence[str] = (),
) -> tuple[str, list[str]]:
    """true / misleading / false / unverified from the two readings of the evidence.

    The page reading (independent sources, learned on real claims) decides; the passage reading
    (cue families, explicit denials) corrects it where it is sharper: reports that contradict one
    another make the claim misleading (false only when independent sources deny it); an explicit
    denial turns a "true" into misleading; support read from the passages, against a page reading
    of "false", makes it true when a source's page agrees and none disagrees, else unverified.
    """
    reasons = list(page_reasons)
    denied = any(e.stance == "refutes" and {"denial", "negated"} & set(e.flags) for e in evidence)
    if page_label is None:
        label = {"supported": "true", "refuted": "false", "conflicting": "misleading"}.get(verdict, "unverified")
        return label, reasons
    if verdict == "conflicting" and "sources_deny" not in reasons:
        return "misleading", [*reasons, "reports_conflict"]
    if page_label == "true" and verdict == "refuted" and denied:
        return "misleading", [*reasons, "explicit_denial"]
    if page_label == "false" and verdict == "supported":
        # The passages support it and a source's page, read whole, confirms it with none denying:
        # the sources are few rather than silent.
        if "agree" in page_stances and "disagree" not in page_stances:
            return "true", ["passages_supported", "a_source_confirms"]
        return "unverified", [*reasons, "passages_support_pages_do_not"]
    if page_label == "unverified" and verdict in ("supported", "refuted"):
        return ("true" if verdict == "supported" else "false"), [*reasons, f"passages_{verdict}"]
    return page_label, reasons
