package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"math/big"
	"time"

	"clearinghouse/store"
)

// Errors of the one-time-code step.
var (
	// ErrVerificationRequired answers a right password of a user whose
	// address is not verified: a code was mailed to it.
	ErrVerificationRequired = errors.New("a one-time code was sent to your e-mail address")
	// ErrInvalidCode refuses a wrong, expired or used-up code.
	ErrInvalidCode = errors.New("the code is wrong or has expired; sign in again for a new one")
)

// Limits of a one-time code: ten minutes and five tries, so that guessing
// six digits is hopeless.
const (
	ChallengeLifetime = 10 * time.Minute
	maxCodeAttempts   = 5
	// maxChallenges bounds the codes a user can have sent within one
	// lifetime, so that a known password cannot flood the mailbox.
	maxChallenges = 3
)

// Challenge is a one-time code to mail and the token that names it.
type Challenge struct {
	Token string
	Code  string
	Email string
	Key   string // for sending the mail once
}

// ChallengeMailPrefix starts the outbox key of every one-time code mail.
const ChallengeMailPrefix = "otp:"

// startChallenge makes a one-time code for a verified password of a user
// whose address is not verified.
func (s *Service) startChallenge(ctx context.Context, u store.User, now time.Time) (Challenge, error) {
	recent, err := s.Store.RecentChallenges(ctx, u.ID, now.Add(-ChallengeLifetime))
	if err != nil {
		return Challenge{}, err
	}
	if recent >= maxChallenges {
		return Challenge{}, ErrThrottled
	}
	token, err := RandomToken(32)
	if err != nil {
		return Challenge{}, err
	}
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return Challenge{}, fmt.Errorf("making code: %w", err)
	}
	code := fmt.Sprintf("%06d", n.Int64())
	err = s.Store.CreateChallenge(ctx, store.Challenge{
		TokenHash: hashToken(token), UserID: u.ID, CodeHash: codeHash(token, code),
		CreatedAt: now, ExpiresAt: now.Add(ChallengeLifetime),
	})
	if err != nil {
		return Challenge{}, err
	}
	key, err := RandomToken(12)
	if err != nil {
		return Challenge{}, err
	}
	return Challenge{Token: token, Code: code, Email: u.Email, Key: ChallengeMailPrefix + key}, nil
}

func codeHash(token, code string) []byte {
	sum := sha256.Sum256([]byte(token + ":" + code))
	return sum[:]
}

// Verify checks a one-time code and, if right, marks the address verified
// and starts a session.
func (s *Service) Verify(ctx context.Context, token, code string) (SignIn, error) {
	now := s.Now()
	c, err := s.Store.TryChallenge(ctx, hashToken(token), now)
	if errors.Is(err, store.ErrNotFound) {
		return SignIn{}, ErrInvalidCode
	}
	if err != nil {
		return SignIn{}, err
	}
	wrong := subtle.ConstantTimeCompare(c.CodeHash, codeHash(token, code)) != 1
	if c.Attempts >= maxCodeAttempts || wrong {
		return SignIn{}, ErrInvalidCode
	}
	if err := s.Store.CompleteChallenge(ctx, c); errors.Is(err, store.ErrNotFound) {
		return SignIn{}, ErrInvalidCode
	} else if err != nil {
		return SignIn{}, err
	}
	u, err := s.Store.UserByID(ctx, c.UserID)
	if err != nil {
		return SignIn{}, err
	}
	return s.startSession(ctx, Identity{Subject: u.Subject, EmailVerified: true}, now)
}
