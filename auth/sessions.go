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

// SignIn is a successful sign-in: the session's token (for the cookie) and
// the session. Challenge is set instead when a one-time code must be mailed.
type SignIn struct {
	Token     string
	Session   store.Session
	Challenge *Challenge
}

// Login checks the credentials and starts a session. A user whose address
// is not verified gets ErrVerificationRequired and a challenge to mail.
func (s *Service) Login(ctx context.Context, loginID, password, clientIP string) (SignIn, error) {
	in, err := s.login(ctx, loginID, password, clientIP)
	var unverified *unverifiedError
	if errors.As(err, &unverified) {
		c, err := s.startChallenge(ctx, unverified.user, s.Now())
		if err != nil {
			return SignIn{}, err
		}
		return SignIn{Challenge: &c}, ErrVerificationRequired
	}
	return in, err
}

// unverifiedError carries the user who must verify their address.
type unverifiedError struct{ user store.User }

func (e *unverifiedError) Error() string { return ErrVerificationRequired.Error() }

func (s *Service) login(ctx context.Context, loginID, password, clientIP string) (SignIn, error) {
	now := s.Now()
	keys := []string{"login:" + loginID, "ip:" + clientIP}
	rules := []store.ThrottleRule{ThrottlePerLogin, ThrottlePerAddress}
	for _, key := range keys {
		until, err := s.Store.LockedUntil(ctx, key, now)
		if err != nil {
			return SignIn{}, err
		}
		if !until.IsZero() {
			return SignIn{}, ErrThrottled
		}
	}

	id, err := s.Provider.Authenticate(ctx, loginID, password)
	if errors.Is(err, ErrInvalidCredentials) {
		for i, key := range keys {
			if err := s.Store.RecordFailure(ctx, key, now, rules[i]); err != nil {
				return SignIn{}, err
			}
		}
		return SignIn{}, ErrInvalidCredentials
	}
	if err != nil {
		return SignIn{}, err
	}
	if err := s.Store.ClearFailures(ctx, keys[0]); err != nil {
		return SignIn{}, err
	}
	return s.startSession(ctx, id, now)
}

func (s *Service) startSession(ctx context.Context, id Identity, now time.Time) (SignIn, error) {
	u, err := s.Store.UserBySubject(ctx, id.Subject)
	if errors.Is(err, store.ErrNotFound) {
		return SignIn{}, ErrInvalidCredentials
	}
	if err != nil {
		return SignIn{}, err
	}
	if u.Disabled {
		return SignIn{}, ErrDisabled
	}
	if !id.EmailVerified && u.Email != "" {
		return SignIn{}, &unverifiedError{user: u}
	}
	token, err := RandomToken(32)
	if err != nil {
		return SignIn{}, err
	}
	csrf, err := RandomToken(24)
	if err != nil {
		return SignIn{}, err
	}
	sess := store.Session{
		TokenHash: hashToken(token), UserID: u.ID, LoginID: u.LoginID, Role: u.Role,
		OrganizationID: u.OrganizationID, CSRFToken: csrf,
		CreatedAt: now, ExpiresAt: now.Add(SessionLifetime),
	}
	if err := s.Store.CreateSession(ctx, sess); err != nil {
		return SignIn{}, fmt.Errorf("starting session: %w", err)
	}
	return SignIn{Token: token, Session: sess}, nil
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
