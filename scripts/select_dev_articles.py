"""Choose the realnews war reports of the hand-coded development set (deterministic).

A war report has a violence word in its title and names one country's war in its title or lead.
Within each country, articles are taken in the order of the SHA-1 of their id (a fixed, arbitrary
order); one in three goes to the held-back part, decided the same way before anyone codes them.

    python scripts/select_dev_articles.py ../shared/data/realnews/saudinewsnet_dev.jsonl.gz > rasid/eval/keys/realnews_dev.selection.tsv
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import sys

VIOLENCE = re.compile(
    r"قتل|مقتل|قتلى|غارة|غارات|قصف|اشتباك|معارك|هجوم|انفجار|تفجير|سيطر|استهداف|مسلح|صاروخ|براميل|اغتيال|"
    r"جرحى|إصابة|قذائف|انتحاري|كمين|ضربات|معركة|اقتحام|تحرير|طيران|داعش"
)
COUNTRIES = {
    "syria": r"سوري|حلب|إدلب|ادلب|درعا|دمشق|حمص|حماة|الرقة|دير الزور|الحسكة|القنيطرة|اللاذقية|طرطوس|الزبداني|"
    r"الغوطة|دوما|تدمر|القلمون|جسر الشغور|سهل الغاب|كوباني|عين العرب|النصرة|الأسد",
    "iraq": r"العراق|عراقي|بغداد|الأنبار|الانبار|الرمادي|الفلوجة|الموصل|تكريت|ديالى|بيجي|صلاح الدين|كركوك|الحشد",
    "yemen": r"اليمن|يمني|صنعاء|عدن|تعز|الحوثي|مأرب|لحج|أبين|الضالع|شبوة|صعدة|المخلافي|التحالف|الشرعية",
    "turkey": r"تركيا|تركي|أنقرة|الكردستاني|ديار بكر|سروج|أردوغان",
    "lebanon": r"لبنان|لبناني|عرسال|بيروت|حزب الله|طرابلس|صيدا",
}
QUOTA = {"syria": 55, "iraq": 35, "yemen": 35, "turkey": 18, "lebanon": 7}


def main(path: str) -> None:
    patterns = {k: re.compile(v) for k, v in COUNTRIES.items()}
    found: dict[str, list[tuple[str, str, int, str]]] = {k: [] for k in COUNTRIES}
    seen_titles: set[str] = set()
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            record = json.loads(line)
            title, text = record.get("title") or "", record.get("text") or ""
            if not VIOLENCE.search(title) or not 400 <= len(text) <= 6000 or title in seen_titles:
                continue
            countries = [k for k, p in patterns.items() if p.search(title + " " + text[:300])]
            if len(countries) != 1:
                continue
            seen_titles.add(title)
            key = hashlib.sha1(record["id"].encode()).hexdigest()
            found[countries[0]].append((key, record["id"], line_no, record.get("published") or ""))
    print("id\tline\tpublished\tcountry\tpart")
    for country, quota in QUOTA.items():
        for k, (_key, article_id, line_no, published) in enumerate(sorted(found[country])[:quota]):
            part = "held" if k % 3 == 2 else "tune"
            print(f"{article_id}\t{line_no}\t{published}\t{country}\t{part}")


if __name__ == "__main__":
    main(sys.argv[1])
