-- Zalo ZNS OAuth tokens, shared by every app server of the database: a restart keeps a
-- refreshed token, and the single-use refresh token is spent by one server only. A refresh is
-- claimed by compare-and-swap on (generation, refreshing_until); the winner stores the new pair
-- and bumps the generation, the others re-read it. Instants are epoch milliseconds (UTC).
CREATE TABLE zns_tokens (
    app_id           TEXT PRIMARY KEY,
    access_token     TEXT NOT NULL,
    refresh_token    TEXT NOT NULL,
    generation       BIGINT NOT NULL,
    refreshing_until BIGINT,
    updated_at       BIGINT NOT NULL
);
