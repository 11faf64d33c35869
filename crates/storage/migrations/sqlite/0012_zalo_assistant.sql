-- The Zalo OA assistant. zalo_messages: citizens' messages, each Zalo msg_id once (a replayed
-- event is ignored); needs_human = 1 with answered_at NULL is the back office's queue.
-- zalo_outbox: replies to send through the OA's message API (the assistant's, written in the
-- transaction that recorded the message, and officers'), retried until Zalo takes them;
-- status 'queued' (waiting or retrying), 'sent' (provider_id = Zalo's message_id), 'failed'.
-- zalo_tokens: the OA's access and refresh tokens, refreshed when Zalo answers -216.
-- Instants are epoch milliseconds (UTC).

CREATE TABLE zalo_messages (
    id             INTEGER PRIMARY KEY,
    unit_code      TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    msg_id         TEXT NOT NULL UNIQUE,
    text           TEXT NOT NULL,
    intent         TEXT NOT NULL,
    procedure_code TEXT,
    needs_human    INTEGER NOT NULL,
    answered_at    INTEGER,
    answered_by    TEXT,
    received_at    INTEGER NOT NULL
);
CREATE INDEX zalo_messages_waiting ON zalo_messages (unit_code, received_at) WHERE needs_human = 1 AND answered_at IS NULL;
CREATE INDEX zalo_messages_user ON zalo_messages (user_id, received_at);

CREATE TABLE zalo_outbox (
    id              INTEGER PRIMARY KEY,
    unit_code       TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    in_reply_to     INTEGER,
    text            TEXT NOT NULL,
    sender          TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    next_at         INTEGER NOT NULL,
    locked_until    INTEGER,
    provider_id     TEXT,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX zalo_outbox_queued ON zalo_outbox (next_at) WHERE status = 'queued';
CREATE INDEX zalo_outbox_user ON zalo_outbox (user_id, created_at);

CREATE TABLE zalo_tokens (
    app_id        TEXT PRIMARY KEY,
    access_token  TEXT NOT NULL,
    refresh_token TEXT NOT NULL,
    expires_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
