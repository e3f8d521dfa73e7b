-- Browser sign-ins live on the server, so that signing out, a new password, a reset,
-- deactivation or a lockout ends them even where a copy of the cookie survives.
-- The cookie carries a random secret; only its SHA-256 is stored here.
CREATE TABLE sign_ins (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX sign_ins_account_id_idx ON sign_ins (account_id);
