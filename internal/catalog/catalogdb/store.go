// Package catalogdb keeps the versions of the catalog's services in the database and
// publishes them: an editor writes a draft, sends it to review, and a supervisor who
// did not write it publishes it with an effective date and a change summary (SLA
// C-4.6, §8). Cases keep the version they began under, so every published version
// stays readable for as long as the database holds it.
//
// Parsed services are cached in memory. The cache follows a generation counter kept
// in the database, which every publication increases, so that several instances of
// Miz in front of one database stay in step.
package catalogdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Store is the database-backed catalog. Its zero value is not usable; call New.
type Store struct {
	DB *store.DB
	// Now is the clock deciding which version is in force; nil means time.Now.
	Now func() time.Time
	// Notify, if not nil, is called inside the publishing transaction to tell one
	// applicant about a change; nil uses the standard in-app notice and e-mail.
	Notify func(ctx context.Context, tx *store.Tx, n Notice) error
	// BaseURL is the desk's public address, for links in e-mails; empty leaves them out.
	BaseURL string

	mu    sync.Mutex
	gen   int64 // generation the index was read at; -1 before the first read
	index map[string][]published
	order []string                        // services in the order they were first seeded
	parse map[versionKey]*catalog.Service // published versions never change
	// parses counts the service files this store parsed at start-up and on reads
	// (issue 18: each published text once; tests read it).
	parses atomic.Int64
}

// published is one published version in the cache's index.
type published struct {
	version       int
	effectiveFrom time.Time
}

type versionKey struct {
	service string
	version int
}

// New returns a store over db.
func New(db *store.DB) *Store {
	return &Store{DB: db, gen: -1, parse: map[versionKey]*catalog.Service{}}
}

func (s *Store) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Seed stores each source as published version 1 of its service, effective from the
// day its file names, unless the service already has a version. It runs at start.
//
// A source whose text is already stored as a published version is not parsed again
// (issue 18: a restart parsed both default files for nothing); the sources it does
// store are parsed once, written in one transaction (one synced commit on a first
// start), and their parse is what Version returns for them.
func (s *Store) Seed(ctx context.Context, sources []catalog.Source) error {
	type seed struct {
		svc  *catalog.Service
		text string
		eff  time.Time
	}
	var fresh []catalog.Source
	for _, src := range sources {
		stored, err := s.storedText(ctx, src.Data)
		if err != nil {
			return fmt.Errorf("catalogdb: seed %s: %w", src.Name, err)
		}
		if !stored { // else its service has a version: this very text
			fresh = append(fresh, src)
		}
	}
	s.parses.Add(int64(len(fresh)))
	svcs, err := parseAll(len(fresh), func(i int) (*catalog.Service, error) { // a first start's parses, side by side
		svc, err := catalog.Parse(fresh[i].Name, fresh[i].Data)
		if err != nil {
			return nil, fmt.Errorf("catalogdb: seed %s: %w", fresh[i].Name, err)
		}
		return svc, nil
	})
	if err != nil {
		return err
	}
	var todo []seed
	for i, svc := range svcs {
		todo = append(todo, seed{svc: svc, text: string(fresh[i].Data), eff: dayStart(svc.EffectiveFrom)})
	}
	if len(todo) == 0 {
		return nil
	}
	var inserted []seed
	err = s.DB.Update(ctx, func(tx *store.Tx) error {
		inserted = inserted[:0]
		if err := tx.Lock(ctx, lockKey); err != nil {
			return err
		}
		now := store.Millis(tx.Now)
		for _, sd := range todo {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM service_versions WHERE service = ?`, sd.svc.ID).Scan(&n); err != nil {
				return fmt.Errorf("%s: %w", sd.svc.ID, err)
			}
			if n > 0 {
				continue
			}
			_, err := tx.Exec(ctx, `INSERT INTO service_versions (service, version, status, yaml, effective_from,
				created_at, updated_at, submitted_at, published_at) VALUES (?, ?, 'published', ?, ?, ?, ?, ?, ?)`,
				sd.svc.ID, sd.svc.Version, sd.text, store.Millis(sd.eff), now, now, now, now)
			if err != nil {
				return fmt.Errorf("%s: %w", sd.svc.ID, err)
			}
			inserted = append(inserted, sd)
		}
		if len(inserted) == 0 {
			return nil
		}
		return bumpGeneration(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("catalogdb: seed: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sd := range inserted { // what parsePublished would make of the rows just written
		withEffective(sd.svc, store.FromMillis(store.Millis(sd.eff)))
		s.parse[versionKey{sd.svc.ID, sd.svc.Version}] = sd.svc
	}
	return nil
}

// storedText reports whether text is stored, byte for byte, as a published version.
// The service and version it belongs to are the ones its id and version lines name:
// publication and Seed store nothing else.
func (s *Store) storedText(ctx context.Context, text []byte) (bool, error) {
	var n int
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT COUNT(*) FROM service_versions WHERE status = 'published' AND yaml = ?`,
			string(text)).Scan(&n)
	})
	return n > 0, err
}

// lockKey serialises version numbering and publication on PostgreSQL.
const lockKey = 0x6d697a636174 // "mizcat"

func bumpGeneration(ctx context.Context, tx *store.Tx) error {
	_, err := tx.Exec(ctx, `UPDATE catalog_state SET generation = generation + 1 WHERE id = 1`)
	return err
}

