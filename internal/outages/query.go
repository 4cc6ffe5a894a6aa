package outages

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

const outageColumns = `id, kind, impact, all_services, starts_at, ends_at, notice_fa, notice_en,
	created_by, created_at, announced_at, notified`

type scanner interface{ Scan(dest ...any) error }

func scanOutage(row scanner) (Outage, error) {
	var o Outage
	var start, created, announced int64
	var end sql.NullInt64
	err := row.Scan(&o.ID, &o.Kind, &o.Impact, &o.AllServices, &start, &end, &o.NoticeFa, &o.NoticeEn,
		&o.CreatedBy, &created, &announced, &o.Notified)
	o.Start, o.End, o.CreatedAt = store.FromMillis(start), store.NullMillis(end), store.FromMillis(created)
	o.AnnouncedAt = store.FromMillis(announced)
	return o, err
}

// query lists outages matching a WHERE clause, with their services, ordered by start.
func query(ctx context.Context, tx *store.Tx, where string, args ...any) ([]Outage, error) {
	rows, err := tx.Query(ctx, "SELECT "+outageColumns+" FROM outages WHERE "+where, args...)
	if err != nil {
		return nil, fmt.Errorf("outages: list: %w", err)
	}
	var out []Outage
	for rows.Next() {
		o, err := scanOutage(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("outages: list: %w", err)
		}
		out = append(out, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("outages: list: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]any, len(out))
	index := make(map[int64]int, len(out))
	for i, o := range out {
		ids[i], index[o.ID] = o.ID, i
	}
	rows, err = tx.Query(ctx, "SELECT outage_id, service FROM outage_services WHERE outage_id IN (?"+
		strings.Repeat(", ?", len(ids)-1)+") ORDER BY service", ids...)
	if err != nil {
		return nil, fmt.Errorf("outages: services: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var svc string
		if err := rows.Scan(&id, &svc); err != nil {
			return nil, fmt.Errorf("outages: services: %w", err)
		}
		out[index[id]].Services = append(out[index[id]].Services, svc)
	}
	return out, rows.Err()
}

// Get returns one outage.
func (s *Service) Get(ctx context.Context, id int64) (*Outage, error) {
	var out []Outage
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = query(ctx, tx, "id = ?", id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, &problem.Error{Code: problem.NotFound, Key: "outages.not_found", Err: store.ErrNotFound}
	}
	return &out[0], nil
}

// Overlapping lists the outages that overlap [from, to), oldest first; an ongoing
// outage overlaps everything after its start.
func (s *Service) Overlapping(ctx context.Context, from, to time.Time) ([]Outage, error) {
	var out []Outage
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = overlapping(ctx, tx, from, to)
		return err
	})
	return out, err
}

func overlapping(ctx context.Context, tx *store.Tx, from, to time.Time) ([]Outage, error) {
	return query(ctx, tx, "starts_at < ? AND (ends_at IS NULL OR ends_at > ?) ORDER BY starts_at, id",
		store.Millis(to), store.Millis(from))
}

// Recent lists outages that started since a time, newest first, at most limit.
func (s *Service) Recent(ctx context.Context, since time.Time, limit int) ([]Outage, error) {
	var out []Outage
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = query(ctx, tx, "starts_at >= ? ORDER BY starts_at DESC, id DESC LIMIT ?", store.Millis(since), limit)
		return err
	})
	return out, err
}
