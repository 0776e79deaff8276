package models

import (
	"errors"
	"fmt"
	"time"
)

// Tokyo is Japan Standard Time. Japan has no daylight saving time, so a fixed
// zone is exact and does not depend on the machine's time zone database.
var Tokyo = time.FixedZone("JST", 9*60*60)

// ErrInvalidMonth reports a month that is not of the form YYYY-MM.
var ErrInvalidMonth = errors.New("month must be YYYY-MM")

// Month is a calendar month of business time (Asia/Tokyo).
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth reads a month written as YYYY-MM.
func ParseMonth(s string) (Month, error) {
	t, err := time.ParseInLocation("2006-01", s, Tokyo)
	if err != nil || len(s) != 7 {
		return Month{}, ErrInvalidMonth
	}
	if t.Year() < 2000 || t.Year() > 2999 {
		return Month{}, ErrInvalidMonth
	}
	return Month{Year: t.Year(), Month: t.Month()}, nil
}

// MonthOf gives the business month an instant belongs to, in Japan time.
func MonthOf(t time.Time) Month {
	local := t.In(Tokyo)
	return Month{Year: local.Year(), Month: local.Month()}
}

// MonthFromDate gives the month of a calendar date stored without a zone,
// such as a PostgreSQL date column read back as midnight UTC.
func MonthFromDate(d time.Time) Month {
	return Month{Year: d.Year(), Month: d.Month()}
}

// String writes the month as YYYY-MM.
func (m Month) String() string {
	return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month))
}

// Start is the first instant of the month in Japan time.
func (m Month) Start() time.Time {
	return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, Tokyo)
}

// Next is the month after m.
func (m Month) Next() Month {
	return MonthOf(m.Start().AddDate(0, 1, 0))
}

// Prev is the month before m.
func (m Month) Prev() Month {
	return MonthOf(m.Start().AddDate(0, -1, 0))
}

// Date is the month's first day as a zone-free calendar date, the form kept
// in date columns.
func (m Month) Date() time.Time {
	return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, time.UTC)
}

// Before reports whether m comes before o.
func (m Month) Before(o Month) bool {
	if m.Year != o.Year {
		return m.Year < o.Year
	}
	return m.Month < o.Month
}

// FiscalYear is the Japanese fiscal year (年度) the month belongs to: it
// starts in April, so January to March belong to the previous year's.
func (m Month) FiscalYear() int {
	if m.Month < time.April {
		return m.Year - 1
	}
	return m.Year
}

// FiscalLabel names the month the way the ledger does, e.g. 2023年度9月.
func (m Month) FiscalLabel() string {
	return fmt.Sprintf("%d年度%d月", m.FiscalYear(), int(m.Month))
}

// DateJST formats an instant as a calendar date (yyyy-mm-dd) in Japan time.
func DateJST(t time.Time) string {
	return t.In(Tokyo).Format(time.DateOnly)
}

// DayJST is the calendar day of t in Japan, as a date value (midnight UTC,
// as a date column reads): at 08:00 JST it is today, not yesterday's UTC
// date.
func DayJST(t time.Time) time.Time {
	y, m, d := t.In(Tokyo).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
