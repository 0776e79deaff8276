// Package models holds the clearing house's domain types and the business
// rules that need no storage: contract validation, months in Japan time and
// fiscal-year labels, signed balances.
package models
