-- Account names from AWS Organizations (ListAccounts), and the daily
-- rollup of logging coverage that the accounts page reads.

-- One row per account Organizations listed; fetched_at is unix seconds of
-- the ListAccounts call that last named it.
CREATE TABLE account_name (
    account    TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    email      TEXT NOT NULL,
    status     TEXT NOT NULL,
    fetched_at INTEGER NOT NULL
) WITHOUT ROWID;

-- coverage summed per account, Region and UTC day, CloudTrail records and
-- flow records apart, over every delivery. A graph of 1,500 accounts in
-- four Regions over a year holds 52 million hourly coverage rows but 2
-- million of these; the accounts page reads 30 days of them. Account and
-- Region first: the page walks coverage_span and seeks each one's last 30
-- days, already in the order it groups by.
CREATE TABLE coverage_day (
    account  TEXT NOT NULL,
    region   TEXT NOT NULL,
    day      INTEGER NOT NULL,
    trail    INTEGER NOT NULL,
    flow     INTEGER NOT NULL,
    PRIMARY KEY (account, region, day)
) WITHOUT ROWID;

-- The first and last hour of coverage of each account and Region, so the
-- page need not scan a year of rows for them.
CREATE TABLE coverage_span (
    account    TEXT NOT NULL,
    region     TEXT NOT NULL,
    first_hour INTEGER NOT NULL,
    last_hour  INTEGER NOT NULL,
    PRIMARY KEY (account, region)
) WITHOUT ROWID;

-- Triggers keep both exact whatever writes coverage: the writer's upsert,
-- retention's prune, a purge. No Go code has to remember them.
CREATE TRIGGER coverage_rollup_insert AFTER INSERT ON coverage BEGIN
    INSERT INTO coverage_day (day, account, region, trail, flow)
    VALUES (NEW.hour - NEW.hour % 86400, NEW.account, NEW.region,
            CASE WHEN NEW.kind = 'cloudtrail' THEN NEW.records ELSE 0 END,
            CASE WHEN NEW.kind = 'cloudtrail' THEN 0 ELSE NEW.records END)
    ON CONFLICT DO UPDATE SET trail = trail + excluded.trail, flow = flow + excluded.flow;
    INSERT INTO coverage_span (account, region, first_hour, last_hour)
    VALUES (NEW.account, NEW.region, NEW.hour, NEW.hour)
    ON CONFLICT DO UPDATE SET first_hour = min(first_hour, excluded.first_hour),
        last_hour = max(last_hour, excluded.last_hour);
END;

CREATE TRIGGER coverage_rollup_update AFTER UPDATE OF records ON coverage BEGIN
    UPDATE coverage_day SET
        trail = trail + CASE WHEN NEW.kind = 'cloudtrail' THEN NEW.records - OLD.records ELSE 0 END,
        flow = flow + CASE WHEN NEW.kind = 'cloudtrail' THEN 0 ELSE NEW.records - OLD.records END
    WHERE day = NEW.hour - NEW.hour % 86400 AND account = NEW.account AND region = NEW.region;
END;

CREATE TRIGGER coverage_rollup_delete AFTER DELETE ON coverage BEGIN
    UPDATE coverage_day SET
        trail = trail - CASE WHEN OLD.kind = 'cloudtrail' THEN OLD.records ELSE 0 END,
        flow = flow - CASE WHEN OLD.kind = 'cloudtrail' THEN 0 ELSE OLD.records END
    WHERE day = OLD.hour - OLD.hour % 86400 AND account = OLD.account AND region = OLD.region;
    DELETE FROM coverage_day
    WHERE day = OLD.hour - OLD.hour % 86400 AND account = OLD.account AND region = OLD.region
        AND trail <= 0 AND flow <= 0;
    -- Only a row at either end of the span moves it; coverage_by_account
    -- (account, hour) finds the new end in a few steps.
    UPDATE coverage_span SET
        first_hour = coalesce((SELECT hour FROM coverage WHERE account = OLD.account AND region = OLD.region
            ORDER BY hour LIMIT 1), first_hour),
        last_hour = coalesce((SELECT hour FROM coverage WHERE account = OLD.account AND region = OLD.region
            ORDER BY hour DESC LIMIT 1), last_hour)
    WHERE account = OLD.account AND region = OLD.region
        AND (first_hour = OLD.hour OR last_hour = OLD.hour);
    -- An end that did not move had nothing left after it.
    DELETE FROM coverage_span WHERE account = OLD.account AND region = OLD.region
        AND CASE WHEN first_hour = OLD.hour OR last_hour = OLD.hour
            THEN NOT EXISTS (SELECT 1 FROM coverage WHERE account = OLD.account AND region = OLD.region)
            ELSE 0 END;
END;

-- Graphs built before this migration get their rollups from what they hold.
INSERT INTO coverage_day (day, account, region, trail, flow)
SELECT hour - hour % 86400, account, region,
       sum(CASE WHEN kind = 'cloudtrail' THEN records ELSE 0 END),
       sum(CASE WHEN kind = 'cloudtrail' THEN 0 ELSE records END)
FROM coverage GROUP BY 1, 2, 3;

INSERT INTO coverage_span (account, region, first_hour, last_hour)
SELECT account, region, min(hour), max(hour) FROM coverage GROUP BY 1, 2;
