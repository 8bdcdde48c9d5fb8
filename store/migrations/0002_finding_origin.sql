-- Where the console learned of a finding from the GuardDuty API: the
-- Region and detector it was fetched through, the account whose
-- credentials fetched it, and that detector's part in GuardDuty's
-- administrator/member scheme (an administrator's detector lists its
-- members' findings too, and only it may archive them). Findings read from
-- files have no row. One row per (finding, Region, detector): the same
-- finding may come through its member's detector and its administrator's.
CREATE TABLE finding_origin (
    finding       TEXT NOT NULL,    -- the GuardDuty finding id
    region        TEXT NOT NULL,
    detector      TEXT NOT NULL,
    account       TEXT NOT NULL,    -- the account of the credentials; '' when unknown
    role          TEXT NOT NULL,    -- administrator, member, standalone or unknown
    administrator TEXT NOT NULL,    -- a member's administrator account, else ''
    fetched_at    INTEGER NOT NULL, -- unix seconds of the last GetFindings that returned it
    PRIMARY KEY (finding, region, detector)
) WITHOUT ROWID;

-- Archive decisions made in the console. A local one (local = 1) is the
-- console's own mark, which GuardDuty never sees: it overrides the
-- archived state of every update ingested after it, until the user
-- changes it again. One made in GuardDuty (local = 0) is a record of the
-- ArchiveFindings / UnarchiveFindings call; the finding's next update from
-- GuardDuty carries the state itself.
CREATE TABLE finding_archive (
    finding  TEXT PRIMARY KEY,  -- the GuardDuty finding id
    archived INTEGER NOT NULL,
    local    INTEGER NOT NULL,
    at       INTEGER NOT NULL   -- unix seconds
) WITHOUT ROWID;
