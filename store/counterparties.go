package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Counterparty is a data broker with its billing and payout details.
type Counterparty struct {
	ID                 string    `json:"id"`
	Name               string    `json:"name"`
	Active             bool      `json:"active"`
	NameKana           string    `json:"name_kana"`
	RegistrationNumber string    `json:"registration_number"`
	PostalCode         string    `json:"postal_code"`
	Address            string    `json:"address"`
	BillingEmail       string    `json:"billing_email"`
	BankCode           string    `json:"bank_code"`
	BranchCode         string    `json:"branch_code"`
	AccountType        string    `json:"account_type"`
	AccountNumber      string    `json:"account_number"`
	AccountHolderKana  string    `json:"account_holder_kana"`
	UpdatedAt          time.Time `json:"updated_at"`
	UpdatedBy          string    `json:"updated_by"`
}

const counterpartySelect = `
	SELECT o.id, o.name, o.active,
	       coalesce(c.name_kana, '') AS name_kana,
	       coalesce(c.registration_number, '') AS registration_number,
	       coalesce(c.postal_code, '') AS postal_code, coalesce(c.address, '') AS address,
	       coalesce(c.billing_email, '') AS billing_email, coalesce(c.bank_code, '') AS bank_code,
	       coalesce(c.branch_code, '') AS branch_code, coalesce(c.account_type, '') AS account_type,
	       coalesce(c.account_number, '') AS account_number,
	       coalesce(c.account_holder_kana, '') AS account_holder_kana,
	       coalesce(c.updated_at, o.created_at) AS updated_at, coalesce(c.updated_by, '') AS updated_by
	FROM organizations o LEFT JOIN counterparties c ON c.organization_id = o.id
	WHERE o.kind = 'broker'`

// CounterpartyFilter selects counterparties: Query matches id, name or kana.
type CounterpartyFilter struct {
	Query      string
	ActiveOnly bool
	Limit      int
	Offset     int
}

// Counterparties searches the registry by id.
func (s *Store) Counterparties(ctx context.Context, f CounterpartyFilter) ([]Counterparty, error) {
	q := counterpartySelect
	args := []any{}
	if f.Query != "" {
		q += ` AND (o.id ILIKE ? OR o.name ILIKE ? OR c.name_kana ILIKE ?)`
		like := "%" + escapeLike(f.Query) + "%"
		args = append(args, like, like, like)
	}
	if f.ActiveOnly {
		q += ` AND o.active`
	}
	q += ` ORDER BY o.id LIMIT ? OFFSET ?`
	args = append(args, f.Limit, f.Offset)
	var out []Counterparty
	if err := s.db.WithContext(ctx).Raw(q, args...).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("searching counterparties: %w", err)
	}
	return out, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// CounterpartyByID returns one counterparty.
func (s *Store) CounterpartyByID(ctx context.Context, id string) (Counterparty, error) {
	return counterpartyByID(s.db.WithContext(ctx), id)
}

func counterpartyByID(db *gorm.DB, id string) (Counterparty, error) {
	var out []Counterparty
	if err := db.Raw(counterpartySelect+` AND o.id = ?`, id).Scan(&out).Error; err != nil {
		return Counterparty{}, fmt.Errorf("reading counterparty: %w", err)
	}
	if len(out) == 0 {
		return Counterparty{}, ErrNotFound
	}
	return out[0], nil
}

// CreateCounterparty registers a broker organisation with its details.
func (s *Store) CreateCounterparty(ctx context.Context, c Counterparty) (Counterparty, error) {
	var created Counterparty
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Exec(`INSERT INTO organizations (id, name, kind, active, created_at)
			VALUES (?, ?, 'broker', true, ?)`, c.ID, c.Name, c.UpdatedAt).Error
		if err != nil {
			return err
		}
		if err := upsertDetails(tx, c); err != nil {
			return err
		}
		created, err = counterpartyByID(tx, c.ID)
		if err != nil {
			return err
		}
		return audit(tx, "counterparty", c.ID, "create", c.UpdatedBy, c.UpdatedAt, nil, created)
	})
	if isUniqueViolation(err) {
		return Counterparty{}, ErrConflict
	}
	if err != nil {
		return Counterparty{}, fmt.Errorf("creating counterparty: %w", err)
	}
	return created, nil
}

