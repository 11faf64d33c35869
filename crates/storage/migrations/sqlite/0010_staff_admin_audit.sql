-- Staff accounts can be disabled (a disabled account cannot sign in and holds no token), and
-- every administration change leaves an audit record written in the change's own transaction:
-- who (actor id, NULL for the system, and name), when (epoch ms, UTC), what (kind, subject) and the values before
-- and after as JSON text (NULL when there was none).

ALTER TABLE staff ADD COLUMN active INTEGER NOT NULL DEFAULT 1;

CREATE INDEX api_tokens_staff ON api_tokens (staff_id);

CREATE TABLE admin_audit (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    actor_id INTEGER REFERENCES staff (id),
    actor    TEXT NOT NULL,
    kind     TEXT NOT NULL,
    subject  TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT
);

CREATE INDEX admin_audit_kind ON admin_audit (kind, id);
