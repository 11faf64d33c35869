-- Sign-in with OpenID Connect (citizens through VNeID, staff through the organisation's provider).
-- oidc_attempts: one row per sign-in in flight, keyed by the SHA-256 of the `state` sent to the
-- provider; it holds the nonce and the PKCE verifier and is deleted when the provider sends the
-- browser back (single use), or once expired. citizen_sessions: a signed-in citizen, keyed by the
-- SHA-256 of the random token in their cookie, with the identity number taken from the verified
-- ID token. Instants are epoch milliseconds (UTC).

CREATE TABLE oidc_attempts (
    state_hash    TEXT PRIMARY KEY,
    audience      TEXT NOT NULL,
    nonce         TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL
);
CREATE INDEX oidc_attempts_expiry ON oidc_attempts (expires_at);

CREATE TABLE citizen_sessions (
    token_hash TEXT PRIMARY KEY,
    id_number  TEXT NOT NULL,
    full_name  TEXT NOT NULL,
    issuer     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX citizen_sessions_expiry ON citizen_sessions (expires_at);

-- "Hồ sơ của tôi": a signed-in citizen's dossiers, found by the applicant's identity number.
CREATE INDEX dossiers_applicant ON dossiers (json_extract(data, '$.applicant.id_number'), id);
