package store

import (
	"context"
	"fmt"
	"time"
)

// Organisation kinds.
const (
	KindBroker        = "broker"
	KindClearingHouse = "clearing_house"
)

// Organization is a data broker or the clearing house itself.
type Organization struct {
	ID        string
	Name      string
	Kind      string
	Active    bool
	CreatedAt time.Time
}

type organizationRow struct {
	ID        string `gorm:"primaryKey"`
	Name      string
	Kind      string
	Active    bool
	CreatedAt time.Time
}

func (organizationRow) TableName() string { return "organizations" }

func (r organizationRow) toOrganization() Organization {
	return Organization(r)
}

// CreateOrganization registers an organisation. An existing id gives
// ErrConflict.
func (s *Store) CreateOrganization(ctx context.Context, o Organization) error {
	row := organizationRow(o)
	err := s.db.WithContext(ctx).Create(&row).Error
	if isUniqueViolation(err) {
		return ErrConflict
	}
	if err != nil {
		return fmt.Errorf("creating organization: %w", err)
	}
	return nil
}

// EnsureOrganization registers an organisation unless its id exists already.
func (s *Store) EnsureOrganization(ctx context.Context, o Organization) error {
	row := organizationRow(o)
	err := s.db.WithContext(ctx).
		Exec(`INSERT INTO organizations (id, name, kind, active, created_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
			row.ID, row.Name, row.Kind, row.Active, row.CreatedAt).Error
	if err != nil {
		return fmt.Errorf("ensuring organization %s: %w", o.ID, err)
	}
	return nil
}

// Organization returns one organisation by id.
func (s *Store) Organization(ctx context.Context, id string) (Organization, error) {
	var row organizationRow
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if err != nil {
		return Organization{}, notFound(err)
	}
	return row.toOrganization(), nil
}

// Brokers lists the data-broker organisations ordered by id.
func (s *Store) Brokers(ctx context.Context) ([]Organization, error) {
	var rows []organizationRow
	err := s.db.WithContext(ctx).Where("kind = ?", KindBroker).Order("id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("listing brokers: %w", err)
	}
	orgs := make([]Organization, len(rows))
	for i, r := range rows {
		orgs[i] = r.toOrganization()
	}
	return orgs, nil
}

// UnknownBrokers returns those of ids that are not active data brokers.
func (s *Store) UnknownBrokers(ctx context.Context, ids []string) ([]string, error) {
	var known []string
	err := s.db.WithContext(ctx).Model(&organizationRow{}).
		Where("id IN ? AND kind = ? AND active", ids, KindBroker).
		Pluck("id", &known).Error
	if err != nil {
		return nil, fmt.Errorf("checking brokers: %w", err)
	}
	isKnown := make(map[string]bool, len(known))
	for _, id := range known {
		isKnown[id] = true
	}
	var unknown []string
	for _, id := range ids {
		if !isKnown[id] {
			unknown = append(unknown, id)
		}
	}
	return unknown, nil
}
