-- The behavior graph. Times are unix seconds (UTC); "hour" columns hold the
-- start of the hour. Repeated strings live once in str and entity and are
-- referred to by id.

-- Facts about the graph as a whole, such as the newest event time ("now").
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

CREATE TABLE str (
    id INTEGER PRIMARY KEY,
    s  TEXT NOT NULL UNIQUE
);

-- Every node of the graph: kind (graph.Kind) and canonical key.
CREATE TABLE entity (
    id         INTEGER PRIMARY KEY,
    kind       INTEGER NOT NULL,
    key        TEXT NOT NULL,
    -- name is the short name search also matches: a session's or a
    -- federated user's name, a role's or user's name without the ARN.
    name       TEXT NOT NULL DEFAULT '',
    account    TEXT NOT NULL DEFAULT '',
    first_seen INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    UNIQUE (kind, key)
);
CREATE INDEX entity_by_key ON entity (key);
CREATE INDEX entity_by_name ON entity (name) WHERE name != '';

-- Relationships (graph.Relation) with first/last seen and how often.
CREATE TABLE edge (
    src        INTEGER NOT NULL,
    rel        INTEGER NOT NULL,
    dst        INTEGER NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (src, rel, dst)
) WITHOUT ROWID;
CREATE INDEX edge_by_dst ON edge (dst, rel, src);

-- API calls: principal x hour x service x API x source x key x agent x
-- region x error, plus the recipient account. source is an IP or service
-- entity; 0 stands for "none" in every id column.
CREATE TABLE api_hour (
    principal  INTEGER NOT NULL,
    hour       INTEGER NOT NULL,
    account    INTEGER NOT NULL,
    service    INTEGER NOT NULL,
    api        INTEGER NOT NULL,
    source     INTEGER NOT NULL,
    access_key INTEGER NOT NULL,
    user_agent INTEGER NOT NULL,
    region     INTEGER NOT NULL,
    error      INTEGER NOT NULL,
    success    INTEGER NOT NULL,
    failure    INTEGER NOT NULL,
    PRIMARY KEY (hour, principal, account, service, api, source, access_key, user_agent, region, error)
) WITHOUT ROWID;
-- Hour first: logs arrive roughly in time order, so writes land at the end
-- of the tree instead of dirtying pages all over it.
CREATE INDEX api_by_principal ON api_hour (principal, hour);
CREATE INDEX api_by_source ON api_hour (source, hour);
CREATE INDEX api_by_key ON api_hour (access_key, hour);
CREATE INDEX api_by_agent ON api_hour (user_agent, hour);
CREATE INDEX api_by_account ON api_hour (account, hour);

-- Flows per network interface (an eni entity), resolved to the instance at
-- query time. Ports hold -1 for a client's ephemeral port ("*").
CREATE TABLE flow_hour (
    eni         INTEGER NOT NULL,
    hour        INTEGER NOT NULL,
    local_ip    INTEGER NOT NULL,
    remote_ip   INTEGER NOT NULL,
    local_port  INTEGER NOT NULL,
    remote_port INTEGER NOT NULL,
    protocol    INTEGER NOT NULL,
    direction   INTEGER NOT NULL,
    action      INTEGER NOT NULL,
    bytes_in    INTEGER NOT NULL,
    bytes_out   INTEGER NOT NULL,
    packets_in  INTEGER NOT NULL,
    packets_out INTEGER NOT NULL,
    records     INTEGER NOT NULL,
    PRIMARY KEY (eni, hour, local_ip, remote_ip, local_port, remote_port, protocol, direction, action)
) WITHOUT ROWID;
CREATE INDEX flow_by_remote ON flow_hour (remote_ip, hour);
CREATE INDEX flow_by_local ON flow_hour (local_ip, hour);

-- NODATA and SKIPDATA rows are counted per interface and hour, not aggregated.
CREATE TABLE flow_gap (
    eni      INTEGER NOT NULL,
    hour     INTEGER NOT NULL,
    nodata   INTEGER NOT NULL,
    skipdata INTEGER NOT NULL,
    PRIMARY KEY (eni, hour)
) WITHOUT ROWID;

