-- Notifications, continued: a unit's own message templates, the unit each notice is sent for
-- (whose templates apply), and a citizen's chosen channel order.
-- notify_templates: a unit's override of one notice kind's default template (checked before
-- saving: only known placeholders). Instants are epoch milliseconds (UTC).
CREATE TABLE notify_templates (
    unit_code  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    sms        TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (unit_code, kind)
);
-- The unit whose templates render the notice (the receiving unit of a dossier, the unit of a
-- petition); NULL on rows queued before this migration (the defaults apply).
ALTER TABLE notify_outbox ADD COLUMN unit_code TEXT;
-- A citizen's channel order, e.g. 'zns,sms,email' (the first reachable is used, the next is its
-- fallback), keyed by the personal identification number.
CREATE TABLE notify_preferences (
    citizen_id TEXT PRIMARY KEY,
    channels   TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
