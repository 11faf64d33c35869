-- Payments of dossier fees. The state moves only as the domain allows (a paid payment never
-- changes again); every transition is also an event in the dossier's hash chain, written in the
-- same transaction. Instants are epoch milliseconds (UTC); amounts are whole đồng.
-- next_check_at: when the reconciliation job next asks the gateway (NULL: no more checks).

CREATE TABLE payments (
    id               INTEGER PRIMARY KEY,
    reference        TEXT NOT NULL UNIQUE,
    dossier_code     TEXT NOT NULL,
    unit             TEXT NOT NULL,
    method           TEXT NOT NULL,
    amount           INTEGER NOT NULL,
    state            TEXT NOT NULL,
    order_info       TEXT NOT NULL,
    gateway_txn      TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    paid_at          INTEGER,
    next_check_at    INTEGER,
    checks           INTEGER NOT NULL DEFAULT 0,
    last_check_error TEXT
);
CREATE INDEX payments_dossier ON payments (dossier_code);
CREATE INDEX payments_check ON payments (next_check_at) WHERE next_check_at IS NOT NULL;

-- What a gateway or bank said that disagreed with our record (the daily mismatch report).
CREATE TABLE payment_mismatches (
    id        INTEGER PRIMARY KEY,
    reference TEXT NOT NULL,
    source    TEXT NOT NULL,
    ours      TEXT NOT NULL,
    theirs    TEXT NOT NULL,
    detail    TEXT NOT NULL,
    at        INTEGER NOT NULL
);
CREATE INDEX payment_mismatches_at ON payment_mismatches (at);

-- Credits of imported bank statements and what they were matched to.
-- status: 'matched', 'unmatched', 'ambiguous', 'resolved' (by an officer).
CREATE TABLE bank_credits (
    id          INTEGER PRIMARY KEY,
    unit        TEXT NOT NULL,
    bank_ref    TEXT NOT NULL,
    booked_on   TEXT NOT NULL,
    amount      INTEGER NOT NULL,
    memo        TEXT NOT NULL,
    status      TEXT NOT NULL,
    payment_ref TEXT,
    candidates  TEXT NOT NULL,
    imported_at INTEGER NOT NULL,
    UNIQUE (unit, bank_ref)
);
CREATE INDEX bank_credits_open ON bank_credits (unit, status);
