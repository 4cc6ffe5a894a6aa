package catalogdb

// Parses is how many service files s has parsed so far.
func Parses(s *Store) int64 { return s.parses.Load() }
