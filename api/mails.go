package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"clearinghouse/auth"
)

// oneTimeCodeWithheld replaces a one-time code mail's body in the outbox.
const oneTimeCodeWithheld = "（ワンタイムパスワードのため本文は表示しません）"

type mailItem struct {
	ID        int64  `json:"id"`
	To        string `json:"to"`
	Subject   string `json:"subject"`
	Body      string `json:"body"`
	Transport string `json:"transport"`
	CreatedAt string `json:"created_at"`
	SentAt    string `json:"sent_at,omitempty"`
}

// listMails shows the outbox: every mail the workflows sent, newest first.
func (s *Server) listMails(c *gin.Context) {
	pg, err := readPage(c)
	if err != nil {
		fail(c, err)
		return
	}
	mails, err := s.Store.Mails(c.Request.Context(), pg.Size, pg.offset())
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]mailItem, 0, len(mails))
	for _, m := range mails {
		body := m.Body
		if strings.HasPrefix(m.IdempotencyKey, auth.ChallengeMailPrefix) && !s.ShowOneTimeCodes {
			body = oneTimeCodeWithheld
		}
		items = append(items, mailItem{ID: m.ID, To: m.ToAddress, Subject: m.Subject, Body: body,
			Transport: m.Transport, CreatedAt: timeString(&m.CreatedAt), SentAt: timeString(m.SentAt)})
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "page": pg.Number, "page_size": pg.Size})
}
