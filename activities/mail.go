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

// AlertMailNotSent is raised when a mail has nobody to go to: the broker
// has no billing contact, and an operator must reach it another way.
const AlertMailNotSent = "mail_not_sent"

// SendMailInput is a mail and the key that makes sending it happen once.
// Queued means the mail is already in the outbox under Key (its content
// is read from there, not carried here).
type SendMailInput struct {
	Key     string
	To      string
	Subject string
	Body    string
	Queued  bool
}

// SendMail records the mail in the outbox and sends it once: a retried
// activity finds it sent and does nothing. A crash between sending and
// recording can still send twice; mail is the one effect we cannot make
// transactional.
func (a *Activities) SendMail(ctx context.Context, in SendMailInput) error {
	if in.To == "" && !in.Queued {
		return a.RaiseAlert(ctx, RaiseAlertInput{
			Key: AlertMailNotSent + ":" + in.Key, Kind: AlertMailNotSent, Subject: in.Key,
			Message: "「" + in.Subject + "」 was not sent: the broker has no billing e-mail address; " +
				"register one under 取引先 and tell the broker another way",
		})
	}
	m, err := a.Store.RecordMail(ctx, store.Mail{
		IdempotencyKey: in.Key, ToAddress: in.To, Subject: in.Subject, Body: in.Body,
		Transport: "outbox", CreatedAt: a.Now(),
	})
	if err != nil {
		return err
	}
	if m.SentAt != nil || m.ToAddress == "" {
		return nil
	}
	if a.Mailer == nil {
		return a.Store.MarkMailSent(ctx, m.ID, "outbox", a.Now())
	}
	if err := a.Mailer.Send(ctx, m.ToAddress, m.Subject, m.Body); err != nil {
		return err
	}
	return a.Store.MarkMailSent(ctx, m.ID, "ses", a.Now())
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
