package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"clearinghouse/activities"
	"clearinghouse/workflows"
)

type alertItem struct {
	ID         int64  `json:"id"`
	Kind       string `json:"kind"`
	Subject    string `json:"subject"`
	Message    string `json:"message"`
	CreatedAt  string `json:"created_at"`
	ResolvedAt string `json:"resolved_at,omitempty"`
	// WorkflowURL opens the workflow the alert is about in the Web UI.
	WorkflowURL string `json:"workflow_url,omitempty"`
}

// alertWorkflow names the workflow an alert is about, from its kind and
// subject, or "".
func alertWorkflow(kind, subject string) string {
	switch kind {
	case activities.AlertIngestionParked:
		return workflows.IngestWorkflowID(subject)
	case activities.AlertClosingFailed, activities.AlertClosingZeroSum:
		return workflows.CloseWorkflowID(subject)
	case activities.AlertInvoiceOverdue:
		return workflows.BillWorkflowID(workflows.KindInvoice, subject)
	case activities.AlertMailNotSent:
		// The subject is the mail's key: "<kind>:<bill id>:<what>".
		parts := strings.Split(subject, ":")
		if len(parts) == 3 && (parts[0] == workflows.KindInvoice || parts[0] == workflows.KindPayment) {
			return workflows.BillWorkflowID(parts[0], parts[1])
		}
	}
	return ""
}

// listAlerts shows operators what needs them, newest first. ?open=true
// leaves out resolved alerts.
func (s *Server) listAlerts(c *gin.Context) {
	pg, err := readPage(c)
	if err != nil {
		fail(c, err)
		return
	}
	openOnly := c.Query("open") == "true"
	if v := c.Query("open"); v != "" && v != "true" && v != "false" {
		fail(c, badRequest(CodeInvalidParameter, "open must be true or false"))
		return
	}
	alerts, err := s.Store.Alerts(c.Request.Context(), openOnly, pg.Size, pg.offset())
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]alertItem, 0, len(alerts))
	for _, a := range alerts {
		item := alertItem{
			ID: a.ID, Kind: a.Kind, Subject: a.Subject, Message: a.Message,
			CreatedAt: a.CreatedAt.UTC().Format(time.RFC3339),
		}
		if id := alertWorkflow(a.Kind, a.Subject); id != "" {
			item.WorkflowURL = s.workflowURL(id)
		}
		if a.ResolvedAt != nil {
			item.ResolvedAt = a.ResolvedAt.UTC().Format(time.RFC3339)
		}
		items = append(items, item)
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "page": pg.Number, "page_size": pg.Size})
}
