-- The library's store in PostgreSQL: what search.boltStore keeps in
-- bbolt buckets, as tables. Names and ids compare as bytes (COLLATE "C"),
-- the order bbolt's keys have, so listings and prefix lookups agree with
-- the embedded store.

-- sources: one row a source. change_seq numbers every write of a source
-- (and, in source_removals, every removal) so that each process's index
-- can catch up "by change sequence" with what others wrote.
CREATE TABLE sources (
    id         text COLLATE "C" PRIMARY KEY,
    scope      text NOT NULL,
    hash       text NOT NULL,
    url        text NOT NULL DEFAULT '',
    added_ns   bigint NOT NULL,
    record     jsonb NOT NULL, -- storedSource without its text
    body       text NOT NULL,
    -- stale: the most sentences any earlier version had, which an index
    -- holding that version must delete.
    stale      integer NOT NULL DEFAULT 0,
    change_seq bigserial NOT NULL
);
CREATE UNIQUE INDEX sources_change_seq ON sources (change_seq);
CREATE INDEX sources_newest ON sources (scope, added_ns DESC, id);
CREATE INDEX sources_hash ON sources (scope, hash);
CREATE INDEX sources_url ON sources (scope, url) WHERE url <> '';

CREATE TABLE source_removals (
    id         text COLLATE "C" PRIMARY KEY,
    stale      integer NOT NULL,
    change_seq bigint NOT NULL
);
CREATE INDEX source_removals_seq ON source_removals (change_seq);

-- The catalog: names of sources for autocomplete (see catalogNames).
CREATE TABLE source_names (
    scope text NOT NULL,
    name  text COLLATE "C" NOT NULL,
    id    text COLLATE "C" NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    kind  smallint NOT NULL,
    PRIMARY KEY (scope, name, id)
);
CREATE INDEX source_names_id ON source_names (id);

-- Index work a writer owes its index (pendingOp).
CREATE TABLE pending (
    id     text COLLATE "C" PRIMARY KEY,
    remove boolean NOT NULL,
    stale  integer NOT NULL
);

CREATE TABLE audit (
    seq   bigserial PRIMARY KEY,
    scope text NOT NULL,
    entry jsonb NOT NULL
);

CREATE TABLE meta (
    key   text PRIMARY KEY,
    value bytea NOT NULL
);

-- The question log. id is hex of the big-endian time and seq, as in bbolt.
CREATE SEQUENCE question_seq;
CREATE TABLE questions (
    scope  text NOT NULL,
    id     text NOT NULL,
    at_ns  bigint NOT NULL,
    seq    bigint NOT NULL,
    record jsonb NOT NULL,
    PRIMARY KEY (scope, id)
);
CREATE INDEX questions_time ON questions (scope, at_ns, seq);

CREATE TABLE digest_settings (
    scope  text PRIMARY KEY,
    record jsonb NOT NULL
);

-- One row per server and local day: whoever inserts it posts the digest.
CREATE TABLE digest_claims (
    scope      text NOT NULL,
    day        text NOT NULL,
    claimed_at timestamptz NOT NULL,
    PRIMARY KEY (scope, day)
);

CREATE TABLE feeds (
    id     text PRIMARY KEY,
    scope  text NOT NULL,
    record jsonb NOT NULL
);

CREATE TABLE followup_queue (
    seq       bigserial PRIMARY KEY,
    scope     text NOT NULL,
    source_id text NOT NULL,
    queued_ns bigint NOT NULL,
    UNIQUE (scope, source_id)
);
