-- Indexes for the profile panels' reads.
--
-- api_by_principal_counts replaces api_by_principal and also holds success
-- and failure. A principal's rows are spread over the hour-first table, so
-- reading their counts cost one table seek per row (a busy role's 45-day
-- baseline: 150k seeks, 0.4 s); with the counts in the index (which, like
-- every index of a WITHOUT ROWID table, already holds the key columns:
-- service, api, source, access key, user agent), API volume, details for
-- scope time and new behavior of users, roles, sessions and federated
-- users read the index alone (0.05 s). The cost is on ingest: an upsert
-- that adds to an existing row's counts now moves its index entry too.
DROP INDEX api_by_principal;
CREATE INDEX api_by_principal_counts ON api_hour (principal, hour, success, failure);

-- entity_by_key_seen and entity_by_name_seen replace entity_by_key and
-- entity_by_name and also hold last_seen, so a search by key or name
-- prefix picks its 50 most recently seen hits from the index alone (the
-- prefix "ASIA" matches 100k access keys, the name "botocore-session-1"
-- 15k sessions: 150 ms of row reads before, 12 ms after). The cost is on
-- ingest: moving an entity's last_seen now moves its index entries too.
DROP INDEX entity_by_key;
DROP INDEX entity_by_name;
CREATE INDEX entity_by_name_seen ON entity (name, last_seen) WHERE name != '';
CREATE INDEX entity_by_key_seen ON entity (key, last_seen);
