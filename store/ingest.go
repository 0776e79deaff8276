package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// ChunkResult counts what became of one staged chunk's contracts.
type ChunkResult struct {
	Stored      int
	Duplicate   int
	Conflicting int
}

// incomingSQL reads a staged chunk back as rows. Inserts order them by
// contract id so that concurrent chunks take their row locks in one order.
const incomingSQL = `
	SELECT x.contract_id, x.buyer_id, x.seller_id, x.item_code, x.amount, x.traded_at
	FROM ingestion_chunks c,
	     jsonb_to_recordset(c.contracts) AS x(contract_id text, buyer_id text,
	         seller_id text, item_code text, amount bigint, traded_at timestamptz)
	WHERE c.request_id = @request_id AND c.chunk_no = @chunk_no`

// StoreChunk moves one staged chunk into the contracts (and so the history),
// in one transaction, entirely inside the database. New contract ids are
// stored; ids stored before with the same content count as duplicates; ids
// stored before with other content are refused and kept as conflicts. It is
// idempotent: a chunk processed before returns its recorded result.
func (s *Store) StoreChunk(ctx context.Context, id string, chunkNo int, now time.Time) (ChunkResult, error) {
	var res ChunkResult
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		res, err = storeChunk(tx, id, chunkNo, now)
		return err
	})
	if err != nil {
		return ChunkResult{}, fmt.Errorf("storing chunk %d of %s: %w", chunkNo, id, err)
	}
	return res, nil
}

func storeChunk(tx *gorm.DB, requestID string, chunkNo int, now time.Time) (ChunkResult, error) {
	args := map[string]any{"request_id": requestID, "chunk_no": chunkNo, "now": now}

	var chunk struct {
		Size        int
		ProcessedAt *time.Time
		Stored      *int
		Duplicate   *int
		Conflicting *int
	}
	err := tx.Raw(`SELECT jsonb_array_length(contracts) AS size, processed_at,
		       stored, duplicate, conflicting
		FROM ingestion_chunks
		WHERE request_id = @request_id AND chunk_no = @chunk_no FOR UPDATE`, args).
		Scan(&chunk).Error
	if err != nil {
		return ChunkResult{}, err
	}
	if chunk.Size == 0 {
		return ChunkResult{}, ErrNotFound
	}
	if chunk.ProcessedAt != nil {
		return ChunkResult{*chunk.Stored, *chunk.Duplicate, *chunk.Conflicting}, nil
	}
	// Pass the closing gate in a statement of its own, so that the insert
	// below runs on a snapshot taken after any closing that held us up.
	if err := tx.Exec(`SELECT pg_advisory_xact_lock_shared(?)`, contractsGate).Error; err != nil {
		return ChunkResult{}, err
	}

	inserted := tx.Exec(`
		INSERT INTO contracts (contract_id, buyer_id, seller_id, item_code, amount,
		                       traded_at, trade_month, request_id, late, received_at)
		SELECT i.contract_id, i.buyer_id, i.seller_id, i.item_code, i.amount, i.traded_at,
		       date_trunc('month', i.traded_at AT TIME ZONE 'Asia/Tokyo')::date,
		       @request_id, `+lateSQL+`, @now
		FROM (`+incomingSQL+`) i
		ORDER BY i.contract_id
		ON CONFLICT (contract_id) DO NOTHING`, args)
	if inserted.Error != nil {
		return ChunkResult{}, inserted.Error
	}
	conflicts := tx.Exec(`
		INSERT INTO ingestion_conflicts (request_id, contract_id, reported)
		SELECT @request_id, i.contract_id, to_jsonb(i)
		FROM (`+incomingSQL+`) i JOIN contracts k USING (contract_id)
		WHERE (k.buyer_id, k.seller_id, k.item_code, k.amount, k.traded_at)
		      IS DISTINCT FROM (i.buyer_id, i.seller_id, i.item_code, i.amount, i.traded_at)
		ON CONFLICT DO NOTHING`, args)
	if conflicts.Error != nil {
		return ChunkResult{}, conflicts.Error
	}

	res := ChunkResult{Stored: int(inserted.RowsAffected), Conflicting: int(conflicts.RowsAffected)}
	res.Duplicate = chunk.Size - res.Stored - res.Conflicting
	err = tx.Exec(`UPDATE ingestion_chunks
		SET stored = ?, duplicate = ?, conflicting = ?, processed_at = ?
		WHERE request_id = ? AND chunk_no = ?`,
		res.Stored, res.Duplicate, res.Conflicting, now, requestID, chunkNo).Error
	return res, err
}

// lateSQL marks a contract late when its month was already closed. A
// closing holds the contracts gate while it runs, so a contract is either
// counted by its month's closing or marked late, never neither.
const lateSQL = `EXISTS (SELECT 1 FROM month_closings mc
	WHERE mc.month = date_trunc('month', i.traded_at AT TIME ZONE 'Asia/Tokyo')::date)`

// FinishBatch adds up the chunks' results into the batch and marks it
// completed. It fails if a chunk has not been processed.
func (s *Store) FinishBatch(ctx context.Context, requestID string, now time.Time) (Batch, error) {
	var row batchRow
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(`
			UPDATE ingestion_batches b SET
			    stored = t.stored, duplicate = t.duplicate, conflicting = t.conflicting,
			    status = 'completed', last_error = NULL, finished_at = ?
			FROM (SELECT sum(stored) AS stored, sum(duplicate) AS duplicate,
			             sum(conflicting) AS conflicting, count(processed_at) AS done,
			             count(*) AS chunks
			      FROM ingestion_chunks WHERE request_id = ?) t
			WHERE b.request_id = ? AND t.done = t.chunks AND b.status <> 'discarded'`,
			now, requestID, requestID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("batch %s has unprocessed chunks or is discarded: %w",
				requestID, ErrConflict)
		}
		return tx.Where("request_id = ?", requestID).Take(&row).Error
	})
	if err != nil {
		return Batch{}, fmt.Errorf("finishing batch: %w", err)
	}
	return row.toBatch(), nil
}

// TallyBatch adds up the results of the chunks processed so far, for a
// batch that stopped before the end.
func (s *Store) TallyBatch(ctx context.Context, requestID string) error {
	err := s.db.WithContext(ctx).Exec(`
		UPDATE ingestion_batches b SET
		    stored = t.stored, duplicate = t.duplicate, conflicting = t.conflicting
		FROM (SELECT coalesce(sum(stored), 0) AS stored,
		             coalesce(sum(duplicate), 0) AS duplicate,
		             coalesce(sum(conflicting), 0) AS conflicting
		      FROM ingestion_chunks WHERE request_id = ?) t
		WHERE b.request_id = ?`, requestID, requestID).Error
	if err != nil {
		return fmt.Errorf("tallying batch: %w", err)
	}
	return nil
}
