"""List the place names war reports use that the gazetteer does not know, most frequent first.

    python scripts/unknown_places.py [--corpus FILE] [--key FILE] [--top N] [--min N]

Reads a realnews-style JSONL corpus, keeps the articles whose title has a violence word (the
filter of rasid.eval.realnews) and finds two kinds of phrase:

* a cue word and a name: "قرية X", "بلدة X", "مديرية X", "جبل X", "مطار X" ... (the cue may carry a
  clitic: "بقرية", "وبلدة", "لمديرية");
* a name located from a known place: "X شمال <known>", "X جنوب غربي <known>".

A name is reported when `rasid.knowledge.places.load_places().lookup` knows neither its one-word nor
its two-word form. For each name it prints the number of war articles using it, how often the word
occurs in the corpus's other articles (a name common there is a common word: see the geocoder's
ambiguous lists) and one context. Articles of the development key's "held" part are skipped, so
that the miner never shows them.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rasid.eval.realnews import _VIOLENCE_TITLE
from rasid.knowledge.places import PlaceBase, load_places, normalize_word

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT / ".." / "shared" / "data" / "realnews" / "saudinewsnet_dev.jsonl.gz"
DEFAULT_KEY = ROOT / "rasid" / "eval" / "keys" / "realnews_dev.jsonl"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


CUES = _words(
    "قرية قريتي قرى بلدة بلدتي بلدات مدينة مدينتي مديرية مديريتي مديريات قضاء ناحية منطقة حي "
    "جبل جبهة معسكر قاعدة مطار سد حقل"
)
DIRECTIONS = _words("شمال جنوب شرق غرب شمالي جنوبي شرقي غربي")
CLITICS = ("وب", "ول", "وف", "فب", "و", "ب", "ل", "ف")
# Words that never start a place name: particles, pronouns, numbers in words, frequent verbs and nouns.
STOP = _words(
    """في من على إلى الى عن مع بعد قبل عند حتى التي الذي الذين التى هذه هذا تلك ذلك هناك هنا كما أن ان
    إن لا لم لن ما ماذا قد وقد كان كانت يكون تم وتم حيث بين خلال ضد نحو أمام وراء فوق تحت داخل خارج
    شمال جنوب شرق غرب شمالي جنوبي شرقي غربي الشمالي الجنوبي الشرقي الغربي الشمالية الجنوبية الشرقية الغربية
    أخرى اخرى أخرى آخر واحدة واحد اثنين ثلاث أربع خمس عدة عدد بعض كل جميع أكثر نفسها نفسه أيضا أيضاً
    الحدودية السكنية الصناعية العسكرية القديمة الجديدة المحاصرة المجاورة القريبة المذكورة نفسها الواقعة
    المحيطة الاستراتيجية الحيوية الكبرى الساحلية الجبلية الصغيرة الكبيرة العاصمة المدينة المنطقة
    """
)
_WORD = re.compile(r"[\u0621-\u064A\u0660-\u0669\u0670\u0640]+|[^\s\u0621-\u064A]")
_ARABIC = re.compile(r"^[\u0621-\u064A\u0670\u0640]+$")


@dataclass
class Finding:
    articles: set[str] = field(default_factory=set)
    cues: Counter[str] = field(default_factory=Counter)
    sample: str = ""


def read_held(key: Path) -> set[str]:
    """Ids of the key's held part (never shown)."""
    if not key.exists():
        return set()
    held = set()
    with key.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec.get("part") == "held":
                held.add(rec["id"])
    return held


def articles(corpus: Path, held: set[str]) -> Iterator[tuple[str, str, bool]]:
    """(id, title + text, is a war article) for every article not held out."""
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec["id"] in held:
                continue
            title = str(rec.get("title") or "")
            yield rec["id"], title + "\n" + str(rec.get("text") or ""), bool(_VIOLENCE_TITLE.search(title))


@lru_cache(maxsize=200_000)
def norm(word: str) -> str:
    return normalize_word(word)


