package api

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"clearinghouse/models"
	"clearinghouse/store"
)

// counterpartyRequest is a counterparty as registered or updated. Optional
// details may be empty; present ones must be valid.
type counterpartyRequest struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	NameKana           string `json:"name_kana"`
	RegistrationNumber string `json:"registration_number"`
	PostalCode         string `json:"postal_code"`
	Address            string `json:"address"`
	BillingEmail       string `json:"billing_email"`
	BankCode           string `json:"bank_code"`
	BranchCode         string `json:"branch_code"`
	AccountType        string `json:"account_type"`
	AccountNumber      string `json:"account_number"`
	AccountHolderKana  string `json:"account_holder_kana"`
}

type fieldIssue struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// check lists every invalid field, so that a form can show each message
// next to its field.
func (r *counterpartyRequest) check(withID bool) error {
	r.Name = strings.TrimSpace(r.Name)
	var issues []fieldIssue
	bad := func(field, msg string) { issues = append(issues, fieldIssue{field, msg}) }
	if withID && !organizationIDPattern.MatchString(r.ID) {
		bad("id", "1 to 64 letters, digits, '_' or '-'")
	}
	if r.Name == "" || len([]rune(r.Name)) > 200 {
		bad("name", "required, at most 200 characters")
	}
	optional := []struct {
		field, value, msg string
		ok                func(string) bool
	}{
		{"name_kana", r.NameKana, "katakana", models.ValidKana},
		{"registration_number", r.RegistrationNumber, "T and 13 digits with a valid check digit",
			models.ValidRegistrationNumber},
		{"postal_code", r.PostalCode, "NNN-NNNN", models.ValidPostalCode},
		{"billing_email", r.BillingEmail, "an e-mail address", models.ValidEmail},
		{"bank_code", r.BankCode, "4 digits", models.ValidBankCode},
		{"branch_code", r.BranchCode, "3 digits", models.ValidBranchCode},
		{"account_type", r.AccountType, "ordinary, current or savings",
			func(s string) bool { return slices.Contains(models.AccountTypes, s) }},
		{"account_number", r.AccountNumber, "7 digits", models.ValidAccountNumber},
		{"account_holder_kana", r.AccountHolderKana, "katakana", models.ValidKana},
	}
	for _, o := range optional {
		if o.value != "" && !o.ok(o.value) {
			bad(o.field, o.msg)
		}
	}
	if len([]rune(r.Address)) > 300 {
		bad("address", "at most 300 characters")
	}
	if f := badText(map[string]string{"name": r.Name, "address": r.Address}); f != "" {
		bad(f, "no control or invisible characters")
	}
	if len(issues) == 0 {
		return nil
	}
	e := badRequest(CodeInvalidCounterparty, "some fields are invalid")
	e.Details = issues
	return e
}

func (r counterpartyRequest) toStore(id, actor string, at time.Time) store.Counterparty {
	return store.Counterparty{
		ID: id, Name: r.Name, NameKana: r.NameKana, RegistrationNumber: r.RegistrationNumber,
		PostalCode: r.PostalCode, Address: r.Address, BillingEmail: r.BillingEmail,
		BankCode: r.BankCode, BranchCode: r.BranchCode, AccountType: r.AccountType,
		AccountNumber: r.AccountNumber, AccountHolderKana: r.AccountHolderKana,
		UpdatedAt: at, UpdatedBy: actor,
	}
}

// requestFrom fills a request with a counterparty's current values, so that
// a partial update overlays only the fields it sends.
func requestFrom(cp store.Counterparty) counterpartyRequest {
	return counterpartyRequest{
		ID: cp.ID, Name: cp.Name, NameKana: cp.NameKana, RegistrationNumber: cp.RegistrationNumber,
		PostalCode: cp.PostalCode, Address: cp.Address, BillingEmail: cp.BillingEmail,
		BankCode: cp.BankCode, BranchCode: cp.BranchCode, AccountType: cp.AccountType,
		AccountNumber: cp.AccountNumber, AccountHolderKana: cp.AccountHolderKana,
	}
}

func actor(c *gin.Context) string {
	return "operator:" + session(c).LoginID
}

func (s *Server) listCounterparties(c *gin.Context) {
	pg, err := readPage(c)
	if err != nil {
		fail(c, err)
		return
	}
	active := c.Query("active")
	if active != "" && active != "true" && active != "false" {
		fail(c, badRequest(CodeInvalidParameter, "active must be true or false"))
		return
	}
	if len([]rune(c.Query("q"))) > 100 {
		fail(c, badRequest(CodeInvalidParameter, "q must be at most 100 characters"))
		return
	}
	f := store.CounterpartyFilter{Query: c.Query("q"), ActiveOnly: active == "true",
		Limit: pg.Size, Offset: pg.offset()}
	items, err := s.Store.Counterparties(c.Request.Context(), f)
	if err != nil {
		fail(c, err)
		return
	}
	if items == nil {
		items = []store.Counterparty{}
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "page": pg.Number, "page_size": pg.Size})
}

func (s *Server) getCounterparty(c *gin.Context) {
	cp, err := s.Store.CounterpartyByID(c.Request.Context(), c.Param("id"))
	if errors.Is(err, store.ErrNotFound) {
		fail(c, newError(http.StatusNotFound, CodeNotFound, "no such counterparty"))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	trail, err := s.Store.AuditTrail(c.Request.Context(), "counterparty", cp.ID)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"counterparty": cp, "history": trail})
}

func (s *Server) createCounterparty(c *gin.Context) {
	var req counterpartyRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	if err := req.check(true); err != nil {
		fail(c, err)
		return
	}
	cp, err := s.Store.CreateCounterparty(c.Request.Context(), req.toStore(req.ID, actor(c), s.Now()))
	if errors.Is(err, store.ErrConflict) {
		fail(c, newError(http.StatusConflict, CodeAlreadyExists, "an organisation has id "+req.ID))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, cp)
}

// updateCounterparty changes the fields the request names and keeps the
// others (send "" to clear an optional field).
func (s *Server) updateCounterparty(c *gin.Context) {
	id := c.Param("id")
	current, err := s.Store.CounterpartyByID(c.Request.Context(), id)
	if err != nil {
		writeCounterparty(c, current, err)
		return
	}
	req := requestFrom(current)
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	if req.ID != "" && req.ID != id {
		fail(c, badRequest(CodeInvalidCounterparty, "the id cannot be changed"))
		return
	}
	if err := req.check(false); err != nil {
		fail(c, err)
		return
	}
	cp, err := s.Store.UpdateCounterparty(c.Request.Context(), req.toStore(id, actor(c), s.Now()))
	writeCounterparty(c, cp, err)
}

// writeCounterparty answers with a counterparty, or with the error that
// kept it from being read or changed.
func writeCounterparty(c *gin.Context, cp store.Counterparty, err error) {
	if errors.Is(err, store.ErrNotFound) {
		fail(c, newError(http.StatusNotFound, CodeNotFound, "no such counterparty"))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, cp)
}

func (s *Server) setCounterpartyActive(c *gin.Context) {
	// The action takes no parameters: an empty body or {}.
	if c.Request.ContentLength != 0 {
		if err := bindJSON(c, &struct{}{}); err != nil {
			fail(c, err)
			return
		}
	}
	active := strings.HasSuffix(c.FullPath(), "/activate")
	change := store.Counterparty{ID: c.Param("id"), Active: active, UpdatedBy: actor(c), UpdatedAt: s.Now()}
	cp, err := s.Store.SetCounterpartyActive(c.Request.Context(), change)
	writeCounterparty(c, cp, err)
}
