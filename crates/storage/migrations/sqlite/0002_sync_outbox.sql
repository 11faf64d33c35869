-- The sync outbox: one row per (connector, dossier change), written in the transaction of the
-- change itself (no dual writes). Delivered in per-dossier order by the sync worker.
-- status: 'queued' (waiting or retrying), 'delivered', 'dead' (attempts exhausted; blocks only
-- its own dossier until an operator replays it). Instants are epoch milliseconds (UTC).

CREATE TABLE sync_outbox (
    id              INTEGER PRIMARY KEY,
    connector       TEXT NOT NULL,
    dossier_code    TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    next_at         INTEGER NOT NULL,
    locked_until    INTEGER,
    last_error      TEXT,
    ack_id          TEXT,
    delivered_at    INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (connector, idempotency_key)
);
CREATE INDEX sync_outbox_queued ON sync_outbox (connector, next_at) WHERE status = 'queued';
CREATE INDEX sync_outbox_dossier ON sync_outbox (connector, dossier_code, seq);
CREATE INDEX sync_outbox_undelivered ON sync_outbox (connector, status, created_at) WHERE status <> 'delivered';
