"""Print realnews articles for hand coding: title, date and each sentence with its character offsets
in the record's `text` field (the offsets the key uses).

    python scripts/show_article.py ../shared/data/realnews/saudinewsnet_dev.jsonl.gz snn-7043d5ca458c [ID ...]
"""

from __future__ import annotations

import gzip
import json
import re
import sys

_SENTENCE_END = re.compile(r"(?<=[.!؟?])\s+|\n+")


def main(path: str, ids: list[str]) -> None:
    wanted = set(ids)
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            record = json.loads(line)
            if record["id"] not in wanted:
                continue
            text = record.get("text") or ""
            print(f"=== {record['id']} (line {line_no}) {record.get('source')} published {record.get('published')}")
            print(f"TITLE: {record.get('title')}")
            start = 0
            for m in _SENTENCE_END.finditer(text + "\n"):
                end = m.start()
                if text[start:end].strip():
                    print(f"[{start}:{end}] {text[start:end]}")
                start = m.end()
            print()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
