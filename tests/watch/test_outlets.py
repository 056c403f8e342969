"""The shipped feeds list is valid, names outlets as the knowledge base does, and a bad file names its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from rasid.knowledge.actors import load_outlets
from rasid.knowledge.schema import KnowledgeDataError
from rasid.watch.outlets import load_feeds


def test_shipped_list_links_outlets_of_the_knowledge_base() -> None:
    feeds = load_feeds()
    kb = load_outlets()
    syria = feeds.select("syria")
    ids = {o.outlet_id for o in syria}
    assert {"sana", "enab_baladi", "sohr"} <= ids  # government, opposition and a monitor
    for o in feeds.outlets:
        assert o.name == kb.get(o.outlet_id).name_ar and o.leaning == kb.get(o.outlet_id).leaning
        assert all(u.startswith("https://") for u in o.urls)
    assert [o.outlet_id for o in feeds.select("sohr")] == ["sohr"]
    assert len(feeds.select("all")) == len(feeds.outlets)
    with pytest.raises(KeyError, match="choose one of all"):
        feeds.select("nowhere")


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("{outlet: no_such_outlet, language: ar, groups: [syria], urls: [https://x.example/feed]}", "not an id in outlets.yaml"),
        ("{outlet: sana, language: arabic, groups: [syria], urls: [https://x.example/feed]}", "two-letter code"),
        ("{outlet: sana, language: ar, groups: [nowhere], urls: [https://x.example/feed]}", "unknown group"),
        ("{outlet: sana, language: ar, groups: [syria], urls: [ftp://x.example/feed]}", "not an http"),
        ("{outlet: sana, language: ar, groups: [syria]}", "missing field"),
    ],
)
def test_a_bad_entry_names_file_and_line(tmp_path: Path, entry: str, problem: str) -> None:
    path = tmp_path / "feeds.yaml"
    good = "{outlet: sohr, language: ar, groups: [syria], urls: [https://www.syriahr.com/feed/]}"
    path.write_text(f"groups:\n  syria: Syria\nfeeds:\n  - {good}\n  - {entry}\n", encoding="utf-8")
    with pytest.raises(KnowledgeDataError, match=f"feeds.yaml:5: .*{problem}"):
        load_feeds(path)
