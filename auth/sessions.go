package auth

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"clearinghouse/store"
)

// Errors of signing in besides ErrInvalidCredentials.
var (
	// ErrThrottled refuses a login while its login id or address is locked
	// after repeated failures.
	ErrThrottled = errors.New("too many failed logins; try again later")
	// ErrDisabled refuses a disabled account. It is given only to a caller
	// who knows the password, so it reveals nothing to a guesser.
	ErrDisabled = errors.New("account is disabled")
	// ErrNoSession means the cookie names no live session.
	ErrNoSession = errors.New("not signed in")
)

// SessionLifetime is how long a session lasts: one working day, so that a
// forgotten browser does not stay signed in overnight.
const SessionLifetime = 12 * time.Hour

// Throttling of failed logins. Five failures for one login id within fifteen
// minutes lock that login id for fifteen minutes; an address gets more room,
// since several people may share one, but not enough to sweep many ids.
var (
	ThrottlePerLogin   = store.ThrottleRule{MaxFailures: 5, Window: 15 * time.Minute, LockFor: 15 * time.Minute}
	ThrottlePerAddress = store.ThrottleRule{MaxFailures: 50, Window: 15 * time.Minute, LockFor: 15 * time.Minute}
)

// Service signs users in and out and resolves session tokens.
type Service struct {
	Store    *store.Store
	Provider IdentityProvider
	Now      func() time.Time
}

// Login checks the credentials and starts a session. It returns the
// session's token (for the cookie) and the session. A user whose address is
// not verified gets ErrVerificationRequired and a challenge to mail instead.
func (s *Service) Login(ctx context.Context, loginID, password, clientIP string) (string, store.Session, *Challenge, error) {
	token, sess, err := s.login(ctx, loginID, password, clientIP)
	var unverified *unverifiedError
	if errors.As(err, &unverified) {
		c, err := s.startChallenge(ctx, unverified.user, s.Now())
		if err != nil {
			return "", store.Session{}, nil, err
		}
		return "", store.Session{}, &c, ErrVerificationRequired
	}
	return token, sess, nil, err
}

// unverifiedError carries the user who must verify their address.
type unverifiedError struct{ user store.User }

func (e *unverifiedError) Error() string { return ErrVerificationRequired.Error() }

func (s *Service) login(ctx context.Context, loginID, password, clientIP string) (string, store.Session, error) {
	now := s.Now()
	keys := []string{"login:" + loginID, "ip:" + clientIP}
	rules := []store.ThrottleRule{ThrottlePerLogin, ThrottlePerAddress}
	for _, key := range keys {
		until, err := s.Store.LockedUntil(ctx, key, now)
		if err != nil {
			return "", store.Session{}, err
		}
		if !until.IsZero() {
			return "", store.Session{}, ErrThrottled
		}
	}

	id, err := s.Provider.Authenticate(ctx, loginID, password)
	if errors.Is(err, ErrInvalidCredentials) {
		for i, key := range keys {
			if err := s.Store.RecordFailure(ctx, key, now, rules[i]); err != nil {
				return "", store.Session{}, err
			}
		}
		return "", store.Session{}, ErrInvalidCredentials
	}
	if err != nil {
		return "", store.Session{}, err
	}
	if err := s.Store.ClearFailures(ctx, keys[0]); err != nil {
		return "", store.Session{}, err
	}
	return s.startSession(ctx, id, now)
}

func (s *Service) startSession(ctx context.Context, id Identity, now time.Time) (string, store.Session, error) {
	u, err := s.Store.UserBySubject(ctx, id.Subject)
	if errors.Is(err, store.ErrNotFound) {
		return "", store.Session{}, ErrInvalidCredentials
	}
	if err != nil {
		return "", store.Session{}, err
	}
	if u.Disabled {
		return "", store.Session{}, ErrDisabled
	}
	if !id.EmailVerified && u.Email != "" {
		return "", store.Session{}, &unverifiedError{user: u}
	}
	token, err := RandomToken(32)
	if err != nil {
		return "", store.Session{}, err
	}
	csrf, err := RandomToken(24)
	if err != nil {
		return "", store.Session{}, err
	}
	sess := store.Session{
		TokenHash: hashToken(token), UserID: u.ID, LoginID: u.LoginID, Role: u.Role,
		OrganizationID: u.OrganizationID, CSRFToken: csrf,
		CreatedAt: now, ExpiresAt: now.Add(SessionLifetime),
	}
	if err := s.Store.CreateSession(ctx, sess); err != nil {
		return "", store.Session{}, fmt.Errorf("starting session: %w", err)
	}
	return token, sess, nil
}

// Session resolves a cookie's token to its live session.
func (s *Service) Session(ctx context.Context, token string) (store.Session, error) {
	if token == "" {
		return store.Session{}, ErrNoSession
	}
	sess, err := s.Store.ActiveSession(ctx, hashToken(token), s.Now())
	if errors.Is(err, store.ErrNotFound) {
		return store.Session{}, ErrNoSession
	}
	return sess, err
}

// Logout deletes the session of token, if any.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return s.Store.DeleteSession(ctx, hashToken(token))
}

func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}
