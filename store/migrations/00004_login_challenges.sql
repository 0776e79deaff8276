-- +goose Up

-- One-time codes for users whose e-mail address is not verified yet: the
-- code is mailed, and only its hash is kept.
CREATE TABLE login_challenges (
    token_hash bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  bytea NOT NULL,
    attempts   integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE login_challenges;
