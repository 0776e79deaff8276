package models

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on what the market may send. They keep every id small enough to
// index and a batch small enough to stage in one transaction.
const (
	MaxContractsPerBatch = 100_000
	maxIDLength          = 128
	maxBrokerIDLength    = 64
	maxItemCodeLength    = 64
	// MaxAmount caps one contract at a trillion yen: far above any real
	// trade, and low enough that no month's sums can overflow.
	MaxAmount = 1_000_000_000_000
)

// Validation codes reported per contract. They are part of the API.
const (
	CodeMissing       = "missing"
	CodeWrongType     = "wrong_type"
	CodeInvalid       = "invalid"
	CodeTooLong       = "too_long"
	CodeNotPositive   = "not_positive"
	CodeNotInteger    = "not_integer"
	CodeOutOfRange    = "out_of_range"
	CodeSameBroker    = "buyer_equals_seller"
	CodeUnknownBroker = "unknown_broker"
	CodeUnknownField  = "unknown_field"
	CodeNoZone        = "missing_time_zone"
	CodeRepeated      = "repeated_with_other_content"
)

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$`)

// Contract is one executed trade reported by the market.
type Contract struct {
	ContractID string    `json:"contract_id"`
	BuyerID    string    `json:"buyer_id"`
	SellerID   string    `json:"seller_id"`
	ItemCode   string    `json:"item_code"`
	Amount     int64     `json:"amount"`
	TradedAt   time.Time `json:"traded_at"`
}

// Month is the business month the contract belongs to.
func (c Contract) Month() Month {
	return MonthOf(c.TradedAt)
}

// SameContent reports whether two reports of a contract say the same thing.
func (c Contract) SameContent(o Contract) bool {
	return c.ContractID == o.ContractID && c.BuyerID == o.BuyerID &&
		c.SellerID == o.SellerID && c.ItemCode == o.ItemCode &&
		c.Amount == o.Amount && c.TradedAt.Equal(o.TradedAt)
}

// ContractIssue is one reason a contract of a batch was refused.
type ContractIssue struct {
	Index      int    `json:"index"`
	ContractID string `json:"contract_id,omitempty"`
	Field      string `json:"field"`
	Code       string `json:"code"`
	Message    string `json:"message"`
}

// ValidRequestID reports whether s can serve as a market request id.
func ValidRequestID(s string) bool {
	return requestIDPattern.MatchString(s)
}

// contractFields lists the fields a contract must carry, in report order.
var contractFields = []string{
	"contract_id", "buyer_id", "seller_id", "item_code", "amount", "traded_at",
}

// ParseContract reads one contract of a batch, field by field, so that every
// problem of the contract is reported at once rather than the first only.
func ParseContract(index int, raw map[string]json.RawMessage) (Contract, []ContractIssue) {
	p := contractParser{index: index, raw: raw}
	c := Contract{
		ContractID: p.text("contract_id", maxIDLength),
		BuyerID:    p.text("buyer_id", maxBrokerIDLength),
		SellerID:   p.text("seller_id", maxBrokerIDLength),
		ItemCode:   p.text("item_code", maxItemCodeLength),
		Amount:     p.amount("amount"),
		TradedAt:   p.instant("traded_at"),
	}
	p.contractID = c.ContractID
	if c.BuyerID != "" && c.BuyerID == c.SellerID {
		p.add("seller_id", CodeSameBroker, "buyer and seller must be different brokers")
	}
	p.rejectUnknown()
	for i := range p.issues {
		p.issues[i].ContractID = c.ContractID
	}
	return c, p.issues
}

type contractParser struct {
	index      int
	contractID string
	raw        map[string]json.RawMessage
	issues     []ContractIssue
}

func (p *contractParser) add(field, code, message string) {
	p.issues = append(p.issues, ContractIssue{
		Index: p.index, Field: field, Code: code, Message: message,
	})
}

func (p *contractParser) present(field string) (json.RawMessage, bool) {
	v, ok := p.raw[field]
	if !ok || bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
		p.add(field, CodeMissing, field+" is required")
		return nil, false
	}
	return v, true
}

func (p *contractParser) text(field string, maxLen int) string {
	v, ok := p.present(field)
	if !ok {
		return ""
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		p.add(field, CodeWrongType, field+" must be a string")
		return ""
	}
	switch {
	case strings.TrimSpace(s) == "":
		p.add(field, CodeMissing, field+" must not be empty")
	case utf8.RuneCountInString(s) > maxLen:
		p.add(field, CodeTooLong, fmt.Sprintf("%s must be at most %d characters", field, maxLen))
	case s != strings.TrimSpace(s) || strings.IndexFunc(s, unicode.IsControl) >= 0:
		p.add(field, CodeInvalid, field+" must not contain control characters or edge spaces")
	case strings.ContainsRune(s, utf8.RuneError) || strings.IndexFunc(s, Invisible) >= 0:
		// U+FFFD is what invalid UTF-8 or a lone surrogate decodes to: two
		// different ids must not become one.
		p.add(field, CodeInvalid, field+" must be valid text without invisible characters")
	}
	return s
}

func (p *contractParser) amount(field string) int64 {
	v, ok := p.present(field)
	if !ok {
		return 0
	}
	// json.Number would also take a quoted string: insist on a bare number.
	var n json.Number
	trimmed := bytes.TrimSpace(v)
	isNumber := len(trimmed) > 0 && (trimmed[0] == '-' || trimmed[0] >= '0' && trimmed[0] <= '9')
	if !isNumber || json.Unmarshal(trimmed, &n) != nil {
		p.add(field, CodeWrongType, field+" must be a number of yen")
		return 0
	}
	return p.yen(field, n.String())
}

func (p *contractParser) yen(field, digits string) int64 {
	if strings.ContainsAny(digits, ".eE") {
		p.add(field, CodeNotInteger, field+" must be a whole number of yen written as an integer")
		return 0
	}
	amount, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		p.add(field, CodeOutOfRange, field+" must fit in a 64-bit integer")
		return 0
	}
	if amount <= 0 {
		p.add(field, CodeNotPositive, field+" must be greater than zero")
	}
	if amount > MaxAmount {
		p.add(field, CodeOutOfRange, field+" must be at most 1,000,000,000,000 yen")
	}
	return amount
}

func (p *contractParser) instant(field string) time.Time {
	s := p.text(field, 64)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		p.add(field, CodeInvalid, field+" must be an RFC 3339 timestamp with its zone")
		return time.Time{}
	}
	if y := t.In(Tokyo).Year(); y < 2000 || y > 2999 {
		p.add(field, CodeOutOfRange, field+" must be between the years 2000 and 2999 in Japan time")
	}
	// PostgreSQL keeps microseconds; a finer time would be rounded, maybe
	// into another month.
	if t.Nanosecond()%1000 != 0 {
		p.add(field, CodeInvalid, field+" must be given to the microsecond at most")
	}
	return t
}

func (p *contractParser) rejectUnknown() {
	known := make(map[string]bool, len(contractFields))
	for _, f := range contractFields {
		known[f] = true
	}
	for field := range p.raw {
		if !known[field] {
			p.add(field, CodeUnknownField, field+" is not a contract field")
		}
	}
}

// Invisible reports format characters (zero-width and direction marks,
// soft hyphens, byte order marks), which would let two ids or names that
// look the same differ, or a name look empty.
func Invisible(r rune) bool {
	return unicode.Is(unicode.Cf, r)
}

// CheckRepeats reports contract ids that appear more than once in a batch with
// different content. Identical repeats are harmless: they count as duplicates.
func CheckRepeats(contracts []Contract) []ContractIssue {
	first := make(map[string]int, len(contracts))
	var issues []ContractIssue
	for i, c := range contracts {
		j, seen := first[c.ContractID]
		if !seen {
			first[c.ContractID] = i
			continue
		}
		if !contracts[j].SameContent(c) {
			issues = append(issues, ContractIssue{
				Index: i, ContractID: c.ContractID, Field: "contract_id", Code: CodeRepeated,
				Message: fmt.Sprintf("contract_id repeats contract %d with other content", j),
			})
		}
	}
	return issues
}

// BatchDigest fingerprints a batch's content, so that a replay of the same
// request can be told from a different request reusing its id. Timestamps are
// compared as instants: the same moment written in another zone is the same.
func BatchDigest(contracts []Contract) []byte {
	h := sha256.New()
	for _, c := range contracts {
		fmt.Fprintf(h, "%q\x1f%q\x1f%q\x1f%q\x1f%d\x1f%s\x1e",
			c.ContractID, c.BuyerID, c.SellerID, c.ItemCode, c.Amount,
			c.TradedAt.UTC().Format(time.RFC3339Nano))
	}
	return h.Sum(nil)
}
