package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"clearinghouse/workflows"
)

// DefaultClosingCron closes each month at 02:00 JST on the 1st of the next:
// late in the night, after the market's last deliveries of the day.
const DefaultClosingCron = "0 2 1 * *"

// closingCatchup is how far back a schedule that was down catches up on
// missed runs: two months, so that an outage over a month end is covered.
const closingCatchup = 62 * 24 * time.Hour

// EnsureClosingSchedule creates the monthly closing schedule in Japan time,
// or updates its timing and task queue to the current settings.
func EnsureClosingSchedule(ctx context.Context, tc client.Client, cron, taskQueue string) error {
	if cron == "" {
		cron = DefaultClosingCron
	}
	if taskQueue == "" {
		taskQueue = workflows.TaskQueue
	}
	spec := client.ScheduleSpec{CronExpressions: []string{cron}, TimeZoneName: "Asia/Tokyo"}
	action := &client.ScheduleWorkflowAction{
		ID: workflows.ClosingScheduleWorkflowID, Workflow: workflows.ScheduledClosing,
		TaskQueue: taskQueue,
	}
	_, err := tc.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID: workflows.ClosingScheduleID, Spec: spec, Action: action,
		Overlap: enums.SCHEDULE_OVERLAP_POLICY_BUFFER_ALL, CatchupWindow: closingCatchup,
		Note: "monthly closing of the clearing house",
	})
	if err == nil {
		return nil
	}
	if !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return fmt.Errorf("creating closing schedule: %w", err)
	}
	handle := tc.ScheduleClient().GetHandle(ctx, workflows.ClosingScheduleID)
	err = handle.Update(ctx, client.ScheduleUpdateOptions{
		DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
			in.Description.Schedule.Spec = &spec
			in.Description.Schedule.Action = action
			return &client.ScheduleUpdate{Schedule: &in.Description.Schedule}, nil
		},
	})
	if err != nil {
		return fmt.Errorf("updating closing schedule: %w", err)
	}
	return nil
}
