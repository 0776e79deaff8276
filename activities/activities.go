// Package activities holds the clearing house's Temporal activities: the only
// code that writes business data. Each activity is idempotent, so Temporal
// may retry it freely, and classifies its errors so that bad input is not
// retried.
package activities

import (
	"errors"
	"log/slog"
	"time"

	"go.temporal.io/sdk/temporal"

	"clearinghouse/store"
)

// Error types carried by non-retryable application errors. The API maps them
// back to HTTP statuses.
const (
	ErrTypeNotFound = "NotFound"
	ErrTypeConflict = "Conflict"
)

// Activities holds what the activities need. Register a *Activities with a
// worker; workflows refer to its methods through a nil *Activities.
type Activities struct {
	Store *store.Store
	Log   *slog.Logger
	// Now is the clock; tests replace it.
	Now func() time.Time
	// Mailer sends mail; nil keeps mail in the outbox (dev).
	Mailer Mailer
	// Metrics records what the activities do; nil records nothing.
	Metrics *Metrics
}

// classify wraps store errors that retrying cannot fix as non-retryable.
func classify(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeNotFound, err)
	case errors.Is(err, store.ErrConflict):
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeConflict, err)
	default:
		return err
	}
}
