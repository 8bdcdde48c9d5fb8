-- The indexes by source address, access key, user agent and account also
-- hold the success and failure counts, as api_by_principal_counts does
-- since schema 6: every key column of api_hour is in each of them already,
-- so with the counts the API panels of addresses, keys, agents and
-- accounts read the index alone instead of seeking the table for each
-- hourly row (a busy address's year of calls: 100k seeks, 0.1 s).
DROP INDEX api_by_source;
DROP INDEX api_by_key;
DROP INDEX api_by_agent;
DROP INDEX api_by_account;
CREATE INDEX api_by_key_counts ON api_hour (access_key, hour, success, failure);
CREATE INDEX api_by_agent_counts ON api_hour (user_agent, hour, success, failure);
CREATE INDEX api_by_account_counts ON api_hour (account, hour, success, failure);
CREATE INDEX api_by_source_counts ON api_hour (source, hour, success, failure);
