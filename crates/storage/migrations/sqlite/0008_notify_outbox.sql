-- The notification outbox: one row per (dossier change that concerns the citizen, channel),
-- written in the transaction of the change itself. idempotency_key = '{code}:{seq}:{channel}',
-- unique, so no event is ever sent twice on one channel. Instants are epoch milliseconds (UTC).
-- status: 'queued' (waiting or retrying), 'accepted' (the gateway took it), 'delivered'
-- (delivery report or SMTP acceptance), 'failed' (for good, with last_error).
-- fallback_*: the next channel, queued when this one fails for good.

CREATE TABLE notify_outbox (
    id                 INTEGER PRIMARY KEY,
    dossier_code       TEXT NOT NULL,
    seq                INTEGER NOT NULL,
    channel            TEXT NOT NULL,
    recipient          TEXT NOT NULL,
    fallback_channel   TEXT,
    fallback_recipient TEXT,
    notice             TEXT NOT NULL,
    idempotency_key    TEXT NOT NULL UNIQUE,
    status             TEXT NOT NULL,
    attempts           INTEGER NOT NULL,
    next_at            INTEGER NOT NULL,
    locked_until       INTEGER,
    provider_id        TEXT,
    last_error         TEXT,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX notify_outbox_queued ON notify_outbox (next_at) WHERE status = 'queued';
CREATE INDEX notify_outbox_dossier ON notify_outbox (dossier_code, seq);
CREATE INDEX notify_outbox_provider ON notify_outbox (provider_id);
