"""One-paragraph explanation of a claim check, in Arabic and English.

The sentences are templates in `data/explain_templates.yaml`; this module only decides
which ones apply (verdict, counts, strongest passages, independence, hedging, and
above all time: evidence left out after --as-of, evidence much older than the claim,
evidence without a date).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from rasid.verify.types import CheckResult, Evidence

QUOTE_CHARS = 140


@lru_cache(maxsize=1)
def templates() -> dict[str, dict[str, Any]]:
    raw = yaml.safe_load(resources.files("rasid.verify").joinpath("data/explain_templates.yaml").read_text("utf-8"))
    if not isinstance(raw, dict) or set(raw) != {"ar", "en"}:
        raise ValueError("explain_templates.yaml: expected exactly the languages 'ar' and 'en'")
    nested = ("verdict", "label", "label_reason", "page_stance", "would_change")
    if set(raw["ar"]) != set(raw["en"]) or any(set(raw["ar"][k]) != set(raw["en"][k]) for k in nested):
        raise ValueError("explain_templates.yaml: 'ar' and 'en' must define the same keys")
    return raw


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def _cite(t: dict[str, Any], e: Evidence) -> dict[str, str]:
    return {
        "outlet": e.outlet or t["unknown_outlet"],
        "date": e.published.isoformat() if e.published else t["unknown_date"],
        "text": _quote(e.passage.text),
    }


def _paragraph(result: CheckResult, t: dict[str, Any]) -> str:
    ev = [e for e in result.evidence if e.stance != "unrelated"]
    supports = [e for e in ev if e.stance == "supports"]
    refutes = [e for e in ev if e.stance == "refutes"]
    disputed = [e for e in ev if "disputed" in e.flags]
    parts = [t["verdict"][result.verdict] + " " + t["confidence"].format(confidence=f"{result.confidence:.2f}")]
    if not ev:
        parts.append(t["no_evidence"])
    else:
        sources = {e.source_key for e in supports + refutes + disputed}
        parts.append(
            t["counts"].format(
                total=len(ev), supports=len(supports), refutes=len(refutes), disputed=len(disputed), outlets=len(sources)
            )
        )
    if supports:
        parts.append(t["best_support"].format(**_cite(t, max(supports, key=lambda e: e.weight))))
    if refutes:
        parts.append(t["best_refute"].format(**_cite(t, max(refutes, key=lambda e: e.weight))))
    if disputed:
        parts.append(t["best_dispute"].format(**_cite(t, max(disputed, key=lambda e: e.weight))))
    support_sources = {e.source_key for e in supports}
    if len(support_sources) == 1 and supports:
        parts.append(t["single_outlet"].format(outlet=supports[0].outlet or t["unknown_outlet"]))
    hedged = sum(1 for e in supports if "hedged" in e.flags)
    if hedged:
        parts.append(t["hedged"].format(count=hedged))
    partial = sum(1 for e in ev if {"partial", "redeployment"} & set(e.flags))
    if partial:
        parts.append(t["partial"].format(count=partial))
    if result.excluded_after_as_of and result.as_of:
        parts.append(t["after_as_of"].format(count=result.excluded_after_as_of, as_of=result.as_of.isoformat()))
    parts.extend(_time_sentences(result, [*supports, *refutes, *disputed], t))
    return " ".join(parts)


def _time_sentences(result: CheckResult, weighed: list[Evidence], t: dict[str, Any]) -> list[str]:
    if not weighed:
        return []
    claim_time = result.claim_time.isoformat() if result.claim_time else ""
    dated = [e for e in weighed if e.published is not None]
    years = ", ".join(sorted({str(e.published.year) for e in dated if e.published}))
    old = [e for e in weighed if "old" in e.flags]
    out = []
    if not dated:
        suffix = t["claim_time_suffix"].format(claim_time=claim_time) if claim_time else ""
        out.append(t["dates_unknown"].format(claim_time_suffix=suffix))
    elif old and len(old) == len(weighed):
        out.append(t["only_old"].format(years=years, claim_time=claim_time))
    elif old:
        old_years = ", ".join(sorted({str(e.published.year) for e in old if e.published}))
        out.append(t["some_old"].format(years=old_years, claim_time=claim_time))
    if dated and not old:
        out.append(t["evidence_years"].format(years=years))
    if dated and len(dated) < len(weighed) and claim_time:
        suffix = t["claim_time_suffix"].format(claim_time=claim_time)
        out.append(t["dates_unknown"].format(claim_time_suffix=suffix))
    return out


SOURCES_CITED = 3


def _label_paragraph(result: CheckResult, t: dict[str, Any]) -> str:
    """The publishable label, its reasons, the closest independent sources and what would change it."""
    parts = [t["label"][result.label]]
    parts.extend(t["label_reason"][r] for r in result.label_reasons if r in t["label_reason"])
    cited = [s for s in result.sources if s.stance != "unrelated" and s.sentence is not None][:SOURCES_CITED]
    if cited:
        parts.append(t["sources_intro"])
        for source in cited:
            a = source.article
            parts.append(
                t["source_cite"].format(
                    outlet=a.source or t["unknown_outlet"],
                    date=a.published.isoformat() if a.published else t["unknown_date"],
                    stance=t["page_stance"][source.stance],
                    text=_quote(source.sentence.text),
                )
            )
            if source.relays:
                parts.append(t["relays"].format(outlets="، ".join(source.relays)))
            if source.copies:
                parts.append(t["copies"].format(count=len(source.copies)))
    parts.append(t["would_change"][result.label])
    return " ".join(parts)


def explain(result: CheckResult) -> tuple[str, str]:
    """(Arabic paragraph, English paragraph): the label first, then how the passages weigh."""
    raw = templates()
    return tuple(  # type: ignore[return-value]
        _label_paragraph(result, raw[lang]) + " " + _paragraph(result, raw[lang]) for lang in ("ar", "en")
    )
