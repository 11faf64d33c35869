-- Community support days: a unit's neighborhoods (khu phố / ấp), its helpers (staff and
-- volunteers), and weekly sessions (weekday code, first/last date 'YYYY-MM-DD', local times
-- 'HH:MM') with their helpers. Assisted dossiers are read from their `record_assistance` events.

CREATE TABLE support_neighborhoods (
    id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit TEXT NOT NULL,
    name TEXT NOT NULL,
    note TEXT NOT NULL,
    UNIQUE (unit, name)
);

CREATE TABLE support_helpers (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit         TEXT NOT NULL,
    name         TEXT NOT NULL,
    organisation TEXT NOT NULL,
    phone        TEXT
);
CREATE INDEX support_helpers_unit ON support_helpers (unit);

CREATE TABLE support_sessions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit         TEXT NOT NULL,
    neighborhood BIGINT NOT NULL REFERENCES support_neighborhoods (id),
    place        TEXT NOT NULL,
    weekday      TEXT NOT NULL,
    first_day    TEXT NOT NULL,
    last_day     TEXT NOT NULL,
    starts       TEXT NOT NULL,
    ends         TEXT NOT NULL
);
CREATE INDEX support_sessions_unit ON support_sessions (unit);

CREATE TABLE support_session_helpers (
    session BIGINT NOT NULL REFERENCES support_sessions (id),
    helper  BIGINT NOT NULL REFERENCES support_helpers (id),
    PRIMARY KEY (session, helper)
);