def strip_cue(word: str) -> str | None:
    """The cue this word is (with an optional clitic), or None."""
    if word in CUES:
        return word
    for c in CLITICS:
        if word.startswith(c) and word[len(c) :] in CUES:
            return word[len(c) :]
    return None


def is_name_word(word: str) -> bool:
    return bool(_ARABIC.match(word)) and len(word) > 1 and word not in STOP


class Miner:
    def __init__(self, kb: PlaceBase) -> None:
        self.kb = kb
        self.found: dict[str, Finding] = {}

    @lru_cache(maxsize=200_000)  # noqa: B019 - one miner a run
    def known(self, name: str) -> bool:
        return bool(self.kb.lookup(name))

    def record(self, name: str, cue: str, doc: str, words: list[str], i: int) -> None:
        f = self.found.setdefault(name, Finding())
        f.articles.add(doc)
        f.cues[cue] += 1
        if not f.sample:
            f.sample = " ".join(words[max(0, i - 6) : i + 8])

    def name_after(self, words: list[str], j: int) -> str | None:
        """The unknown name starting at words[j], one or two words, or None if known or no name."""
        if j >= len(words) or not is_name_word(words[j]):
            return None
        one = words[j]
        two = f"{one} {words[j + 1]}" if j + 1 < len(words) and is_name_word(words[j + 1]) else None
        if self.known(one) or (two and self.known(two)):
            return None
        # A two-word name when the first word cannot stand alone (أبو, تل, عين, جبل, كفر, دير, خربة ...).
        if two and (len(norm(one)) <= 3 or norm(one) in _NAME_HEADS):
            return two
        return one

    def scan(self, doc: str, text: str) -> None:
        words = _WORD.findall(text)
        for i, w in enumerate(words):
            cue = strip_cue(w)
            if cue is not None:
                name = self.name_after(words, i + 1)
                if name:
                    self.record(name, cue, doc, words, i)
                continue
            if w in DIRECTIONS and i >= 1 and i + 1 < len(words):
                after = words[i + 1]
                after2 = words[i + 2] if i + 2 < len(words) else ""
                target = after2 if after in DIRECTIONS or after in ("غربي", "شرقي") else after
                if not (is_name_word(target) and self.known(target)):
                    continue
                k = i - 1
                if k >= 0 and is_name_word(words[k]) and not strip_cue(words[k]):
                    prev = words[k - 1] if k >= 1 else ""
                    name = words[k]
                    if prev and is_name_word(prev) and norm(prev) in _NAME_HEADS:
                        name = f"{prev} {name}"
                    if not self.known(name) and not self.known(words[k]):
                        self.record(name, f"{w} {target}", doc, words, k)


_NAME_HEADS = {
    norm(w)
    for w in _words(
        "أبو ابو أم ام تل عين كفر دير خربة بئر بير رأس راس جسر قصر بيت بني بنى وادي سيدي ذي ذات آل"
    )
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--key", type=Path, default=DEFAULT_KEY)
    ap.add_argument("--top", type=int, default=200)
    ap.add_argument("--min", type=int, default=2, help="least number of war articles")
    args = ap.parse_args(argv)
    miner = Miner(load_places())
    other = Counter[str]()
    n_war = 0
    for doc, text, war in articles(args.corpus, read_held(args.key)):
        if war:
            n_war += 1
            miner.scan(doc, text)
        else:
            other.update(_WORD.findall(text))
    other_norm = Counter[str]()
    for w, c in other.items():
        other_norm[norm(w)] += c
    ranked = sorted(miner.found.items(), key=lambda kv: (-len(kv[1].articles), kv[0]))
    print(f"{n_war} war articles; {len(ranked)} unknown names")
    print("articles\tother\tname\tcues\tsample")
    for name, f in ranked[: args.top]:
        if len(f.articles) < args.min:
            break
        common = min(other_norm[norm(w)] for w in name.split())
        cues = ",".join(c for c, _ in f.cues.most_common(3))
        print(f"{len(f.articles)}\t{common}\t{name}\t{cues}\t{f.sample}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
