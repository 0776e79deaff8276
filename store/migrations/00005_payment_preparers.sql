-- +goose Up

-- Everyone who prepared a payment (registered it, changed it, attached its
-- statement): none of them may approve it.
ALTER TABLE payments ADD COLUMN preparers text[] NOT NULL DEFAULT '{}';
UPDATE payments SET preparers = ARRAY[created_by];
ALTER TABLE payments ADD CONSTRAINT payments_four_eyes
    CHECK (approved_by IS NULL OR NOT approved_by = ANY (preparers));

-- +goose Down
ALTER TABLE payments DROP CONSTRAINT payments_four_eyes;
ALTER TABLE payments DROP COLUMN preparers;