// UpdateCounterparty replaces a counterparty's name and details, keeping
// the before and after in the audit log.
func (s *Store) UpdateCounterparty(ctx context.Context, c Counterparty) (Counterparty, error) {
	var updated Counterparty
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		before, err := counterpartyByID(tx, c.ID)
		if err != nil {
			return err
		}
		if c.sameDetails(before) {
			updated = before // nothing changes, nothing to audit
			return nil
		}
		if err := tx.Exec(`UPDATE organizations SET name = ? WHERE id = ?`, c.Name, c.ID).Error; err != nil {
			return err
		}
		if err := upsertDetails(tx, c); err != nil {
			return err
		}
		if updated, err = counterpartyByID(tx, c.ID); err != nil {
			return err
		}
		return audit(tx, "counterparty", c.ID, "update", c.UpdatedBy, c.UpdatedAt, before, updated)
	})
	if err != nil {
		return Counterparty{}, fmt.Errorf("updating counterparty: %w", err)
	}
	return updated, nil
}

// SetCounterpartyActive activates or deactivates a broker. An inactive
// broker's new contracts are refused; its history stays.
// change carries the id, the wanted Active flag, UpdatedBy and UpdatedAt.
func (s *Store) SetCounterpartyActive(ctx context.Context, change Counterparty) (Counterparty, error) {
	id, active, actor, at := change.ID, change.Active, change.UpdatedBy, change.UpdatedAt
	var after Counterparty
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		before, err := counterpartyByID(tx, id)
		if err != nil {
			return err
		}
		if before.Active == active {
			after = before // already so: nothing to change or audit
			return nil
		}
		if err := tx.Exec(`UPDATE organizations SET active = ? WHERE id = ?`, active, id).Error; err != nil {
			return err
		}
		if after, err = counterpartyByID(tx, id); err != nil {
			return err
		}
		action := "deactivate"
		if active {
			action = "activate"
		}
		return audit(tx, "counterparty", id, action, actor, at, before, after)
	})
	if err != nil {
		return Counterparty{}, fmt.Errorf("changing counterparty: %w", err)
	}
	return after, nil
}

// sameDetails reports whether c changes nothing of current but who and
// when.
func (c Counterparty) sameDetails(current Counterparty) bool {
	c.Active, c.UpdatedAt, c.UpdatedBy = current.Active, current.UpdatedAt, current.UpdatedBy
	return c == current
}

func upsertDetails(tx *gorm.DB, c Counterparty) error {
	return tx.Exec(`
		INSERT INTO counterparties (organization_id, name_kana, registration_number, postal_code,
		    address, billing_email, bank_code, branch_code, account_type, account_number,
		    account_holder_kana, updated_at, updated_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (organization_id) DO UPDATE SET
		    name_kana = EXCLUDED.name_kana, registration_number = EXCLUDED.registration_number,
		    postal_code = EXCLUDED.postal_code, address = EXCLUDED.address,
		    billing_email = EXCLUDED.billing_email, bank_code = EXCLUDED.bank_code,
		    branch_code = EXCLUDED.branch_code, account_type = EXCLUDED.account_type,
		    account_number = EXCLUDED.account_number,
		    account_holder_kana = EXCLUDED.account_holder_kana,
		    updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
		c.ID, c.NameKana, optional(c.RegistrationNumber), c.PostalCode, c.Address, c.BillingEmail,
		optional(c.BankCode), optional(c.BranchCode), optional(c.AccountType),
		optional(c.AccountNumber), c.AccountHolderKana, c.UpdatedAt, c.UpdatedBy).Error
}