-- Which instance interface held an address, per account and VPC, over
-- which hours (inclusive).
CREATE TABLE ip_assignment (
    ip         INTEGER NOT NULL,
    account    TEXT NOT NULL,
    vpc        TEXT NOT NULL,
    instance   INTEGER NOT NULL,
    eni        INTEGER NOT NULL,
    first_hour INTEGER NOT NULL,
    last_hour  INTEGER NOT NULL,
    PRIMARY KEY (ip, account, vpc, instance, eni)
) WITHOUT ROWID;
CREATE INDEX assignment_by_instance ON ip_assignment (instance);

-- GuardDuty findings: the newest update's facts, every update's JSON, and
-- the union of the entities every update involved.
CREATE TABLE finding (
    entity        INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    type          TEXT NOT NULL,
    title         TEXT NOT NULL,
    description   TEXT NOT NULL,
    severity      REAL NOT NULL,
    account       TEXT NOT NULL,
    region        TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    first_seen    INTEGER NOT NULL,
    last_seen     INTEGER NOT NULL,
    count         INTEGER NOT NULL,
    archived      INTEGER NOT NULL,
    resource_type TEXT NOT NULL,
    action_type   TEXT NOT NULL
);
CREATE INDEX finding_by_time ON finding (last_seen);

CREATE TABLE finding_update (
    finding    INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    raw        BLOB NOT NULL,
    PRIMARY KEY (finding, updated_at)
) WITHOUT ROWID;

CREATE TABLE finding_entity (
    finding INTEGER NOT NULL,
    entity  INTEGER NOT NULL,
    part    TEXT NOT NULL,
    PRIMARY KEY (finding, entity, part)
) WITHOUT ROWID;
CREATE INDEX finding_entity_by_entity ON finding_entity (entity);

-- Logging coverage: which delivery (a trail's or flow log's S3 prefix)
-- brought records for which account, Region and hour.
CREATE TABLE coverage (
    delivery INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    account  TEXT NOT NULL,
    region   TEXT NOT NULL,
    hour     INTEGER NOT NULL,
    records  INTEGER NOT NULL,
    PRIMARY KEY (delivery, account, region, hour)
) WITHOUT ROWID;
CREATE INDEX coverage_by_account ON coverage (account, hour);

-- Trail management calls: StopLogging, StartLogging, DeleteTrail,
-- UpdateTrail, CreateTrail.
CREATE TABLE trail_event (
    event_id  TEXT PRIMARY KEY,
    time      INTEGER NOT NULL,
    account   TEXT NOT NULL,
    region    TEXT NOT NULL,
    trail     TEXT NOT NULL,
    bucket    TEXT NOT NULL,
    api       TEXT NOT NULL,
    principal INTEGER NOT NULL,
    failed    INTEGER NOT NULL
);

-- Identity of CloudTrail events already counted: the event's hour and a
-- 64-bit hash of its eventID, so organisation and account trails delivering
-- one event count it once. Hour first keeps inserts near the tree's end.
CREATE TABLE event_seen (
    hour INTEGER NOT NULL,
    h    INTEGER NOT NULL,
    PRIMARY KEY (hour, h)
) WITHOUT ROWID;

-- Source objects and their checkpoints.
CREATE TABLE object (
    id          INTEGER PRIMARY KEY,
    uri         TEXT NOT NULL UNIQUE,
    format      TEXT NOT NULL,
    size        INTEGER NOT NULL,
    mod_time    INTEGER NOT NULL,
    fingerprint BLOB NOT NULL,
    records     INTEGER NOT NULL, -- records read so far (the resume point)
    bad         INTEGER NOT NULL,
    complete    INTEGER NOT NULL,
    ingested_at INTEGER NOT NULL
);

-- Raw references: for each principal and hour, the indexes of the records
-- of an object that fed it (uvarints), so a details row can re-read them.
CREATE TABLE raw_ref (
    principal INTEGER NOT NULL,
    hour      INTEGER NOT NULL,
    object    INTEGER NOT NULL,
    idx       BLOB NOT NULL,
    PRIMARY KEY (principal, hour, object)
) WITHOUT ROWID;

CREATE TABLE ingest_run (
    id       INTEGER PRIMARY KEY,
    started  INTEGER NOT NULL,
    finished INTEGER NOT NULL DEFAULT 0,
    summary  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE bad_record (
    id     INTEGER PRIMARY KEY,
    run    INTEGER NOT NULL,
    object INTEGER NOT NULL,
    line   INTEGER NOT NULL,
    idx    INTEGER NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX bad_by_object ON bad_record (object);
