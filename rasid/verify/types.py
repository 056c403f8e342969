"""The result of a claim check: weighed evidence passages and the verdict.

Kept apart from `rasid.verify.check` so the explanation templates (`rasid.verify.explain`)
can read a result without importing the checker that builds it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from rasid.records import ArticleRow
from rasid.verify.retrieve import Passage


def article_fields(a: ArticleRow) -> dict[str, Any]:
    """How a cited article is named in a check's JSON: id, address, outlet, publication date."""
    return {
        "article_id": a.id,
        "url": a.url,
        "outlet": a.source,
        "published": a.published.isoformat() if a.published else None,
    }


@dataclass
class Evidence:
    passage: Passage
    stance: str = "unrelated"
    probs: dict[str, float] = field(default_factory=dict)
    weight: float = 0.0
    coverage: float = 0.0
    flags: list[str] = field(default_factory=list)  # hedged, partial, redeployment, disputed, ...
    notes: list[str] = field(default_factory=list)
    source_key: str = ""

    @property
    def outlet(self) -> str | None:
        return self.passage.article.source

    @property
    def published(self) -> dt.date | None:
        return self.passage.article.published

    def to_dict(self) -> dict[str, Any]:
        a = self.passage.article
        return {
            **article_fields(a),
            "path": a.origin,
            "duplicate_of": a.duplicate_of,
            "passage": self.passage.text,
            "start": self.passage.start,
            "end": self.passage.end,
            "stance": self.stance,
            "probs": {k: round(v, 3) for k, v in self.probs.items()},
            "weight": round(self.weight, 3),
            "retrieval": {
                "score": self.passage.score,
                "bm25": self.passage.lexical,
                "dense": self.passage.dense,
                "coverage": round(self.coverage, 3),
            },
            "flags": list(self.flags),
            "notes": list(self.notes),
        }


@dataclass
class CheckResult:
    claim: str
    as_of: dt.date | None
    claim_time: dt.date | None
    verdict: str
    confidence: float
    evidence: list[Evidence]
    excluded_after_as_of: int
    totals: dict[str, float]
    outlets: dict[str, int]
    explanation_ar: str = ""
    explanation_en: str = ""
    model: str = ""
    seconds: float = 0.0
    # The publishable label (true / misleading / false / unverified) and what it rests on:
    # the independent sources' pages read by the claim-check model (`rasid.verify.page_check`).
    label: str = "unverified"
    p_true: float | None = None
    label_reasons: list[str] = field(default_factory=list)
    sources: list[Any] = field(default_factory=list)  # PageEvidence, one per independent source

    def to_dict(self) -> dict[str, Any]:
        return {
            "claim": self.claim,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "claim_time": self.claim_time.isoformat() if self.claim_time else None,
            "verdict": self.verdict,
            "confidence": round(self.confidence, 3),
            "label": self.label,
            "p_true": None if self.p_true is None else round(self.p_true, 3),
            "label_reasons": list(self.label_reasons),
            "sources": [s.to_dict() for s in self.sources],
            "totals": {k: round(v, 3) for k, v in self.totals.items()},
            "independent_sources": self.outlets,
            "excluded_after_as_of": self.excluded_after_as_of,
            "evidence": [e.to_dict() for e in self.evidence],
            "explanation_ar": self.explanation_ar,
            "explanation_en": self.explanation_en,
            "stance_model": self.model,
            "seconds": round(self.seconds, 3),
        }
