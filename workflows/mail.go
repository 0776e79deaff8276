package workflows

import (
	"go.temporal.io/sdk/workflow"

	"clearinghouse/activities"
)

// MailWorkflowID is the id of the workflow sending one mail.
func MailWorkflowID(key string) string {
	return "mail-" + key
}

// SendMail sends one mail from an activity, for senders that are not
// workflows themselves (such as the login's one-time code).
func SendMail(ctx workflow.Context, in activities.SendMailInput) error {
	return workflow.ExecuteActivity(bookkeepingOptions(ctx), act.SendMail, in).Get(ctx, nil)
}
