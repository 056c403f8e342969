"""`rasid eval events --sample`: the score beside the trivial coder's."""

from __future__ import annotations

import pytest

from rasid.api import sample_corpus_path

GOLD = sample_corpus_path() / "gold.json"


@pytest.mark.skipif(not GOLD.is_file(), reason="sample corpus not bundled")
def test_sample_eval_scores_the_trivial_coder_beside_rasid() -> None:
    from rasid.eval.events import evaluate_sample

    result = evaluate_sample(GOLD)
    base = result["baseline"]
    assert "publication day" in base["answer"]
    for level in ("type", "sub"):
        ours, theirs = result[level]["overall"], base[level]["overall"]
        # Both are scored against the same key, so they miss or find the same events in total.
        assert ours["tp"] + ours["fn"] == theirs["tp"] + theirs["fn"]
        # One guess per article of the key.
        assert theirs["tp"] + theirs["fp"] == len(result["per_article"])
        assert set(base[level]["fields"]) == set(result[level]["fields"])
        assert ours["f1"] > theirs["f1"]
