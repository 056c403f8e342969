#!/usr/bin/env bash
# Snapshot every stored annotation and every export on the sample, the seeds and the first N realnews
# articles, so a refactor can be checked byte for byte: `scripts/snapshot_outputs.sh OUT_DIR [N]`,
# then `diff -r OLD_DIR NEW_DIR`.
set -euo pipefail
# One snapshot at a time on this machine: the work folder below is shared.
if [ -z "${SNAPSHOT_LOCKED:-}" ]; then SNAPSHOT_LOCKED=1 exec flock /tmp/rasid-snapshot.lock "$0" "$@"; fi
out=${1:?usage: snapshot_outputs.sh OUT_DIR [REALNEWS_ARTICLES]}
n=${2:-2000}
here="$(cd "$(dirname "$0")/.." && pwd)"
shared="${RASID_SHARED:-$here/../shared}"
mkdir -p "$out"
# PYTHONPATH=OTHER_CHECKOUT runs another version of the code with the same environment.
rasid="python -m rasid.cli"
# A fixed work folder: stored origins are paths, so two runs compare only if their inputs sit at one place.
work=/tmp/rasid-snapshot-work
rm -rf "$work" && mkdir -p "$work"
python - "$shared/data/realnews/saudinewsnet_dev.jsonl.gz" "$n" > "$work/realnews.jsonl" <<'PY'
import gzip, sys
with gzip.open(sys.argv[1], "rt", encoding="utf-8") as f:
    for i, line in enumerate(f):
        if i >= int(sys.argv[2]):
            break
        sys.stdout.write(line)
PY
sample=$(python -c 'from rasid.api import sample_corpus_path; print(sample_corpus_path())')
for corpus in sample seeds realnews; do
  case $corpus in
    sample) cp -r "$sample" "$work/sample" && input=$work/sample ;;
    seeds) cp -r "$shared/seeds" "$work/seeds" && input=$work/seeds ;;
    realnews) input=$work/realnews.jsonl ;;
  esac
  db=$work/$corpus.db
  d=$out/$corpus
  mkdir -p "$d"
  $rasid analyze "$input" --db "$db" --json > "$d/analyze.json"
  sqlite3 "$db" "SELECT a.doc_id, n.stages, n.data FROM annotations n JOIN articles a ON a.id = n.article_id ORDER BY a.doc_id" > "$d/annotations.txt"
  for fmt in table json jsonl csv acled plover geojson; do
    COLUMNS=200 $rasid events --db "$db" --format $fmt > "$d/events.$fmt"
  done
  $rasid entities --db "$db" --json > "$d/entities.json"
  $rasid stories --db "$db" --json > "$d/stories.json"
  # Every story through the CLI in one process (a process per story costs a second of imports each).
  python - "$db" "$d" <<'PY'
import sqlite3, sys
from typer.testing import CliRunner
from rasid.cli import app
db, out = sys.argv[1], sys.argv[2]
ids = [r[0] for r in sqlite3.connect(db).execute("SELECT id FROM stories ORDER BY id")]
runner = CliRunner()
for sid in ids:
    result = runner.invoke(app, ["story", str(sid), "--db", db, "--json"])
    with open(f"{out}/story-{sid}.json", "w", encoding="utf-8") as f:
        f.write(result.stdout)
PY
  echo "$corpus: $(wc -l < "$d/annotations.txt") annotated articles, $(ls "$d" | grep -c story-) stories" >&2
done
