package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"clearinghouse/api"
	"clearinghouse/store"
)

// ClearingHouseID is the clearing house's own organisation, to which
// operators and admins belong.
const ClearingHouseID = "CH"

// Seed describes the accounts to create at start-up.
type Seed struct {
	Operator string
	Password string
	// Demo adds the seed's example: brokers A, B and C, a user for each
	// and an admin, all with the bootstrap password.
	Demo bool
}

// Bootstrap creates the clearing house's organisation, the first operator
// when no user exists yet, and the demo data when asked. Running it again
// changes nothing. It returns the login ids it created.
func Bootstrap(ctx context.Context, st *store.Store, seed Seed, now time.Time) ([]string, error) {
	ch := store.Organization{
		ID: ClearingHouseID, Name: "清算機関", Kind: store.KindClearingHouse, Active: true, CreatedAt: now,
	}
	if err := st.EnsureOrganization(ctx, ch); err != nil {
		return nil, err
	}
	var created []string
	n, err := st.CountUsers(ctx)
	if err != nil {
		return nil, err
	}
	if n == 0 && seed.Operator != "" {
		if err := ensureUser(ctx, st, store.User{LoginID: seed.Operator, Role: store.RoleOperator,
			OrganizationID: ch.ID, CreatedAt: now}, seed.Password); err != nil {
			return nil, err
		}
		created = append(created, seed.Operator)
	}
	if !seed.Demo {
		return created, nil
	}
	more, err := seedDemo(ctx, st, seed.Password, now)
	return append(created, more...), err
}

// demoBrokers are the seed's example organisations.
var demoBrokers = []store.Organization{
	{ID: "A", Name: "データブローカーA"},
	{ID: "B", Name: "データブローカーB"},
	{ID: "C", Name: "データブローカーC"},
}

func seedDemo(ctx context.Context, st *store.Store, password string, now time.Time) ([]string, error) {
	var created []string
	for _, b := range demoBrokers {
		b.Kind, b.Active, b.CreatedAt = store.KindBroker, true, now
		if err := st.EnsureOrganization(ctx, b); err != nil {
			return nil, err
		}
	}
	users := []struct{ login, role, org string }{
		{"broker-a", store.RoleBroker, "A"},
		{"broker-b", store.RoleBroker, "B"},
		{"broker-c", store.RoleBroker, "C"},
		{"admin", store.RoleAdmin, ClearingHouseID},
	}
	for _, u := range users {
		_, err := st.UserByLogin(ctx, u.login)
		if err == nil {
			continue
		}
		if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if err := ensureUser(ctx, st, store.User{LoginID: u.login, Role: u.role,
			OrganizationID: u.org, CreatedAt: now}, password); err != nil {
			return nil, err
		}
		created = append(created, u.login)
	}
	return created, nil
}

func ensureUser(ctx context.Context, st *store.Store, want store.User, password string) error {
	login := want.LoginID
	u, err := api.NewLocalUser(login, password, want.Role, want.OrganizationID, want.CreatedAt)
	if err != nil {
		return err
	}
	_, err = st.CreateUser(ctx, u)
	if errors.Is(err, store.ErrConflict) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("creating user %s: %w", login, err)
	}
	return nil
}
