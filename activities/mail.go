package activities

import (
	"context"
	"errors"

	"clearinghouse/store"
)

// MailMessage is one mail to send.
type MailMessage struct {
	To      string
	Subject string
	Body    string
}

// Mailer sends mail. The SES sender implements it in production; without
// one, mail stays in the outbox table, which operators read in dev.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// SendMailInput is a mail and the key that makes sending it happen once.
type SendMailInput struct {
	Key     string
	To      string
	Subject string
	Body    string
}

// SendMail records the mail in the outbox and sends it once: a retried
// activity finds it sent and does nothing. A crash between sending and
// recording can still send twice; mail is the one effect we cannot make
// transactional.
func (a *Activities) SendMail(ctx context.Context, in SendMailInput) error {
	if in.To == "" {
		a.Log.Warn("mail not sent: no address", "subject", in.Subject)
		return nil
	}
	transport := "outbox"
	if a.Mailer != nil {
		transport = "ses"
	}
	m, err := a.Store.RecordMail(ctx, store.Mail{
		IdempotencyKey: in.Key, ToAddress: in.To, Subject: in.Subject, Body: in.Body,
		Transport: transport, CreatedAt: a.Now(),
	})
	if err != nil {
		return err
	}
	if m.SentAt != nil {
		return nil
	}
	if a.Mailer != nil {
		if err := a.Mailer.Send(ctx, in.To, in.Subject, in.Body); err != nil {
			return err
		}
	}
	return a.Store.MarkMailSent(ctx, m.ID, a.Now())
}

// BillingContact returns a broker's billing e-mail address, "" if none.
func (a *Activities) BillingContact(ctx context.Context, brokerID string) (string, error) {
	c, err := a.Store.CounterpartyByID(ctx, brokerID)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return c.BillingEmail, nil
}
