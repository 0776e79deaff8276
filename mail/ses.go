// Package mail sends mail to people: invoice notices, reminders and alerts.
// In production it goes through Amazon SES.
package mail

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
)

// charset is declared for subject and body so that Japanese text arrives
// intact.
const charset = "UTF-8"

// Message is one plain-text mail to one recipient.
type Message struct {
	To      string
	Subject string
	Body    string
}

// SES sends mail through the Amazon SES v2 API from one verified address.
type SES struct {
	Client *sesv2.Client
	From   string
}

// NewSES returns an SES sender configured from the standard AWS sources
// (environment, shared files, instance role) that sends from the address from.
func NewSES(ctx context.Context, from string) (*SES, error) {
	if from == "" {
		return nil, errors.New("creating mail sender: no sender address")
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w", err)
	}
	return &SES{Client: sesv2.NewFromConfig(cfg), From: from}, nil
}

// Send sends m as a plain-text mail.
func (s *SES) Send(ctx context.Context, m Message) error {
	if m.To == "" {
		return errors.New("sending mail: no recipient")
	}
	content := &types.EmailContent{Simple: &types.Message{
		Subject: text(m.Subject),
		Body:    &types.Body{Text: text(m.Body)},
	}}
	_, err := s.Client.SendEmail(ctx, &sesv2.SendEmailInput{
		FromEmailAddress: &s.From,
		Destination:      &types.Destination{ToAddresses: []string{m.To}},
		Content:          content,
	})
	if err != nil {
		return fmt.Errorf("sending mail: %w", err)
	}
	return nil
}

// text wraps s as SES content in UTF-8.
func text(s string) *types.Content {
	cs := charset
	return &types.Content{Data: &s, Charset: &cs}
}
