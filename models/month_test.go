package models

import (
	"testing"
	"time"
)

func TestMonthOfUsesJapanTime(t *testing.T) {
	utc := time.UTC
	tests := []struct {
		in   string
		want string
	}{
		{"2023-09-30T23:30:00+09:00", "2023-09"},
		{"2023-10-01T00:30:00+09:00", "2023-10"},
		{"2023-09-30T14:59:59Z", "2023-09"},
		{"2023-09-30T15:00:00Z", "2023-10"},
		{"2023-12-31T15:00:00Z", "2024-01"},
		{"2023-10-01T00:30:00-05:00", "2023-10"},
		{"2023-09-30T09:00:00-05:00", "2023-09"},
	}
	for _, tt := range tests {
		ts, err := time.Parse(time.RFC3339, tt.in)
		if err != nil {
			t.Fatalf("parsing %s: %v", tt.in, err)
		}
		// The server's zone must not matter: read the instant in UTC first.
		if got := MonthOf(ts.In(utc)).String(); got != tt.want {
			t.Errorf("MonthOf(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestFiscalLabel(t *testing.T) {
	tests := []struct {
		month string
		want  string
	}{
		{"2023-09", "2023年度9月"},
		{"2023-04", "2023年度4月"},
		{"2023-12", "2023年度12月"},
		{"2024-01", "2023年度1月"},
		{"2024-02", "2023年度2月"},
		{"2024-03", "2023年度3月"},
		{"2024-04", "2024年度4月"},
	}
	for _, tt := range tests {
		m, err := ParseMonth(tt.month)
		if err != nil {
			t.Fatalf("ParseMonth(%q): %v", tt.month, err)
		}
		if got := m.FiscalLabel(); got != tt.want {
			t.Errorf("FiscalLabel(%s) = %s, want %s", tt.month, got, tt.want)
		}
	}
}

func TestParseMonthRefusesBadInput(t *testing.T) {
	for _, in := range []string{"", "2023-9", "2023-13", "2023/09", "23-09", "2023-09-01", "x"} {
		if _, err := ParseMonth(in); err == nil {
			t.Errorf("ParseMonth(%q) succeeded, want error", in)
		}
	}
}

func TestMonthArithmetic(t *testing.T) {
	m, _ := ParseMonth("2023-12")
	if got := m.Next().String(); got != "2024-01" {
		t.Errorf("Next(2023-12) = %s, want 2024-01", got)
	}
	if got := m.Prev().String(); got != "2023-11" {
		t.Errorf("Prev(2023-12) = %s, want 2023-11", got)
	}
	if got := m.Start().UTC().Format(time.RFC3339); got != "2023-11-30T15:00:00Z" {
		t.Errorf("Start(2023-12) = %s, want 2023-11-30T15:00:00Z", got)
	}
}
