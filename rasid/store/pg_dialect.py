"""Rasid's SQL, written for SQLite, as PostgreSQL runs it.

Domain code writes one SQL dialect: SQLite's, with `?` parameters. The PostgreSQL store passes
every statement through `translate` (cached per statement text), which changes only what the two
servers spell differently; the SQLite functions Rasid's queries call (json_extract, json_each,
instr, ...) are defined on the server by `COMPAT_FUNCTIONS`. The schema is the SQLite migrations
translated by `translate_ddl`, so one list of migrations describes both databases.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence

# Column names that are reserved words in PostgreSQL and must be quoted there. Rasid's SQL writes
# keywords in capitals, so the lower-case word is always the column (`CASE ... END` is untouched).
_QUOTED_COLUMNS = frozenset({"end"})

# Tables whose rows get an `id` from the database: an INSERT into one returns the new id, as
# SQLite's `lastrowid` does.
_INSERT = re.compile(r"^\s*INSERT\s+(?:OR\s+(IGNORE|REPLACE)\s+)?INTO\s+(\w+)\s*(\(([^)]*)\))?", re.IGNORECASE)


def _scan(sql: str, on_word: Callable[[str], str]) -> str:
    """`sql` with `?` as `%s`, `%` doubled, and each bare word outside quotes passed through `on_word`."""
    out: list[str] = []
    i = 0
    n = len(sql)
    while i < n:
        c = sql[i]
        if c in ("'", '"'):
            j = i + 1
            while j < n:
                if sql[j] == c:
                    if j + 1 < n and sql[j + 1] == c:  # a doubled quote inside the literal
                        j += 2
                        continue
                    break
                j += 1
            out.append(sql[i : j + 1].replace("%", "%%"))
            i = j + 1
        elif c == "?":
            out.append("%s")
            i += 1
        elif c == "%":
            out.append("%%")
            i += 1
        elif c.isalpha() or c == "_":
            j = i
            while j < n and (sql[j].isalnum() or sql[j] == "_"):
                j += 1
            word = sql[i:j]
            # A qualified name (`m.end`) is still a column; a function call keeps its name.
            out.append(on_word(word))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)
_ORDER_END = re.compile(r"\b(LIMIT|OFFSET|FETCH|FOR|UNION|EXCEPT|INTERSECT|ROWS|RANGE)\b", re.IGNORECASE)


def _nulls_as_sqlite(sql: str, never_null: frozenset[str]) -> str:
    """Every ORDER BY term with SQLite's place for NULLs made explicit: first when ascending, last
    when descending (PostgreSQL's default is the opposite), so that rows come in the same order.
    A term that is a column in `never_null` is left as it is, so an index on it still gives the order."""
    out: list[str] = []
    pos = 0
    for match in _ORDER_BY.finditer(sql):
        if match.start() < pos or _inside_quotes(sql, match.start()):
            continue
        out.append(sql[pos : match.end()])
        i = match.end()
        depth = 0
        term_start = i
        terms: list[str] = []
        while i < len(sql):
            c = sql[i]
            if c in ("'", '"'):
                i = _skip_quoted(sql, i)
                continue
            if c == "(":
                depth += 1
            elif c == ")":
                if depth == 0:
                    break
                depth -= 1
            elif c == "," and depth == 0:
                terms.append(sql[term_start:i])
                term_start = i + 1
            elif depth == 0 and c.isalpha() and not (sql[i - 1].isalnum() or sql[i - 1] == "_") and _ORDER_END.match(sql, i):
                break
            i += 1
        terms.append(sql[term_start:i])
        out.append(",".join(_with_nulls(t, never_null) for t in terms))
        pos = i
    out.append(sql[pos:])
    return "".join(out)


_COLUMN_TERM = re.compile(r"^\s*(?:\w+\.)?(\w+)(?:\s+(?:ASC|DESC))?\s*$", re.IGNORECASE)


def _with_nulls(term: str, never_null: frozenset[str]) -> str:
    words = term.split()
    if not words or "NULLS" in (w.upper() for w in words):
        return term
    column = _COLUMN_TERM.match(term)
    if column and column.group(1) in never_null:
        return term
    trailing = term[len(term.rstrip()) :]
    placed = " NULLS LAST" if words[-1].upper() == "DESC" else " NULLS FIRST"
    return term.rstrip() + placed + trailing


def _skip_quoted(sql: str, i: int) -> int:
    quote = sql[i]
    j = i + 1
    while j < len(sql):
        if sql[j] == quote:
            if j + 1 < len(sql) and sql[j + 1] == quote:
                j += 2
                continue
            return j + 1
        j += 1
    return j


def _inside_quotes(sql: str, at: int) -> bool:
    i = 0
    while i < at:
        if sql[i] in ("'", '"'):
            end = _skip_quoted(sql, i)
            if end > at:
                return True
            i = end
        else:
            i += 1
    return False


def _quote_reserved(word: str) -> str:
    return f'"{word}"' if word in _QUOTED_COLUMNS else word


class Schema:
    """What translation needs to know of the database's tables."""

    def __init__(
        self, primary_keys: Mapping[str, Sequence[str]], id_tables: frozenset[str], never_null: frozenset[str]
    ) -> None:
        self.primary_keys = {t: tuple(k) for t, k in primary_keys.items()}  # for INSERT OR REPLACE
        self.id_tables = id_tables  # tables whose `id` the database assigns
        self.never_null = never_null  # column names that are NOT NULL in every table that has them
        self.translate = functools.lru_cache(maxsize=4096)(self._translate)

    def _translate(self, sql: str) -> tuple[str, bool]:
        """(PostgreSQL text of `sql`, whether it returns a new row's id)."""
        return _translate(sql, self.primary_keys, self.id_tables, self.never_null)


def _translate(
    sql: str, keys: Mapping[str, tuple[str, ...]], id_tables: frozenset[str], never_null: frozenset[str]
) -> tuple[str, bool]:
    text = _nulls_as_sqlite(_scan(sql, _quote_reserved), never_null)
    match = _INSERT.match(text)
    if match is None:
        return text, False
    verb, table, _cols, columns = match.groups()
    returns_id = False
    if verb:
        text = text[: match.start()] + text[match.start() :].replace(match.group(0), _plain_insert(match), 1)
        if verb.upper() == "IGNORE":
            text = text.rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
        else:
            key = keys.get(table.lower())
            if not key or not columns:
                raise ValueError(f"INSERT OR REPLACE into {table} needs its column list and a primary key")
            names = [c.strip() for c in columns.split(",")]
            updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in names if c.strip('"') not in key)
            action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
            text = text.rstrip().rstrip(";") + f" ON CONFLICT ({', '.join(key)}) {action}"
    if table.lower() in id_tables and "RETURNING" not in text.upper():
        text = text.rstrip().rstrip(";") + " RETURNING id"
        returns_id = True
    return text, returns_id


