package documents

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// S3 keeps documents as objects in an Amazon S3 bucket, for production.
type S3 struct {
	client *s3.Client
	bucket string
}

// NewS3 returns an S3 store that keeps objects in bucket through client.
func NewS3(client *s3.Client, bucket string) *S3 {
	return &S3{client: client, bucket: bucket}
}

// Put uploads data as the object named key. S3 replaces an object whole, so
// uploading the same content again leaves the same object.
func (s *S3) Put(ctx context.Context, key string, data []byte) error {
	if err := checkKey(key); err != nil {
		return err
	}
	size := int64(len(data))
	contentType := ContentType
	_, err := s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        &s.bucket,
		Key:           &key,
		Body:          bytes.NewReader(data),
		ContentLength: &size,
		ContentType:   &contentType,
	})
	if err != nil {
		return fmt.Errorf("uploading document: %w", err)
	}
	return nil
}

// Delete removes the object named key; S3 answers a missing one alike.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if _, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.bucket, Key: &key}); err != nil {
		return fmt.Errorf("deleting document: %w", err)
	}
	return nil
}

// Get downloads the object named key.
func (s *S3) Get(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	if err := checkKey(key); err != nil {
		return nil, 0, err
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: &key})
	if _, missing := errors.AsType[*types.NoSuchKey](err); missing {
		return nil, 0, ErrNotFound
	}
	if err != nil {
		return nil, 0, fmt.Errorf("downloading document: %w", err)
	}
	if out.ContentLength == nil {
		out.Body.Close()
		return nil, 0, errors.New("downloading document: no content length")
	}
	return out.Body, *out.ContentLength, nil
}
