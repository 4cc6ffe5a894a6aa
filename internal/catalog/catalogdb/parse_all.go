package catalogdb

import (
	"context"
	"sync"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/store"
)

// parseAll runs parse(0) … parse(n-1) at once, one goroutine each, and returns the
// services in order, or the error of the first index that failed. A start parses
// the two default services (issue 18: their YAML is most of the start's own CPU), so
// on two cores this halves that part of the start; the catalog holds a handful of
// services, so the goroutines are few.
func parseAll(n int, parse func(i int) (*catalog.Service, error)) ([]*catalog.Service, error) {
	svcs := make([]*catalog.Service, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { svcs[i], errs[i] = parse(i) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return svcs, nil
}

// parseAhead parses, together, the published versions among keys that are not yet
// in the cache, and caches them, so that List's calls to Version find them there.
// It reads their texts in one view. Any failure is left for Version to meet again
// and report as it always has.
func (s *Store) parseAhead(ctx context.Context, keys []versionKey) {
	var missing []versionKey
	s.mu.Lock()
	for _, k := range keys {
		if _, ok := s.parse[k]; !ok {
			missing = append(missing, k)
		}
	}
	s.mu.Unlock()
	if len(missing) < 2 {
		return
	}
	texts := make([]string, len(missing))
	effs := make([]int64, len(missing))
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		for i, k := range missing {
			if err := tx.QueryRow(ctx, `SELECT yaml, effective_from FROM service_versions
				WHERE service = ? AND version = ? AND status = 'published'`, k.service, k.version).Scan(&texts[i], &effs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return
	}
	svcs, err := parseAll(len(missing), func(i int) (*catalog.Service, error) {
		return parsePublished(missing[i].service, missing[i].version, texts[i], store.FromMillis(effs[i]))
	})
	if err != nil {
		return
	}
	s.parses.Add(int64(len(missing)))
	s.mu.Lock()
	for i, k := range missing {
		s.parse[k] = svcs[i]
	}
	s.mu.Unlock()
}
