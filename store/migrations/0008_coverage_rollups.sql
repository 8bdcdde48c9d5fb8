-- Rollups for the coverage panel of addresses and user agents.
--
-- An address or an agent belongs to no account: its coverage panel reports
-- the logging of the accounts it was seen in. Found from api_hour and
-- flow_hour, a resolver or a scanner seen by interfaces of 1,500 accounts
-- over a year meant reading millions of hourly rows (6 s), and then a year
-- of hourly coverage of every one of those accounts (52 million rows for
-- the organisation: 23 s).
--
-- seen_in_day names, per address or agent entity and day, the accounts it
-- was seen in (account is a str id of the 12-digit account) and how many
-- calls or flow records there were; the writer adds to it in the
-- transaction of the hourly rows. seen_in totals those per entity and
-- account, kept by triggers, so the panel picks the accounts an entity was
-- most active in without summing its days. Key order: an entity's accounts
-- are one range, and "was it seen in this account in these days" one seek.
CREATE TABLE seen_in_day (
    entity  INTEGER NOT NULL,
    account INTEGER NOT NULL,
    day     INTEGER NOT NULL, -- start of the UTC day, unix seconds
    n       INTEGER NOT NULL,
    PRIMARY KEY (entity, account, day)
) WITHOUT ROWID;

CREATE TABLE seen_in (
    entity  INTEGER NOT NULL,
    account INTEGER NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (entity, account)
) WITHOUT ROWID;

CREATE TRIGGER seen_in_insert AFTER INSERT ON seen_in_day BEGIN
    INSERT INTO seen_in (entity, account, n) VALUES (NEW.entity, NEW.account, NEW.n)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER seen_in_update AFTER UPDATE OF n ON seen_in_day BEGIN
    UPDATE seen_in SET n = n + NEW.n - OLD.n WHERE entity = NEW.entity AND account = NEW.account;
END;

-- Retention removes whole days; an account with none left goes.
CREATE TRIGGER seen_in_delete AFTER DELETE ON seen_in_day BEGIN
    UPDATE seen_in SET n = n - OLD.n WHERE entity = OLD.entity AND account = OLD.account;
    DELETE FROM seen_in WHERE entity = OLD.entity AND account = OLD.account
        AND NOT EXISTS (SELECT 1 FROM seen_in_day WHERE entity = OLD.entity AND account = OLD.account);
END;

-- Account ids as strings: the keys of account entities (calls) and the
-- accounts of interfaces (flows).
INSERT OR IGNORE INTO str (s)
    SELECT key FROM entity WHERE kind = 1 UNION SELECT account FROM entity WHERE kind = 13 AND account != '';

-- Calls: from an address, with an agent, in an account (api_hour's account
-- is the account entity).
INSERT INTO seen_in_day (entity, account, day, n)
    SELECT x.entity, s.id, x.day, sum(x.n) FROM (
        SELECT a.source AS entity, a.account AS acct, a.hour - a.hour % 86400 AS day, a.success + a.failure AS n
            FROM api_hour a WHERE a.source != 0 AND a.account != 0
        UNION ALL
        SELECT a.user_agent, a.account, a.hour - a.hour % 86400, a.success + a.failure
            FROM api_hour a WHERE a.user_agent != 0 AND a.account != 0
    ) x JOIN entity ac ON ac.id = x.acct JOIN str s ON s.s = ac.key
    GROUP BY x.entity, s.id, x.day
    ON CONFLICT DO UPDATE SET n = n + excluded.n;

-- Flows: either address, in the account of the interface that logged them.
INSERT INTO seen_in_day (entity, account, day, n)
    SELECT x.entity, s.id, x.day, sum(x.n) FROM (
        SELECT f.remote_ip AS entity, f.eni AS eni, f.hour - f.hour % 86400 AS day, f.records AS n FROM flow_hour f
        UNION ALL
        SELECT f.local_ip, f.eni, f.hour - f.hour % 86400, f.records FROM flow_hour f
    ) x JOIN entity i ON i.id = x.eni JOIN str s ON s.s = i.account
    WHERE i.account != ''
    GROUP BY x.entity, s.id, x.day
    ON CONFLICT DO UPDATE SET n = n + excluded.n;

-- Coverage per delivery, account, Region and day: hours with records and
-- their records, and the first and last such hour. A principal's panel at
-- a year's scope reads 365 rows per delivery instead of 8,760; hours in
-- the scope's partial first and last days still come from coverage.
CREATE TABLE coverage_delivery_day (
    account    TEXT NOT NULL,
    delivery   INTEGER NOT NULL,
    region     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    day        INTEGER NOT NULL,
    hours      INTEGER NOT NULL,
    records    INTEGER NOT NULL,
    first_hour INTEGER NOT NULL,
    last_hour  INTEGER NOT NULL,
    PRIMARY KEY (account, delivery, region, kind, day)
) WITHOUT ROWID;

INSERT INTO coverage_delivery_day (account, delivery, region, kind, day, hours, records, first_hour, last_hour)
    SELECT account, delivery, region, kind, hour - hour % 86400, count(*), sum(records), min(hour), max(hour)
    FROM coverage GROUP BY account, delivery, region, kind, hour - hour % 86400;

CREATE TRIGGER coverage_delivery_insert AFTER INSERT ON coverage BEGIN
    INSERT INTO coverage_delivery_day (account, delivery, region, kind, day, hours, records, first_hour, last_hour)
    VALUES (NEW.account, NEW.delivery, NEW.region, NEW.kind, NEW.hour - NEW.hour % 86400, 1, NEW.records, NEW.hour, NEW.hour)
    ON CONFLICT DO UPDATE SET hours = hours + 1, records = records + excluded.records,
        first_hour = min(first_hour, excluded.first_hour), last_hour = max(last_hour, excluded.last_hour);
END;

CREATE TRIGGER coverage_delivery_update AFTER UPDATE OF records ON coverage BEGIN
    UPDATE coverage_delivery_day SET records = records + NEW.records - OLD.records
    WHERE account = NEW.account AND delivery = NEW.delivery AND region = NEW.region AND kind = NEW.kind
        AND day = NEW.hour - NEW.hour % 86400;
END;

CREATE TRIGGER coverage_delivery_delete AFTER DELETE ON coverage BEGIN
    UPDATE coverage_delivery_day SET hours = hours - 1, records = records - OLD.records,
        first_hour = coalesce((SELECT min(hour) FROM coverage WHERE delivery = OLD.delivery AND account = OLD.account
            AND region = OLD.region AND kind = OLD.kind AND hour >= day AND hour < day + 86400), first_hour),
        last_hour = coalesce((SELECT max(hour) FROM coverage WHERE delivery = OLD.delivery AND account = OLD.account
            AND region = OLD.region AND kind = OLD.kind AND hour >= day AND hour < day + 86400), last_hour)
    WHERE account = OLD.account AND delivery = OLD.delivery AND region = OLD.region AND kind = OLD.kind
        AND day = OLD.hour - OLD.hour % 86400;
    DELETE FROM coverage_delivery_day WHERE account = OLD.account AND delivery = OLD.delivery
        AND region = OLD.region AND kind = OLD.kind AND day = OLD.hour - OLD.hour % 86400 AND hours <= 0;
END;
