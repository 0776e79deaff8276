// Package workflows holds the clearing house's Temporal workflows. Every name
// that crosses a process boundary (task queue, update names, search
// attributes, workflow ids) is defined here once.
package workflows

import (
	"go.temporal.io/sdk/temporal"
)

// TaskQueue is the one task queue the clearing house's workers poll.
const TaskQueue = "clearinghouse"

// Update names.
const (
	// UpdateResolveParked carries an operator's retry or discard of a parked
	// ingestion.
	UpdateResolveParked = "resolve-parked"
)

// States shown in the ClearingState search attribute, so that operators can
// find parked work in the Temporal Web UI (ClearingState = "parked").
const (
	StateProcessing = "processing"
	StateParked     = "parked"
	StateCompleted  = "completed"
	StateDiscarded  = "discarded"
)

// SearchAttributeState is the ClearingState search attribute. The server
// must have it registered as a Keyword attribute.
var SearchAttributeState = temporal.NewSearchAttributeKeyKeyword("ClearingState")

// SearchAttributeNames lists the custom search attributes the workflows use,
// for registering them on a server.
var SearchAttributeNames = []string{SearchAttributeState.GetName()}

// IngestWorkflowID is the id of a market request's ingestion workflow.
func IngestWorkflowID(requestID string) string {
	return "ingest-" + requestID
}

// CloseWorkflowID is the id of a month's closing (month as YYYY-MM): the
// idempotency key of the closing.
func CloseWorkflowID(month string) string {
	return "close-" + month
}

// CloseRunWorkflowID is the id of a run that closes a range of months in
// order (a backfill).
func CloseRunWorkflowID(from, to string) string {
	return "close-run-" + from + "-" + to
}

// ClosingScheduleID is the Temporal Schedule that starts the monthly closing.
const ClosingScheduleID = "monthly-closing"

// ClosingScheduleWorkflowID is the id prefix of the schedule's runs (the
// schedule appends the time).
const ClosingScheduleWorkflowID = "closing-scheduled"

// LedgerWorkflowID is the id of the workflow posting an operator's ledger
// entry, keyed by the request's idempotency key.
func LedgerWorkflowID(key string) string {
	return "ledger-" + key
}
