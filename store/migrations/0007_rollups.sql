-- Per-day rollups of api_hour for new behavior, written by the writer in
-- the transaction of the hourly rows they summarise.
--
-- New behavior compares what an entity called, from where and with which
-- user agent in its scope against its 45-day baseline. Read from api_hour,
-- the baseline of a busy role is 150k hourly rows (one per source, key,
-- agent, Region and error code); grouped per calling principal and day it
-- is a tenth of that. The rollup is per calling principal, not per role or
-- person: which role or person a session counts for is read from edge at
-- query time, as the hourly reads do, because a session's starter may
-- arrive in a later object than its calls.
--
-- A principal's rows leave out calls without a service or API name,
-- which its hourly reads drop too (they join both names).
-- what: 1 an API (a = service str id, b = API str id), 2 a source (a =
-- source entity id), 3 a user agent (a = agent entity id); b is 0 unless
-- what is 1. first is the earliest hour of the day with such a call.
-- Day first: a window of days of one principal is one range of the key.
CREATE TABLE principal_day (
    principal INTEGER NOT NULL,
    day       INTEGER NOT NULL, -- start of the UTC day, unix seconds
    what      INTEGER NOT NULL,
    a         INTEGER NOT NULL,
    b         INTEGER NOT NULL,
    calls     INTEGER NOT NULL,
    first     INTEGER NOT NULL,
    PRIMARY KEY (principal, day, what, a, b)
) WITHOUT ROWID;

-- The same per account entity, and for the whole graph under account 0,
-- keyed for "did the account ever do this in these days": one seek.
CREATE TABLE account_day (
    account INTEGER NOT NULL,
    what    INTEGER NOT NULL,
    a       INTEGER NOT NULL,
    b       INTEGER NOT NULL,
    day     INTEGER NOT NULL,
    calls   INTEGER NOT NULL,
    PRIMARY KEY (account, what, a, b, day)
) WITHOUT ROWID;

INSERT INTO principal_day (principal, day, what, a, b, calls, first)
    SELECT principal, hour - hour % 86400, 1, service, api, sum(success + failure), min(hour)
    FROM api_hour WHERE service != 0 AND api != 0 GROUP BY principal, hour - hour % 86400, service, api;
INSERT INTO principal_day (principal, day, what, a, b, calls, first)
    SELECT principal, hour - hour % 86400, 2, source, 0, sum(success + failure), min(hour)
    FROM api_hour WHERE source != 0 AND service != 0 AND api != 0 GROUP BY principal, hour - hour % 86400, source;
INSERT INTO principal_day (principal, day, what, a, b, calls, first)
    SELECT principal, hour - hour % 86400, 3, user_agent, 0, sum(success + failure), min(hour)
    FROM api_hour WHERE user_agent != 0 AND service != 0 AND api != 0 GROUP BY principal, hour - hour % 86400, user_agent;

INSERT INTO account_day (account, what, a, b, day, calls)
    SELECT account, 1, service, api, hour - hour % 86400, sum(success + failure)
    FROM api_hour WHERE account != 0 GROUP BY account, service, api, hour - hour % 86400;
INSERT INTO account_day (account, what, a, b, day, calls)
    SELECT account, 2, source, 0, hour - hour % 86400, sum(success + failure)
    FROM api_hour WHERE account != 0 AND source != 0 GROUP BY account, source, hour - hour % 86400;
INSERT INTO account_day (account, what, a, b, day, calls)
    SELECT account, 3, user_agent, 0, hour - hour % 86400, sum(success + failure)
    FROM api_hour WHERE account != 0 AND user_agent != 0 GROUP BY account, user_agent, hour - hour % 86400;
INSERT INTO account_day (account, what, a, b, day, calls)
    SELECT 0, 1, service, api, hour - hour % 86400, sum(success + failure)
    FROM api_hour GROUP BY service, api, hour - hour % 86400;
INSERT INTO account_day (account, what, a, b, day, calls)
    SELECT 0, 2, source, 0, hour - hour % 86400, sum(success + failure)
    FROM api_hour WHERE source != 0 GROUP BY source, hour - hour % 86400;
INSERT INTO account_day (account, what, a, b, day, calls)
    SELECT 0, 3, user_agent, 0, hour - hour % 86400, sum(success + failure)
    FROM api_hour WHERE user_agent != 0 GROUP BY user_agent, hour - hour % 86400;

-- Hourly totals for the summary page, whose 24-hour window and 7-day
-- series end on any hour, so whole UTC days would not serve it. Per
-- principal and hour, the week's API calls are a third of api_hour's rows
-- and a fraction of their width; per interface and hour, the week's flow
-- bytes a quarter of flow_hour's rows. The summary ranks owners (roles,
-- people) by joining these to edge at query time, as it did api_hour.
CREATE TABLE principal_hour (
    hour      INTEGER NOT NULL,
    principal INTEGER NOT NULL,
    calls     INTEGER NOT NULL,
    PRIMARY KEY (hour, principal)
) WITHOUT ROWID;

CREATE TABLE eni_hour (
    eni   INTEGER NOT NULL,
    hour  INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    PRIMARY KEY (eni, hour)
) WITHOUT ROWID;

INSERT INTO principal_hour (hour, principal, calls)
    SELECT hour, principal, sum(success + failure) FROM api_hour GROUP BY hour, principal;
INSERT INTO eni_hour (eni, hour, bytes)
    SELECT eni, hour, sum(bytes_in + bytes_out) FROM flow_hour GROUP BY eni, hour;
