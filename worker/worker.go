// Package worker hosts the clearing house's workflows and activities on the
// Temporal task queue.
package worker

import (
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"clearinghouse/activities"
	"clearinghouse/workflows"
)

// New returns a worker, not yet started, with every workflow and activity
// of the clearing house registered.
// An empty taskQueue means workflows.TaskQueue.
func New(c client.Client, acts *activities.Activities, taskQueue string) sdkworker.Worker {
	if taskQueue == "" {
		taskQueue = workflows.TaskQueue
	}
	w := sdkworker.New(c, taskQueue, sdkworker.Options{
		// A panicking workflow fails its task and is retried after a fix,
		// rather than failing the workflow and losing its work.
		WorkflowPanicPolicy: sdkworker.BlockWorkflow,
	})
	Register(w, acts)
	return w
}

// Register adds every workflow and activity to a registry.
func Register(r sdkworker.Registry, acts *activities.Activities) {
	r.RegisterWorkflow(workflows.Ingest)
	r.RegisterWorkflow(workflows.Close)
	r.RegisterWorkflow(workflows.CloseMonths)
	r.RegisterWorkflow(workflows.ScheduledClosing)
	r.RegisterWorkflow(workflows.PostEntry)
	r.RegisterWorkflow(workflows.Invoice)
	r.RegisterWorkflow(workflows.Payment)
	r.RegisterWorkflow(workflows.SendMail)
	r.RegisterActivity(acts)
}
