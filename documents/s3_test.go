package documents

import (
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

const testBucket = "documents"

// newTestS3 starts an in-memory S3 server on the loopback interface and
// returns a real S3 client pointed at it, with no other source of
// configuration or credentials.
func newTestS3(t *testing.T) *s3.Client {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket(testBucket); err != nil {
		t.Fatalf("creating bucket: %v", err)
	}
	server := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(server.Close)

	endpoint := server.URL
	return s3.New(s3.Options{
		Region:       "ap-northeast-1",
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: &endpoint,
		UsePathStyle: true,
		HTTPClient:   server.Client(),
	})
}

func TestS3(t *testing.T) {
	testStore(t, NewS3(newTestS3(t), testBucket))
}

func TestS3StoresContentType(t *testing.T) {
	client := newTestS3(t)
	key := NewKey("invoices", time.Now())
	putAndCheck(t, NewS3(client, testBucket), key, buildPDF(t, 1000))

	bucket := testBucket
	head, err := client.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		t.Fatalf("HeadObject(%q): %v", key, err)
	}
	got := "(none)"
	if head.ContentType != nil {
		got = *head.ContentType
	}
	if got != ContentType {
		t.Errorf("content type of %q = %q, want %q", key, got, ContentType)
	}
}

func TestS3MissingBucketIsNotNotFound(t *testing.T) {
	store := NewS3(newTestS3(t), "no-such-bucket")
	_, _, err := store.Get(t.Context(), "invoices/2026/12/x.pdf")
	if err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("Get from a missing bucket error = %v, want another error than %v",
			err, ErrNotFound)
	}
}
