package workflows

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

// StartIngest starts a staged batch's ingestion. It is idempotent: a
// workflow already running or finished under the batch's id is left as it
// is, so callers may start again whenever they are unsure.
func StartIngest(ctx context.Context, c client.Client, taskQueue string, in IngestInput) error {
	if taskQueue == "" {
		taskQueue = TaskQueue
	}
	opts := client.StartWorkflowOptions{
		ID:                       IngestWorkflowID(in.RequestID),
		TaskQueue:                taskQueue,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			SearchAttributeState.ValueSet(StateProcessing)),
	}
	_, err := c.ExecuteWorkflow(ctx, opts, Ingest, in)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if err == nil || errors.As(err, &started) {
		return nil
	}
	return fmt.Errorf("starting ingestion of %s: %w", in.RequestID, err)
}
