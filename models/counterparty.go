package models

import (
	"net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	registrationPattern = regexp.MustCompile(`^T[0-9]{13}$`)
	postalCodePattern   = regexp.MustCompile(`^[0-9]{3}-?[0-9]{4}$`)
	bankCodePattern     = regexp.MustCompile(`^[0-9]{4}$`)
	branchCodePattern   = regexp.MustCompile(`^[0-9]{3}$`)
	accountNumPattern   = regexp.MustCompile(`^[0-9]{7}$`)
)

// AccountTypes are the kinds of Japanese bank account a payout can go to.
var AccountTypes = []string{"ordinary", "current", "savings"}

// ValidRegistrationNumber checks a qualified-invoice issuer registration
// number (適格請求書発行事業者登録番号): "T" and a 13-digit corporate number
// whose first digit is the check digit of the other twelve.
func ValidRegistrationNumber(s string) bool {
	if !registrationPattern.MatchString(s) {
		return false
	}
	digits := s[1:]
	sum := 0
	// Weights 1, 2, 1, 2, ... from the rightmost of the twelve base digits.
	for i := 0; i < 12; i++ {
		d := int(digits[12-i] - '0')
		sum += d * (1 + i%2)
	}
	return int(digits[0]-'0') == 9-sum%9
}

// ValidEmail accepts a bare address (no display name) of visible
// characters: no invisible direction marks or zero-width characters that
// would make one address look like another.
func ValidEmail(s string) bool {
	for _, r := range s {
		if !unicode.IsGraphic(r) || Invisible(r) || unicode.IsSpace(r) {
			return false
		}
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && len(s) <= 254
}

// ValidPostalCode accepts NNN-NNNN or NNNNNNN.
func ValidPostalCode(s string) bool { return postalCodePattern.MatchString(s) }

// ValidBankCode accepts a 4-digit bank code.
func ValidBankCode(s string) bool { return bankCodePattern.MatchString(s) }

// ValidBranchCode accepts a 3-digit branch code.
func ValidBranchCode(s string) bool { return branchCodePattern.MatchString(s) }

// ValidAccountNumber accepts a 7-digit account number.
func ValidAccountNumber(s string) bool { return accountNumPattern.MatchString(s) }

// ValidKana accepts katakana (full or half width), the long vowel mark,
// spaces and the punctuation bank transfers allow in holder names.
func ValidKana(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > 100 {
		return false
	}
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Katakana):
		case r == 'ー' || r == ' ' || r == '　' || r == '・' || r == 'ｰ' || r == 'ﾞ' || r == 'ﾟ':
		case strings.ContainsRune("()（）.．,，-－/／", r):
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		default:
			return false
		}
	}
	return true
}
