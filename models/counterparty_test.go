package models

import "testing"

func TestValidRegistrationNumber(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"T7000012050002", true}, // the National Tax Agency's own corporate number
		{"T8000012050002", false},
		{"7000012050002", false},
		{"T700001205000", false},
		{"T70000120500021", false},
		{"TX000012050002", false},
		{"t7000012050002", false},
	}
	for _, tt := range tests {
		if got := ValidRegistrationNumber(tt.in); got != tt.want {
			t.Errorf("ValidRegistrationNumber(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestCounterpartyFieldRules(t *testing.T) {
	checks := []struct {
		name string
		fn   func(string) bool
		ok   []string
		bad  []string
	}{
		{"email", ValidEmail, []string{"billing@broker.example"},
			[]string{"", "not-an-address", "Name <a@b.example>", "a@b.example\n",
				"billing@broker\u202e.example", "bill\u00ading@broker.example"}},
		{"postal", ValidPostalCode, []string{"100-0001", "1000001"}, []string{"100-001", "abc-defg"}},
		{"bank", ValidBankCode, []string{"0001"}, []string{"001", "00001", "a001"}},
		{"branch", ValidBranchCode, []string{"123"}, []string{"12", "1234"}},
		{"account", ValidAccountNumber, []string{"1234567"}, []string{"123456", "12345678"}},
		{"kana", ValidKana,
			[]string{"データブローカーエー", "ｶ)ﾃﾞｰﾀ", "カブシキガイシャ　エー"},
			[]string{"", "データ<b>", "山田"}},
	}
	for _, c := range checks {
		for _, s := range c.ok {
			if !c.fn(s) {
				t.Errorf("%s: %q refused, want accepted", c.name, s)
			}
		}
		for _, s := range c.bad {
			if c.fn(s) {
				t.Errorf("%s: %q accepted, want refused", c.name, s)
			}
		}
	}
}