// dayStart is the first instant of a catalog day in Tehran, where the desk works.
func dayStart(d catalog.Date) time.Time { return d.In(jalali.Tehran()) }

// Catalog resolves a service at a version, 0 meaning the version new cases use now;
// its method value is a cases.Catalog. An unknown service is a problem about the
// "service" field, as the case engine expects.
func (s *Store) Catalog(ctx context.Context, id string, version int) (*catalog.Service, error) {
	if version == 0 {
		return s.Current(ctx, id)
	}
	return s.Version(ctx, id, version)
}

// Current returns the published version of a service in force now: the one with the
// latest effective date not after now (SLA §8).
func (s *Store) Current(ctx context.Context, id string) (*catalog.Service, error) {
	if err := s.refresh(ctx); err != nil {
		return nil, err
	}
	v, ok := s.inForce(id, s.now())
	if !ok {
		return nil, problem.Field("service", "cases.service.unknown", id)
	}
	return s.Version(ctx, id, v)
}

// inForce finds the version of id in force at t in the cached index.
func (s *Store) inForce(id string, t time.Time) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	best, found := published{}, false
	for _, p := range s.index[id] {
		if p.effectiveFrom.After(t) {
			continue
		}
		if !found || p.effectiveFrom.After(best.effectiveFrom) ||
			(p.effectiveFrom.Equal(best.effectiveFrom) && p.version > best.version) {
			best, found = p, true
		}
	}
	return best.version, found
}

// Version returns published version n of a service, whether or not it is still in
// force: cases opened under it go on using it.
func (s *Store) Version(ctx context.Context, id string, n int) (*catalog.Service, error) {
	k := versionKey{id, n}
	s.mu.Lock()
	svc, ok := s.parse[k]
	s.mu.Unlock()
	if ok {
		return svc, nil
	}
	var text string
	var eff int64
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT yaml, effective_from FROM service_versions
			WHERE service = ? AND version = ? AND status = 'published'`, id, n).Scan(&text, &eff)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, problem.New(problem.NotFound, "catalog.version.unknown", id, n)
	}
	if err != nil {
		return nil, fmt.Errorf("catalogdb: %s v%d: %w", id, n, err)
	}
	s.parses.Add(1)
	svc, err = parsePublished(id, n, text, store.FromMillis(eff))
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.parse[k] = svc
	s.mu.Unlock()
	return svc, nil
}

// parsePublished parses a stored version. The effective date in the database is the
// one the publisher chose, and wins over the file's.
func parsePublished(id string, n int, text string, eff time.Time) (*catalog.Service, error) {
	svc, err := catalog.Parse(fmt.Sprintf("%s v%d", id, n), []byte(text))
	if err != nil {
		return nil, fmt.Errorf("catalogdb: stored %s v%d does not parse: %w", id, n, err)
	}
	withEffective(svc, eff)
	return svc, nil
}

// withEffective sets the effective date of svc to the Tehran day of eff, unless eff
// is zero.
func withEffective(svc *catalog.Service, eff time.Time) {
	if !eff.IsZero() {
		t := eff.In(jalali.Tehran())
		svc.EffectiveFrom = catalog.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
	}
}

// List returns the version in force now of every service, in the order the services
// were first seeded or drafted; services with no version in force yet are left out.
func (s *Store) List(ctx context.Context) ([]*catalog.Service, error) {
	if err := s.refresh(ctx); err != nil {
		return nil, err
	}
	s.mu.Lock()
	ids := append([]string(nil), s.order...)
	s.mu.Unlock()
	now := s.now()
	var keys []versionKey
	for _, id := range ids {
		if v, ok := s.inForce(id, now); ok {
			keys = append(keys, versionKey{id, v})
		}
	}
	s.parseAhead(ctx, keys) // parse_all.go: a restart's parses, side by side
	var out []*catalog.Service
	for _, k := range keys {
		svc, err := s.Version(ctx, k.service, k.version)
		if err != nil {
			return nil, err
		}
		out = append(out, svc)
	}
	return out, nil
}

// refresh rereads the index of published versions when another publication (here or
// in another instance) has moved the generation on.
func (s *Store) refresh(ctx context.Context) error {
	var gen int64
	index := map[string][]published{}
	var order []string
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT generation FROM catalog_state WHERE id = 1`).Scan(&gen); err != nil {
			return err
		}
		s.mu.Lock()
		fresh := gen == s.gen
		s.mu.Unlock()
		if fresh {
			return nil
		}
		rows, err := tx.Query(ctx, `SELECT service, version, effective_from, status FROM service_versions ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		seen := map[string]bool{}
		for rows.Next() {
			var id, status string
			var v int
			var eff int64
			if err := rows.Scan(&id, &v, &eff, &status); err != nil {
				return err
			}
			if !seen[id] {
				seen[id] = true
				order = append(order, id)
			}
			if status == string(StatusPublished) {
				index[id] = append(index[id], published{version: v, effectiveFrom: store.FromMillis(eff)})
			}
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("catalogdb: refresh: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if gen != s.gen && order != nil {
		for id := range index {
			sort.Slice(index[id], func(i, j int) bool { return index[id][i].version < index[id][j].version })
		}
		s.gen, s.index, s.order = gen, index, order
	}
	return nil
}
