package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"clearinghouse/store"
)

// Error codes of the API. They are stable: clients act on them.
const (
	CodeMalformedJSON        = "malformed_json"
	CodeInvalidBody          = "invalid_body"
	CodeBodyTooLarge         = "body_too_large"
	CodeUnsupportedMedia     = "unsupported_media_type"
	CodeInvalidRequestID     = "invalid_request_id"
	CodeNoContracts          = "no_contracts"
	CodeTooManyContracts     = "too_many_contracts"
	CodeInvalidContracts     = "invalid_contracts"
	CodeRequestIDReused      = "request_id_reused"
	CodeInvalidParameter     = "invalid_parameter"
	CodeUnauthenticated      = "unauthenticated"
	CodeInvalidCredentials   = "invalid_credentials"
	CodeAccountDisabled      = "account_disabled"
	CodeTooManyAttempts      = "too_many_attempts"
	CodeForbidden            = "forbidden"
	CodeCSRF                 = "csrf_token_invalid"
	CodeNotFound             = "not_found"
	CodeConflict             = "conflict"
	CodeNotParked            = "not_parked"
	CodeServiceUnavailable   = "service_unavailable"
	CodeInternal             = "internal_error"
	CodeBrokerRequired       = "broker_required"
	CodeMethodNotAllowed     = "method_not_allowed"
	CodeRouteNotFound        = "route_not_found"
	CodeAlreadyExists        = "already_exists"
	CodeInvalidOrganization  = "invalid_organization"
	CodeAlreadyClosed        = "already_closed"
	CodeMonthNotEnded        = "month_not_ended"
	CodeInvalidEntry         = "invalid_entry"
	CodeAlreadyReversed      = "already_reversed"
	CodeInvalidCounterparty  = "invalid_counterparty"
	CodeInvalidBill          = "invalid_bill"
	CodeInvalidTransition    = "invalid_transition"
	CodeSameOperator         = "same_operator"
	CodeDocumentMissing      = "document_missing"
	CodeInvalidDocument      = "invalid_document"
	CodeDocumentTooLarge     = "document_too_large"
	CodeInvalidCode          = "invalid_code"
	CodeNotReversible        = "not_reversible"
	CodeIdempotencyKeyReused = "idempotency_key_reused"
	CodeDuplicateField       = "duplicate_field"
	CodeAmountChanged        = "amount_changed"
	CodeDueDatePassed        = "due_date_passed"
	CodeExceedsBalance       = "exceeds_balance"
)

// apiError is an error the client caused or must know about: it carries its
// HTTP status, code and a message safe to show.
type apiError struct {
	Status  int
	Code    string
	Message string
	Details any
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func newError(status int, code, message string) *apiError {
	return &apiError{Status: status, Code: code, Message: message}
}

func badRequest(code, message string) *apiError {
	return newError(http.StatusBadRequest, code, message)
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id,omitempty"`
	Details   any    `json:"details,omitempty"`
}

// fail writes err as the response. An *apiError is shown as it is; anything
// else is logged once with the request id and answered with a bare 500.
func fail(c *gin.Context, err error) {
	var ae *apiError
	if !errors.As(err, &ae) && store.IsUnstorableText(err) {
		requestLogger(c).Warn("text refused by the database", "error", err)
		ae = badRequest(CodeInvalidParameter, "text must be UTF-8 without NUL characters")
	}
	if ae == nil {
		requestLogger(c).Error("request failed", "error", err)
		ae = newError(http.StatusInternalServerError, CodeInternal,
			"the request failed; quote the request id when reporting it")
	}
	c.AbortWithStatusJSON(ae.Status, errorBody{Error: errorDetail{
		Code: ae.Code, Message: ae.Message, RequestID: requestID(c), Details: ae.Details,
	}})
}
