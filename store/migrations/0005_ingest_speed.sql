-- Faster ingest. flow_by_local indexed every flow row at a random place in
-- a tree as wide as the table, for a question a much smaller table
-- answers: an address is the local side of few interfaces (its own), so
-- flow_peer names, per address and day, the interfaces that held it, and
-- an address's flows as the local side are read through those interfaces
-- by flow_hour's primary key. flow_by_remote stays: a remote address (a
-- scanner, a resolver) meets many interfaces, and walking all of their
-- rows would read far more than the index does.
CREATE TABLE flow_peer (
    ip  INTEGER NOT NULL,
    day INTEGER NOT NULL, -- start of the UTC day, unix seconds
    eni INTEGER NOT NULL,
    PRIMARY KEY (ip, day, eni)
) WITHOUT ROWID;

INSERT OR IGNORE INTO flow_peer (ip, day, eni)
    SELECT DISTINCT local_ip, hour - hour % 86400, eni FROM flow_hour;

DROP INDEX flow_by_local;
