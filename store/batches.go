package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"clearinghouse/models"
)

// Batch statuses.
const (
	BatchProcessing = "processing"
	BatchCompleted  = "completed"
	BatchParked     = "parked"
	BatchDiscarded  = "discarded"
)

// ErrRequestReused reports a request id already used for other content.
var ErrRequestReused = fmt.Errorf("request id already used with other content: %w", ErrConflict)

// Batch is one market request and what became of its contracts.
type Batch struct {
	RequestID     string
	Status        string
	ContractCount int
	ChunkCount    int
	Stored        int
	Duplicate     int
	Conflicting   int
	LastError     string
	WorkflowID    string
	ReceivedAt    time.Time
	FinishedAt    *time.Time
}

// NewBatch is a validated market request ready to be staged.
type NewBatch struct {
	RequestID  string
	Digest     []byte
	Contracts  []models.Contract
	ChunkSize  int
	WorkflowID string
	ReceivedAt time.Time
}

type batchRow struct {
	RequestID     string `gorm:"primaryKey"`
	Digest        []byte
	ContractCount int
	ChunkCount    int
	Status        string
	Stored        int
	Duplicate     int
	Conflicting   int
	LastError     *string
	WorkflowID    string
	ReceivedAt    time.Time
	FinishedAt    *time.Time
}

func (batchRow) TableName() string { return "ingestion_batches" }

func (r batchRow) toBatch() Batch {
	b := Batch{
		RequestID: r.RequestID, Status: r.Status, ContractCount: r.ContractCount,
		ChunkCount: r.ChunkCount, Stored: r.Stored, Duplicate: r.Duplicate,
		Conflicting: r.Conflicting, WorkflowID: r.WorkflowID,
		ReceivedAt: r.ReceivedAt, FinishedAt: r.FinishedAt,
	}
	if r.LastError != nil {
		b.LastError = *r.LastError
	}
	return b
}

// stagedContract is how a contract is kept in a staged chunk: the column
// names jsonb_to_recordset reads back.
type stagedContract struct {
	ContractID string `json:"contract_id"`
	BuyerID    string `json:"buyer_id"`
	SellerID   string `json:"seller_id"`
	ItemCode   string `json:"item_code"`
	Amount     int64  `json:"amount"`
	TradedAt   string `json:"traded_at"`
}

// CreateBatch records a market request and stages its contracts in chunks,
// in one transaction. If the request id is known, it returns the existing
// batch with created false when the content is the same, and
// ErrRequestReused when it is not.
func (s *Store) CreateBatch(ctx context.Context, nb NewBatch) (Batch, bool, error) {
	chunks, err := stageChunks(nb.Contracts, nb.ChunkSize)
	if err != nil {
		return Batch{}, false, err
	}
	row := batchRow{
		RequestID: nb.RequestID, Digest: nb.Digest, ContractCount: len(nb.Contracts),
		ChunkCount: len(chunks), Status: BatchProcessing, WorkflowID: nb.WorkflowID,
		ReceivedAt: nb.ReceivedAt,
	}
	created := false
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(`INSERT INTO ingestion_batches
			(request_id, digest, contract_count, chunk_count, status, workflow_id, received_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING`,
			row.RequestID, row.Digest, row.ContractCount, row.ChunkCount, row.Status,
			row.WorkflowID, row.ReceivedAt)
		if res.Error != nil {
			return fmt.Errorf("recording batch: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return tx.Where("request_id = ?", nb.RequestID).Take(&row).Error
		}
		created = true
		return insertChunks(tx, nb.RequestID, chunks)
	})
	if err != nil {
		return Batch{}, false, fmt.Errorf("creating batch: %w", err)
	}
	if !created && !bytes.Equal(row.Digest, nb.Digest) {
		return row.toBatch(), false, ErrRequestReused
	}
	return row.toBatch(), created, nil
}

func stageChunks(contracts []models.Contract, size int) ([][]byte, error) {
	if size <= 0 {
		size = len(contracts)
	}
	var chunks [][]byte
	for start := 0; start < len(contracts); start += size {
		end := min(start+size, len(contracts))
		staged := make([]stagedContract, 0, end-start)
		for _, c := range contracts[start:end] {
			staged = append(staged, stagedContract{
				ContractID: c.ContractID, BuyerID: c.BuyerID, SellerID: c.SellerID,
				ItemCode: c.ItemCode, Amount: c.Amount,
				TradedAt: c.TradedAt.Format(time.RFC3339Nano),
			})
		}
		data, err := json.Marshal(staged)
		if err != nil {
			return nil, fmt.Errorf("encoding chunk: %w", err)
		}
		chunks = append(chunks, data)
	}
	return chunks, nil
}

