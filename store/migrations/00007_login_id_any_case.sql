-- +goose Up

-- Login ids differing only in case would be two accounts a person cannot
-- tell apart ("operator" and "OPERATOR"): one per spelling, whatever the
-- case.
CREATE UNIQUE INDEX users_login_id_any_case ON users (lower(login_id));

-- +goose Down
DROP INDEX users_login_id_any_case;
