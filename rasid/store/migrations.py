"""Numbered schema migrations. Never edit a released one: append a new migration instead.

`PRAGMA user_version` records how many have been applied.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: articles, full-text index over normalised Arabic terms, MinHash signatures and LSH buckets.
    """
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL UNIQUE,
        content_hash TEXT NOT NULL UNIQUE,
        origin TEXT NOT NULL,
        url TEXT,
        source TEXT,
        source_evidence TEXT,
        title TEXT,
        published TEXT,
        language TEXT NOT NULL,
        length INTEGER NOT NULL,
        text TEXT NOT NULL,
        duplicate_of INTEGER REFERENCES articles(id),
        similarity REAL,
        flags TEXT NOT NULL DEFAULT '',
        meta TEXT NOT NULL DEFAULT '{}',
        ingested_at TEXT NOT NULL
    );
    CREATE INDEX articles_published ON articles(published);
    CREATE INDEX articles_source ON articles(source);
    CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');
    CREATE TABLE minhash (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id),
        signature BLOB NOT NULL
    );
    CREATE TABLE lsh_bands (
        band INTEGER NOT NULL,
        bucket BLOB NOT NULL,
        article_id INTEGER NOT NULL REFERENCES articles(id)
    );
    CREATE INDEX lsh_bands_lookup ON lsh_bands(bucket);
    CREATE TABLE annotations (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id),
        stages TEXT NOT NULL,
        data TEXT NOT NULL
    );
    CREATE TABLE ingest_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        origin TEXT NOT NULL,
        status TEXT NOT NULL,
        message TEXT NOT NULL
    )
    """,
    # 2: entity mentions and coded events, queryable by kb id, type, date and place.
    """
    CREATE TABLE mentions (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id),
        type TEXT NOT NULL,
        kb_id TEXT,
        text TEXT NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        attrs TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX mentions_kb ON mentions(type, kb_id);
    CREATE INDEX mentions_article ON mentions(article_id);
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id),
        event_index INTEGER NOT NULL,
        event_type TEXT NOT NULL,
        sub_event_type TEXT NOT NULL,
        event_date TEXT,
        date_precision TEXT,
        place_id TEXT,
        place_name TEXT,
        latitude REAL,
        longitude REAL,
        actor1 TEXT,
        actor2 TEXT,
        fatalities INTEGER,
        record TEXT NOT NULL
    );
    CREATE INDEX events_article ON events(article_id);
    CREATE INDEX events_date ON events(event_date);
    CREATE INDEX events_place ON events(place_id)
    """,
    # 3: per-term document counts of the full-text index, for BM25 with a non-negative IDF.
    """
    CREATE VIRTUAL TABLE articles_vocab USING fts5vocab(articles_fts, 'row')
    """,
    # 4: stories (groups of articles about one incident or developing situation), their blocking keys,
    # per-article story features, term document counts for TF-IDF, and recycled-news links.
    """
    CREATE TABLE stories (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL DEFAULT '',
        central_article INTEGER REFERENCES articles(id),
        first_date TEXT,
        last_date TEXT,
        places TEXT NOT NULL DEFAULT '[]',
        outlets TEXT NOT NULL DEFAULT '[]',
        article_count INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE story_articles (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id),
        story_id INTEGER NOT NULL REFERENCES stories(id),
        score REAL,
        reason TEXT NOT NULL DEFAULT '',
        features TEXT NOT NULL
    );
    CREATE INDEX story_articles_story ON story_articles(story_id);
    CREATE TABLE story_keys (
        key TEXT NOT NULL,
        story_id INTEGER NOT NULL REFERENCES stories(id),
        PRIMARY KEY (key, story_id)
    );
    CREATE TABLE story_terms (
        term TEXT PRIMARY KEY,
        df INTEGER NOT NULL
    );
    CREATE TABLE recycled (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id),
        original_article_id INTEGER REFERENCES articles(id),
        original_story_id INTEGER REFERENCES stories(id),
        reason TEXT NOT NULL,
        gap_days INTEGER
    )
    """,
    # 5: LSH buckets keyed by (bucket, article): one b-tree per row written instead of a table plus its
    # bucket index, and a bucket lookup reads the article ids straight from the key. Same columns and
    # reads; a repeated (bucket, article) row carried no information (lookups take DISTINCT ids).
    # `band` is kept non-null by a CHECK: with NOT NULL on a column declared before the key, SQLite
    # 3.40's integrity_check wrongly reports NULLs in a WITHOUT ROWID table.
    """
    CREATE TABLE lsh_bands_v5 (
        band INTEGER CHECK (band IS NOT NULL),
        bucket BLOB NOT NULL,
        article_id INTEGER NOT NULL REFERENCES articles(id),
        PRIMARY KEY (bucket, article_id)
    ) WITHOUT ROWID;
    INSERT OR IGNORE INTO lsh_bands_v5 (band, bucket, article_id) SELECT band, bucket, article_id FROM lsh_bands;
    DROP TABLE lsh_bands;
    ALTER TABLE lsh_bands_v5 RENAME TO lsh_bands
    """,
    # 6: stages that raised on a stored article (the article is kept with what the earlier stages
    # produced); the Rasid version lets a later release retry the stage.
    """
    CREATE TABLE stage_failures (
        article_id INTEGER NOT NULL REFERENCES articles(id),
        stage TEXT NOT NULL,
        error TEXT NOT NULL,
        rasid_version TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (article_id, stage)
    )
    """,
    # 7: per-outlet track record (rasid.verify.track_record): what each story adds to the record of
    # each outlet in it, and the digest of the story's members it was computed from (a story whose
    # digest changed is recomputed). No foreign key to stories: a story emptied by regrouping is
    # deleted, and its records are dropped at the next refresh.
    """
    CREATE TABLE outlet_records (
        outlet TEXT NOT NULL,
        story_id INTEGER NOT NULL,
        facts_held INTEGER NOT NULL,
        contradicted_by_majority INTEGER NOT NULL,
        agreed_by_others INTEGER NOT NULL,
        retractions INTEGER NOT NULL,
        examples TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (outlet, story_id)
    );
    CREATE INDEX outlet_records_story ON outlet_records(story_id);
    CREATE TABLE outlet_record_stories (
        story_id INTEGER PRIMARY KEY,
        fingerprint TEXT NOT NULL
    )
    """,
    # 8: what the event API filters on, as columns (so every filter and the keyset order run in SQL):
    # `incident` (is_incident), confidence, the two actors' sides, the article's outlet, folded
    # place/actor search keys (written by index_events and, for older rows, by the first query that
    # needs them: the folding is Python's), and `review`, the status an analyst's review gave. The
    # plain columns of a reviewed event hold its reviewed values. The table is rebuilt so that the
    # large `record` comes last, and one index holding every filter column in (event_date, id)
    # order answers filters, counts, map points and day counts without reading the records.
    # `reviews` keeps every review apart from what Rasid computed, keyed by the article's content
    # hash and the event's fingerprint so that it survives re-analysis of the same article.
    """
    CREATE TABLE events_v8 (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id),
        event_index INTEGER NOT NULL,
        event_type TEXT NOT NULL,
        sub_event_type TEXT NOT NULL,
        event_date TEXT,
        date_precision TEXT,
        place_id TEXT,
        place_name TEXT,
        latitude REAL,
        longitude REAL,
        actor1 TEXT,
        actor2 TEXT,
        fatalities INTEGER,
        incident INTEGER NOT NULL DEFAULT 1,
        confidence REAL,
        side1 TEXT,
        side2 TEXT,
        outlet TEXT,
        review TEXT,
        place_key TEXT,
        actor_key TEXT,
        record TEXT NOT NULL
    );
    INSERT INTO events_v8 (id, article_id, event_index, event_type, sub_event_type, event_date, date_precision,
        place_id, place_name, latitude, longitude, actor1, actor2, fatalities, incident, confidence, side1, side2,
        outlet, record)
    SELECT e.id, e.article_id, e.event_index, e.event_type, e.sub_event_type, e.event_date, e.date_precision,
        e.place_id, e.place_name, e.latitude, e.longitude, e.actor1, e.actor2, e.fatalities,
        CASE WHEN json_type(e.record, '$.special') = 'array' THEN json_array_length(e.record, '$.special') = 0
            ELSE NOT coalesce(json_extract(e.record, '$.background'), 0) END,
        json_extract(e.record, '$.confidence'), json_extract(e.record, '$.actor1.side'),
        json_extract(e.record, '$.actor2.side'), a.source, e.record
    FROM events e LEFT JOIN articles a ON a.id = e.article_id ORDER BY e.id;
    DROP TABLE events;
    ALTER TABLE events_v8 RENAME TO events;
    CREATE INDEX events_article ON events(article_id);
    CREATE INDEX events_date ON events(event_date);
    CREATE INDEX events_place ON events(place_id);
    CREATE INDEX events_scan ON events(event_date, id, incident, review, event_type, outlet, side1, side2,
        confidence, latitude, longitude, fatalities, article_id, event_index, actor1, actor2, place_key, actor_key);
    CREATE INDEX events_unkeyed ON events(id) WHERE place_key IS NULL;
    CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,
        event_key TEXT NOT NULL,
        article_id INTEGER,
        article_hash TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('confirm', 'correct', 'reject')),
        changes TEXT NOT NULL DEFAULT '{}',
        before TEXT NOT NULL DEFAULT '{}',
        note TEXT NOT NULL DEFAULT '',
        reviewer TEXT NOT NULL DEFAULT '',
        at TEXT NOT NULL
    );
    CREATE INDEX reviews_event ON reviews(article_hash, fingerprint, id)
    """,
    # 9: each story's claim alignment (rasid.stories.stored): the part that depends on its members and
    # their events, as zlib-compressed compact JSON, with the digest of the members it was computed from
    # (the track record's digest: a story whose digest changed is realigned) and the counts a listing
    # shows. No foreign key to stories: a story emptied by regrouping is deleted, and its row dropped at
    # the next refresh.
    """
    CREATE TABLE story_alignments (
        story_id INTEGER PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        contradictions INTEGER NOT NULL,
        facts INTEGER NOT NULL,
        incidents INTEGER NOT NULL,
        alignment BLOB NOT NULL
    )
    """,
    # 10: annotations in their compact stored form (rasid.store.codec: a format byte, then compressed
    # compact JSON with no article fields, keys or span texts repeated) instead of plain JSON text,
    # in a BLOB column. Older rows are converted by `rasid_pack_annotations(data, text)`, a function the
    # store defines on its connection (the codec's `pack_legacy`). Article texts are stored zlib-compressed
    # (`rasid_pack_text`, the codec's `pack_text`; older plain texts still read). The full-text index keeps
    # no copy of its terms (contentless FTS5): `article_terms` holds each article's title terms and its
    # folded body, compressed, for ranking and for telling the index what to forget when they change.
    # MinHash signatures are kept as 32-bit values (`rasid_pack_signature`). Event records are stored
    # compressed (`rasid_pack_record`, rasid.serialize's `pack_record`) in a BLOB column: the events table
    # is rebuilt as migration 8 left it but for that column's type. The file keeps its size until VACUUM.
    """
    CREATE TABLE annotations_v10 (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id),
        stages TEXT NOT NULL,
        data BLOB NOT NULL
    );
    INSERT INTO annotations_v10 (article_id, stages, data)
    SELECT n.article_id, n.stages, rasid_pack_annotations(n.data, a.text)
    FROM annotations n JOIN articles a ON a.id = n.article_id ORDER BY n.article_id;
    DROP TABLE annotations;
    ALTER TABLE annotations_v10 RENAME TO annotations;
    UPDATE articles SET text = rasid_pack_text(text) WHERE typeof(text) = 'text';
    CREATE TABLE IF NOT EXISTS article_terms (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id),
        title TEXT NOT NULL,
        body BLOB NOT NULL
    );
    INSERT OR IGNORE INTO article_terms (article_id, title, body)
    SELECT rowid, coalesce(title, ''), rasid_pack_text(coalesce(body, '')) FROM articles_fts
    WHERE rowid IN (SELECT id FROM articles) ORDER BY rowid;
    DROP TABLE IF EXISTS articles_vocab;
    DROP TABLE articles_fts;
    CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, content = '', tokenize = 'unicode61 remove_diacritics 2');
    INSERT INTO articles_fts (rowid, title, body) SELECT article_id, title, rasid_unpack_text(body) FROM article_terms;
    CREATE VIRTUAL TABLE articles_vocab USING fts5vocab(articles_fts, 'row');
    UPDATE minhash SET signature = rasid_pack_signature(signature);
    CREATE TABLE events_v10 (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id),
        event_index INTEGER NOT NULL,
        event_type TEXT NOT NULL,
        sub_event_type TEXT NOT NULL,
        event_date TEXT,
        date_precision TEXT,
        place_id TEXT,
        place_name TEXT,
        latitude REAL,
        longitude REAL,
        actor1 TEXT,
        actor2 TEXT,
        fatalities INTEGER,
        incident INTEGER NOT NULL DEFAULT 1,
        confidence REAL,
        side1 TEXT,
        side2 TEXT,
        outlet TEXT,
        review TEXT,
        place_key TEXT,
        actor_key TEXT,
        record BLOB NOT NULL
    );
    INSERT INTO events_v10 (id, article_id, event_index, event_type, sub_event_type, event_date, date_precision,
        place_id, place_name, latitude, longitude, actor1, actor2, fatalities, incident, confidence, side1, side2,
        outlet, review, place_key, actor_key, record)
    SELECT id, article_id, event_index, event_type, sub_event_type, event_date, date_precision,
        place_id, place_name, latitude, longitude, actor1, actor2, fatalities, incident, confidence, side1, side2,
        outlet, review, place_key, actor_key, rasid_pack_record(record)
    FROM events ORDER BY id;
    DROP TABLE events;
    ALTER TABLE events_v10 RENAME TO events;
    CREATE INDEX events_article ON events(article_id);
    CREATE INDEX events_date ON events(event_date);
    CREATE INDEX events_place ON events(place_id);
    CREATE INDEX events_scan ON events(event_date, id, incident, review, event_type, outlet, side1, side2,
        confidence, latitude, longitude, fatalities, article_id, event_index, actor1, actor2, place_key, actor_key);
    CREATE INDEX events_unkeyed ON events(id) WHERE place_key IS NULL
    """,
    # 11: what `rasid watch` remembers (rasid.watch.state): each feed, sitemap or folder followed, with the
    # validators of its last fetch; each article link or file seen, keyed by its link, with its page's
    # validators, the article stored from it and its status (pending, stored, duplicate, failed), so a
    # restarted watch fetches and stores nothing twice; and each article stored from an item, with the one
    # it replaces when the page changed after it was analysed.
    """
    CREATE TABLE watch_sources (
        url TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        outlet TEXT,
        etag TEXT,
        last_modified TEXT,
        stamp TEXT,
        status TEXT NOT NULL,
        error TEXT,
        items INTEGER NOT NULL DEFAULT 0,
        first_polled TEXT NOT NULL,
        last_polled TEXT NOT NULL
    );
    CREATE TABLE watch_items (
        id INTEGER PRIMARY KEY,
        item_key TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        link TEXT NOT NULL,
        outlet TEXT,
        title TEXT,
        published TEXT,
        stamp TEXT,
        etag TEXT,
        last_modified TEXT,
        content_hash TEXT,
        article_id INTEGER,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        fetched_at TEXT
    );
    CREATE INDEX watch_items_pending ON watch_items(status, source);
    CREATE TABLE watch_versions (
        item_id INTEGER NOT NULL REFERENCES watch_items(id),
        article_id INTEGER NOT NULL REFERENCES articles(id),
        previous_article_id INTEGER,
        content_hash TEXT NOT NULL,
        stored_at TEXT NOT NULL,
        PRIMARY KEY (item_id, article_id)
    )
    """,
    # 12: each article's story features (`story_articles.features`, the largest per-article row after
    # the text) compressed as event records are (`rasid_pack_record`, the codec's `pack_legacy_record`);
    # the story code reads them in Python, not with SQLite's JSON functions. Older JSON text still reads.
    """
    UPDATE story_articles SET features = rasid_pack_record(features) WHERE typeof(features) = 'text'
    """,
    # 13: the story term counts keyed by the term itself (WITHOUT ROWID): a rowid table kept every term
    # twice, in the table and in its primary-key index (1.3 KB per article on realnews; about half now).
    # Only read by term, so no order changes.
    """
    CREATE TABLE story_terms_v13 (
        term TEXT PRIMARY KEY,
        df INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO story_terms_v13 (term, df) SELECT term, df FROM story_terms;
    DROP TABLE story_terms;
    ALTER TABLE story_terms_v13 RENAME TO story_terms
    """,
    # 14: the change feed (rasid.extract.changes): one row per change to what Rasid holds, written in the
    # transaction of the write that caused it: its UTC time, its kind (event_added, event_changed,
    # event_withdrawn, story_new, story_grew, contradiction_new, verdict_changed), the ids it is about
    # (story, event key "article-index", claim text, article) and the values before and after as
    # compact JSON. `claim_verdicts` keeps the last label of each checked claim (by its folded text),
    # so that a re-check can tell a changed verdict. `alerts` keeps each alert a rule raised on a change
    # (with its evidence), and `alert_cursors` how far each alert consumer has read the feed. (IF NOT EXISTS:
    # a database whose version was set back, as in the migration tests, keeps its rows.)
    """
    CREATE TABLE IF NOT EXISTS changes (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        story_id INTEGER,
        event_key TEXT,
        claim TEXT,
        article_id INTEGER,
        before TEXT,
        after TEXT
    );
    CREATE INDEX IF NOT EXISTS changes_at ON changes(at, id);
    CREATE INDEX IF NOT EXISTS changes_event ON changes(event_key);
    CREATE TABLE IF NOT EXISTS claim_verdicts (
        claim_key TEXT PRIMARY KEY,
        claim TEXT NOT NULL,
        label TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS alerts (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        change_id INTEGER NOT NULL,
        rule TEXT NOT NULL,
        kind TEXT NOT NULL,
        message TEXT NOT NULL,
        evidence TEXT NOT NULL DEFAULT '{}',
        UNIQUE (change_id, rule)
    );
    CREATE INDEX IF NOT EXISTS alerts_at ON alerts(at, id);
    CREATE TABLE IF NOT EXISTS alert_cursors (
        name TEXT PRIMARY KEY,
        change_id INTEGER NOT NULL
    )
    """,
    # 15: a mention's attributes (what the knowledge base says of its entity: a place's names, coordinates
    # and admin areas, an actor's side and parent…) kept once per distinct value in `mention_attrs` and
    # referenced by `mentions.attrs_id`, instead of the same JSON copied into every mention row (three
    # quarters of the mentions table on realnews). Readers join them (`LEFT JOIN mention_attrs t ON
    # t.id = m.attrs_id`, NULL for none); rows are never deleted, so an id stays valid. The column is
    # dropped in place (no table rebuild: mention ids and PostgreSQL's identity stay as they are).
    # Story blocking keys keyed by themselves (WITHOUT ROWID), as story terms in 13: the rowid table
    # held every key twice, in the table and in its primary-key index.
    """
    CREATE TABLE mention_attrs (
        id INTEGER PRIMARY KEY,
        attrs TEXT NOT NULL UNIQUE
    );
    INSERT INTO mention_attrs (attrs) SELECT attrs FROM mentions GROUP BY attrs ORDER BY MIN(id);
    ALTER TABLE mentions ADD COLUMN attrs_id INTEGER REFERENCES mention_attrs(id);
    UPDATE mentions SET attrs_id = (SELECT t.id FROM mention_attrs t WHERE t.attrs = mentions.attrs);
    ALTER TABLE mentions DROP COLUMN attrs;
    CREATE TABLE story_keys_v15 (
        key TEXT NOT NULL,
        story_id INTEGER NOT NULL REFERENCES stories(id),
        PRIMARY KEY (key, story_id)
    ) WITHOUT ROWID;
    INSERT INTO story_keys_v15 (key, story_id) SELECT key, story_id FROM story_keys;
    DROP TABLE story_keys;
    ALTER TABLE story_keys_v15 RENAME TO story_keys
    """,
    # 16: alert delivery as an outbox (rasid.watch.alerts): one row per alert and channel (`log`: the
    # JSONL log, `target` its absolute path; `webhook`: `target` its URL), written in the transaction
    # that stores the alert; `delivered_at` is NULL until the alert reached that target (then its UTC
    # time), `problem` why an endpoint refused it for good. Alerts from before have no rows: never sent
    # again. `watch_versions` by the article a version replaced: is an article superseded (its events
    # left out of the exports, rasid.extract.event_index). (IF NOT EXISTS: a database whose version was
    # set back, as in the migration tests.)
    """
    CREATE TABLE IF NOT EXISTS alert_outbox (
        alert_id INTEGER NOT NULL,
        channel TEXT NOT NULL,
        target TEXT NOT NULL,
        delivered_at TEXT,
        problem TEXT,
        PRIMARY KEY (alert_id, channel, target)
    );
    CREATE INDEX IF NOT EXISTS alert_outbox_pending ON alert_outbox(channel, target, delivered_at, alert_id);
    CREATE INDEX IF NOT EXISTS watch_versions_previous ON watch_versions(previous_article_id)
    """,
    # 17: one deliverer per alert target (rasid.watch.outbox): a process delivers to a (channel,
    # target) only while it holds that target's lease, taken in a write transaction when no other
    # holder's lease is still running (`expires`, UTC ISO text) and renewed while it sends; `holder`
    # names the process (host:pid:token), so a lease left by a process that died on this host is taken
    # over at once. Two watches, or a watch and `rasid alerts`, never send the same alert side by side.
    """
    CREATE TABLE IF NOT EXISTS outbox_leases (
        channel TEXT NOT NULL,
        target TEXT NOT NULL,
        holder TEXT NOT NULL,
        expires TEXT NOT NULL,
        PRIMARY KEY (channel, target)
    )
    """,
]
