-- PAKN (phản ánh, kiến nghị): each petition's projection (JSON) with the columns that lists and
-- the 766 index filter on, its events in order, and a per-unit daily counter for the codes
-- PAKN-{unit}-{yyMMdd}-{NNNN}. Instants are epoch milliseconds (UTC).

CREATE TABLE petitions (
    code         TEXT PRIMARY KEY,
    unit         TEXT NOT NULL,
    province     TEXT NOT NULL,
    status       TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    settle_due   BIGINT NOT NULL,
    ended_at     BIGINT,
    secret_hash  TEXT NOT NULL,
    data         TEXT NOT NULL
);
CREATE INDEX petitions_unit ON petitions (unit, submitted_at);
CREATE INDEX petitions_province ON petitions (province, submitted_at);

CREATE TABLE petition_events (
    code  TEXT NOT NULL REFERENCES petitions (code),
    seq   BIGINT NOT NULL,
    at    BIGINT NOT NULL,
    actor TEXT NOT NULL,
    kind  TEXT NOT NULL,
    data  TEXT NOT NULL,
    PRIMARY KEY (code, seq)
);

CREATE TABLE petition_sequences (
    unit TEXT NOT NULL,
    day  TEXT NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (unit, day)
);
