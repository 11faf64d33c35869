-- Motcua schema, PostgreSQL flavour; same tables and columns as the SQLite one.
-- Instants are epoch milliseconds (UTC); calendar dates are 'YYYY-MM-DD' text.

CREATE TABLE units (
    code          TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    parent        TEXT,
    agency        TEXT NOT NULL UNIQUE,
    working_hours TEXT NOT NULL
);
CREATE INDEX units_parent ON units (parent);

CREATE TABLE procedures (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    field       TEXT NOT NULL,
    search_text TEXT NOT NULL,
    field_folded TEXT NOT NULL,
    data        TEXT NOT NULL
);

CREATE TABLE dossier_sequences (
    agency TEXT NOT NULL,
    day    TEXT NOT NULL,
    last   BIGINT NOT NULL,
    PRIMARY KEY (agency, day)
);

CREATE TABLE dossiers (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code                TEXT NOT NULL UNIQUE,
    procedure_code      TEXT NOT NULL,
    receiving_unit      TEXT NOT NULL,
    handling_unit       TEXT NOT NULL,
    province            TEXT NOT NULL,
    channel             BIGINT NOT NULL,
    status              BIGINT NOT NULL,
    submitted_at        BIGINT NOT NULL,
    received_at         BIGINT,
    due_at              BIGINT,
    ended_at            BIGINT,
    supplement_requests BIGINT NOT NULL,
    secret_hash         TEXT NOT NULL,
    version             BIGINT NOT NULL,
    last_hash           TEXT NOT NULL,
    last_event_at       BIGINT NOT NULL,
    data                TEXT NOT NULL
);
CREATE INDEX dossiers_receiving ON dossiers (receiving_unit, id);
CREATE INDEX dossiers_handling ON dossiers (handling_unit, id);
CREATE INDEX dossiers_province ON dossiers (province, id);
CREATE INDEX dossiers_status ON dossiers (status, id);
CREATE INDEX dossiers_due ON dossiers (due_at);

CREATE TABLE dossier_events (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dossier_id    BIGINT NOT NULL REFERENCES dossiers (id),
    seq           BIGINT NOT NULL,
    at            BIGINT NOT NULL,
    actor         TEXT NOT NULL,
    command       TEXT NOT NULL,
    before_status BIGINT,
    after_status  BIGINT NOT NULL,
    data          TEXT NOT NULL,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL,
    UNIQUE (dossier_id, seq)
);

CREATE TABLE staff (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    full_name     TEXT NOT NULL,
    role          TEXT NOT NULL,
    unit          TEXT NOT NULL,
    password_hash TEXT NOT NULL
);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    staff_id   BIGINT NOT NULL REFERENCES staff (id),
    expires_at BIGINT NOT NULL
);

CREATE TABLE calendar_amendments (
    version BIGINT PRIMARY KEY,
    day     TEXT NOT NULL,
    working BIGINT NOT NULL,
    reason  TEXT NOT NULL
);