func insertChunks(tx *gorm.DB, requestID string, chunks [][]byte) error {
	for i, data := range chunks {
		err := tx.Exec(`INSERT INTO ingestion_chunks (request_id, chunk_no, contracts)
			VALUES (?, ?, ?::jsonb)`, requestID, i, string(data)).Error
		if err != nil {
			return fmt.Errorf("staging chunk %d: %w", i, err)
		}
	}
	return nil
}

// Batch returns a batch by request id. The counts of a batch still in
// progress are those of the chunks stored so far.
func (s *Store) Batch(ctx context.Context, requestID string) (Batch, error) {
	var row batchRow
	if err := s.db.WithContext(ctx).Where("request_id = ?", requestID).Take(&row).Error; err != nil {
		return Batch{}, notFound(err)
	}
	b := row.toBatch()
	if b.Status != BatchProcessing {
		return b, nil
	}
	err := s.db.WithContext(ctx).Raw(`SELECT coalesce(sum(stored), 0) AS stored,
		       coalesce(sum(duplicate), 0) AS duplicate, coalesce(sum(conflicting), 0) AS conflicting
		FROM ingestion_chunks WHERE request_id = ?`, requestID).
		Row().Scan(&b.Stored, &b.Duplicate, &b.Conflicting)
	if err != nil {
		return Batch{}, fmt.Errorf("tallying batch: %w", err)
	}
	return b, nil
}

// BatchFilter selects batches for the operators' list.
type BatchFilter struct {
	Status string
	Limit  int
	Offset int
}

// Batches lists batches newest first, with the total matching the filter.
func (s *Store) Batches(ctx context.Context, f BatchFilter) ([]Batch, int64, error) {
	q := s.db.WithContext(ctx).Model(&batchRow{})
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("counting batches: %w", err)
	}
	var rows []batchRow
	err := q.Order("received_at DESC, request_id").Limit(f.Limit).Offset(f.Offset).Find(&rows).Error
	if err != nil {
		return nil, 0, fmt.Errorf("listing batches: %w", err)
	}
	batches := make([]Batch, len(rows))
	for i, r := range rows {
		batches[i] = r.toBatch()
	}
	return batches, total, nil
}

// Conflict is a contract of a batch refused because its id was stored
// before with other content.
type Conflict struct {
	ContractID string          `json:"contract_id"`
	Reported   json.RawMessage `json:"reported"`
}

// BatchConflicts lists the refused contracts of a batch by contract id.
func (s *Store) BatchConflicts(ctx context.Context, requestID string, limit int) ([]Conflict, error) {
	var rows []struct {
		ContractID string
		Reported   string
	}
	err := s.db.WithContext(ctx).Raw(`SELECT contract_id, reported::text AS reported
		FROM ingestion_conflicts WHERE request_id = ? ORDER BY contract_id LIMIT ?`,
		requestID, limit).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("listing conflicts: %w", err)
	}
	conflicts := make([]Conflict, len(rows))
	for i, r := range rows {
		conflicts[i] = Conflict{ContractID: r.ContractID, Reported: json.RawMessage(r.Reported)}
	}
	return conflicts, nil
}

// SetBatchStatus moves a batch to status, keeping why it failed, if it did.
// Finished batches (completed or discarded) are never moved again.
func (s *Store) SetBatchStatus(ctx context.Context, requestID, status, lastError string, at time.Time) error {
	var finishedAt *time.Time
	if status == BatchCompleted || status == BatchDiscarded {
		finishedAt = &at
	}
	// A discarded batch keeps the error that parked it; a retried one
	// starts clean.
	res := s.db.WithContext(ctx).Exec(`UPDATE ingestion_batches
		SET status = ?, finished_at = ?,
		    last_error = CASE WHEN ? = 'discarded' AND ? = '' THEN last_error ELSE ? END
		WHERE request_id = ? AND status IN ('processing', 'parked')`,
		status, finishedAt, status, lastError, optional(lastError), requestID)
	if res.Error != nil {
		return fmt.Errorf("updating batch status: %w", res.Error)
	}
	return nil
}
