-- Source state, for `gumshoe sources`: how each source's polls went and
-- which objects it delivered. A source is named as the ingester names it:
-- an absolute path, s3://bucket/prefix, guardduty://... . The ingester
-- writes these after its polls (and every few seconds while a long poll
-- reads), outside the commits of the records themselves: a crash can lose
-- the last seconds of this bookkeeping, never a record.
CREATE TABLE source_state (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    first_poll     INTEGER NOT NULL DEFAULT 0,
    last_poll      INTEGER NOT NULL DEFAULT 0,
    last_success   INTEGER NOT NULL DEFAULT 0, -- last poll whose listing had no error
    last_error     TEXT NOT NULL DEFAULT '',
    last_error_at  INTEGER NOT NULL DEFAULT 0,
    objects_listed INTEGER NOT NULL DEFAULT 0, -- objects the last poll listed
    newest_hour    INTEGER NOT NULL DEFAULT 0  -- newest hour of data delivered
);

-- Which objects a source delivered: their counts, bad records and times
-- are the object table's own.
CREATE TABLE source_object (
    source INTEGER NOT NULL,
    object INTEGER NOT NULL,
    PRIMARY KEY (source, object)
) WITHOUT ROWID;
