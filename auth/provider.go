package auth

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"clearinghouse/store"
)

// ErrInvalidCredentials is the one answer to a wrong login id or a wrong
// password: callers must not learn which.
var ErrInvalidCredentials = errors.New("login id or password is incorrect")

// Identity is who the identity provider says signed in.
type Identity struct {
	// Subject is the provider's stable id of the user (Cognito's sub).
	Subject       string
	EmailVerified bool
}

// IdentityProvider checks a login id and password. The local provider serves
// dev and tests; a Cognito provider implements the same in production.
type IdentityProvider interface {
	Authenticate(ctx context.Context, loginID, password string) (Identity, error)
}

// LocalProvider checks passwords against the users table's argon2id hashes.
type LocalProvider struct {
	Store  *store.Store
	Params HashParams

	dummyOnce sync.Once
	dummy     string
}

// Authenticate verifies loginID and password. An unknown login id costs as
// much time as a wrong password, so timing tells nothing either.
func (p *LocalProvider) Authenticate(ctx context.Context, loginID, password string) (Identity, error) {
	u, err := p.Store.UserByLogin(ctx, loginID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.PasswordHash == "") {
		p.burn(password)
		return Identity{}, ErrInvalidCredentials
	}
	if err != nil {
		return Identity{}, fmt.Errorf("finding user: %w", err)
	}
	ok, err := VerifyPassword(password, u.PasswordHash)
	if err != nil {
		return Identity{}, fmt.Errorf("verifying password of user %d: %w", u.ID, err)
	}
	if !ok {
		return Identity{}, ErrInvalidCredentials
	}
	return Identity{Subject: u.Subject, EmailVerified: u.EmailVerified}, nil
}

// burn spends the time of one verification on a hash that matches nothing.
func (p *LocalProvider) burn(password string) {
	p.dummyOnce.Do(func() {
		p.dummy, _ = HashPassword("no user has this password", p.Params)
	})
	_, _ = VerifyPassword(password, p.dummy)
}
