"""Choose the realnews war reports of the "fresh" test part of the hand-coded key (deterministic).

Same war-report filter as `select_dev_articles.py` (a violence word in the title, 400-6000 characters,
one country's war named in the title or lead, titles unique), minus every article the project has
already read: the ids of `realnews_dev.jsonl` / `realnews_dev.selection.tsv`, any id named in the
repository's scripts, and near-copies of those articles (same title, or word 5-shingle Jaccard >= 0.5
with a keyed article). Candidates are shuffled per country with `random.Random(SEED)`; articles
published on or after 2015-08-05 come first, then earlier ones, until each country's quota is met; when
a country has too few, articles whose lead names a second country but whose title names only that country's
war follow (a second tier, needed for Syria: the dev key took most Syrian reports).

    python scripts/select_fresh_articles.py ../shared/data/realnews/saudinewsnet_dev.jsonl.gz \\
        > rasid/eval/keys/realnews_fresh.selection.tsv

A later untouched part takes a name and a seed of its own and also leaves out every article of the
earlier parts (every `realnews_*` key file):

    python scripts/select_fresh_articles.py ../shared/data/realnews/saudinewsnet_dev.jsonl.gz \\
        --part fresh2 --seed 20150809 > rasid/eval/keys/realnews_fresh2.selection.tsv
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from select_dev_articles import COUNTRIES, VIOLENCE

SEED = 20150805
QUOTA = {"syria": 18, "yemen": 12, "iraq": 10, "turkey": 6, "lebanon": 4}
PREFER_FROM = "2015-08-05"
KEYS = Path(__file__).resolve().parent.parent / "rasid" / "eval" / "keys"


def _shingles(text: str) -> set[str]:
    words = text.split()
    return {" ".join(words[i : i + 5]) for i in range(max(len(words) - 4, 1))}


def _read_ids(key_glob: str) -> set[str]:
    ids: set[str] = set()
    for path in KEYS.glob(key_glob):
        ids.update(re.findall(r"snn-[0-9a-f]{12}", path.read_text(encoding="utf-8")))
    for path in Path(__file__).resolve().parent.glob("*.py"):
        if path.name != Path(__file__).name:
            ids.update(re.findall(r"snn-[0-9a-f]{12}", path.read_text(encoding="utf-8")))
    return ids


def main(path: str, part: str = "fresh", seed: int = SEED) -> None:
    # the first fresh part was drawn when only the dev key existed: keep its draw reproducible
    read_ids = _read_ids("realnews_dev*" if part == "fresh" else "realnews_*")
    patterns = {k: re.compile(v) for k, v in COUNTRIES.items()}
    records: list[tuple[int, dict[str, str]]] = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            records.append((line_no, json.loads(line)))
    read = [r for _, r in records if r["id"] in read_ids]
    read_titles = {r.get("title") or "" for r in read}
    read_shingles = [_shingles(r.get("text") or "") for r in read]
    found: dict[str, list[tuple[int, str, int, str]]] = {k: [] for k in COUNTRIES}
    seen_titles: set[str] = set(read_titles)
    for line_no, record in records:
        title, text = record.get("title") or "", record.get("text") or ""
        if record["id"] in read_ids or not VIOLENCE.search(title) or not 400 <= len(text) <= 6000:
            continue
        if title in seen_titles:
            continue
        countries = [k for k, p in patterns.items() if p.search(title + " " + text[:300])]
        tier = 0
        if len(countries) != 1:  # second tier: the title alone names one country's war
            countries, tier = [k for k, p in patterns.items() if p.search(title)], 1
            if len(countries) != 1:
                continue
        mine = _shingles(text)
        if any(len(mine & s) / max(len(mine | s), 1) >= 0.5 for s in read_shingles):
            continue
        seen_titles.add(title)
        found[countries[0]].append((tier, record["id"], line_no, record.get("published") or ""))
    rng = random.Random(seed)
    print("id\tline\tpublished\tcountry\tpart")
    for country, quota in QUOTA.items():
        pool = sorted(found[country])
        rng.shuffle(pool)
        # stable sort: first tier before second, late articles first, the shuffled order kept within each
        pool.sort(key=lambda row: (row[0], row[3] < PREFER_FROM))
        for _tier, article_id, line_no, published in pool[:quota]:
            print(f"{article_id}\t{line_no}\t{published}\t{country}\t{part}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--part", default="fresh")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    main(args.corpus, args.part, args.seed)
