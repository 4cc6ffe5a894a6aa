package tlog

// WithoutCache returns a copy of l that reads every proof's hashes and size from the
// database, to compare cached proofs against.
func (l *Log) WithoutCache() *Log {
	c := *l
	c.cache = nil
	return &c
}
