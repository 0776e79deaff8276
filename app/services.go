package app

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"clearinghouse/activities"
	"clearinghouse/documents"
	"clearinghouse/mail"
)

// OpenDocuments keeps PDFs in S3 when a bucket is named, else in a local
// folder under dataDir.
func OpenDocuments(ctx context.Context, bucket, dataDir string) (documents.Store, error) {
	if bucket == "" {
		return documents.NewLocal(filepath.Join(dataDir, "documents"))
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w", err)
	}
	return documents.NewS3(s3.NewFromConfig(cfg), bucket), nil
}

// OpenMailer sends through SES when a sender address is set; nil otherwise
// (mail stays in the outbox).
func OpenMailer(ctx context.Context, from string) (activities.Mailer, error) {
	if from == "" {
		return nil, nil
	}
	ses, err := mail.NewSES(ctx, from)
	if err != nil {
		return nil, err
	}
	return sesMailer{ses}, nil
}

// sesMailer adapts the SES sender to the activities' Mailer.
type sesMailer struct{ ses *mail.SES }

func (m sesMailer) Send(ctx context.Context, to, subject, body string) error {
	return m.ses.Send(ctx, mail.Message{To: to, Subject: subject, Body: body})
}