def _plain_insert(match: re.Match[str]) -> str:
    table = match.group(2)
    cols = match.group(3) or ""
    return f"INSERT INTO {table} {cols}".rstrip()


# -- schema ----------------------------------------------------------------------------------------

_TYPE_WORDS = (
    # (SQLite column text, PostgreSQL column text); the order matters (longest first).
    (re.compile(r"\bid INTEGER PRIMARY KEY\b"), "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    (re.compile(r"\bINTEGER\b"), "BIGINT"),
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
    (re.compile(r"\bBLOB\b"), "BYTEA"),
    # Byte order, as SQLite compares text: the same ORDER BY and MIN/MAX on both servers.
    (re.compile(r"\bTEXT\b"), 'TEXT COLLATE "C"'),
)

# Statements PostgreSQL spells differently, by the start of their SQLite text (whitespace folded).
_LEAN_INDEX = [
    # FTS5 is SQLite's. The folded search text Rasid stores is already one word per space, so the
    # PostgreSQL index is built from those words as they are (no parser, no stemming, no stop words).
    # As SQLite's contentless index, it keeps no copy of the words: `article_terms` does, compressed.
    "CREATE TABLE articles_fts (rowid BIGINT PRIMARY KEY REFERENCES articles(id), words BIGINT NOT NULL,"
    " terms tsvector NOT NULL)",
    "CREATE INDEX articles_fts_terms ON articles_fts USING gin (terms)",
]
_DDL_OVERRIDES: dict[str, list[str]] = {
    "CREATE VIRTUAL TABLE articles_fts USING fts5": _LEAN_INDEX,
    # Document counts per term are read from the index itself (`PostgresStore.search`).
    "CREATE VIRTUAL TABLE articles_vocab USING fts5vocab": [],
    # Migration 12: PostgreSQL's column is typed, so it changes type; older rows keep their JSON as bytes
    # (`rasid.serialize.record_text` reads both).
    "UPDATE story_articles SET features = rasid_pack_record(features)": [
        "ALTER TABLE story_articles ALTER COLUMN features TYPE BYTEA USING convert_to(features, 'UTF8')"
    ],
}


_DATA_STATEMENT = re.compile(r"^(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def translate_ddl(script: str, *, empty: bool) -> list[str]:
    """The PostgreSQL statements of one SQLite migration.

    `empty`: the migration is applied to a database being created, whose tables hold no rows, so
    the statements that only move rows between tables (`INSERT ... SELECT`) are left out: some
    use SQLite's loose typing, which PostgreSQL refuses even on an empty table.
    """
    statements: list[str] = []
    for raw in (s.strip() for s in script.split(";")):
        if not raw:
            continue
        folded = " ".join(raw.split())
        override = next((v for k, v in _DDL_OVERRIDES.items() if folded.startswith(k)), None)
        if override is not None:
            statements.extend(override)
            continue
        if empty and _DATA_STATEMENT.match(folded):
            continue
        text = folded.replace(") WITHOUT ROWID", ")")
        for pattern, replacement in _TYPE_WORDS:
            text = pattern.sub(replacement, text)
        statements.append(_scan(text, _quote_reserved).replace("%%", "%"))
    return statements


# SQLite's functions that Rasid's queries call, defined for PostgreSQL. JSON is stored as text, as in
# SQLite; paths are SQLite's `$.a.b` and `$.a."quoted key"`.
COMPAT_FUNCTIONS: list[str] = [
    """CREATE OR REPLACE FUNCTION rasid_json_path(path text) RETURNS text[] LANGUAGE plpgsql IMMUTABLE AS $$
    DECLARE parts text[] := '{}'; rest text := substr(path, 3); part text; k int;
    BEGIN
        IF path = '$' THEN RETURN parts; END IF;
        WHILE length(rest) > 0 LOOP
            IF left(rest, 1) = '"' THEN
                k := 2;
                WHILE k <= length(rest) AND NOT (substr(rest, k, 1) = '"' AND substr(rest, k - 1, 1) <> '\\') LOOP
                    k := k + 1;
                END LOOP;
                part := (substr(rest, 1, k))::jsonb #>> '{}';
                rest := substr(rest, k + 2);
            ELSE
                k := strpos(rest, '.');
                IF k = 0 THEN part := rest; rest := ''; ELSE part := left(rest, k - 1); rest := substr(rest, k + 1); END IF;
            END IF;
            parts := parts || part;
        END LOOP;
        RETURN parts;
    END $$""",
    """CREATE OR REPLACE FUNCTION json_extract(doc text, path text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT (doc::jsonb) #>> rasid_json_path(path) $$""",
    """CREATE OR REPLACE FUNCTION json_quote(value text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT to_jsonb(value)::text $$""",
    """CREATE OR REPLACE FUNCTION json_type(doc text, path text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE jsonb_typeof((doc::jsonb) #> rasid_json_path(path))
            WHEN 'number' THEN 'real' WHEN 'boolean' THEN 'true' ELSE jsonb_typeof((doc::jsonb) #> rasid_json_path(path))
        END $$""",
    """CREATE OR REPLACE FUNCTION json_array_length(doc text, path text) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
        SELECT jsonb_array_length((doc::jsonb) #> rasid_json_path(path))::bigint $$""",
    """CREATE OR REPLACE FUNCTION json_each(doc text, path text) RETURNS TABLE (key bigint, value text)
        LANGUAGE sql IMMUTABLE AS $$
        SELECT (e.n - 1)::bigint, e.v FROM jsonb_array_elements_text((doc::jsonb) #> rasid_json_path(path))
            WITH ORDINALITY AS e(v, n) $$""",
    """CREATE OR REPLACE FUNCTION instr(haystack text, needle text) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
        SELECT strpos(haystack, needle)::bigint $$""",
    """CREATE OR REPLACE FUNCTION rasid_word_count(body text) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
        SELECT coalesce(array_length(array_remove(string_to_array(body, ' '), ''), 1), 0)::bigint $$""",
    """CREATE OR REPLACE FUNCTION rasid_terms(title text, body text) RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
        SELECT array_to_tsvector(array_remove(string_to_array(
            coalesce(title, '') || ' ' || coalesce(body, ''), ' '), '')) $$""",
]


def tsquery(groups: Sequence[Sequence[str]], joiner: str) -> str:
    """A tsquery text matching all (`&`) or any (`|`) of the term groups, any spelling within a group."""
    def lexeme(term: str) -> str:
        return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"

    return f" {joiner} ".join("(" + " | ".join(lexeme(t) for t in g) + ")" for g in groups)
