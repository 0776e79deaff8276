package api

import (
	"errors"
	"time"
)

// errBadDate refuses a date outside what a clearing house can mean.
var errBadDate = errors.New("date must be YYYY-MM-DD between 2000-01-01 and 2999-12-31")

// parseDate reads a business date (YYYY-MM-DD) in the years 2000 to 2999:
// anything else is a typing mistake, and would sort out of place in a ledger.
func parseDate(s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil || d.Year() < 2000 || d.Year() > 2999 {
		return time.Time{}, errBadDate
	}
	return d, nil
}
