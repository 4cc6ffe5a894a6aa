package kpi

import (
	"context"
	"time"
)

// VisitFunc adapts a function to VisitSource, so that cmd/miz can wire another
// module's aggregate without that module importing kpi.
type VisitFunc func(ctx context.Context, service string, from, to time.Time) (Visits, error)

// Visits calls f.
func (f VisitFunc) Visits(ctx context.Context, service string, from, to time.Time) (Visits, error) {
	return f(ctx, service, from, to)
}

// FirstResponseFunc adapts a function to FirstResponseSource.
type FirstResponseFunc func(ctx context.Context, service string, from, to time.Time) (Stats, error)

// FirstResponse calls f.
func (f FirstResponseFunc) FirstResponse(ctx context.Context, service string, from, to time.Time) (Stats, error) {
	return f(ctx, service, from, to)
}

// ComplaintFunc adapts a function to ComplaintSource.
type ComplaintFunc func(ctx context.Context, service string, from, to time.Time) (Complaints, error)

// Complaints calls f.
func (f ComplaintFunc) Complaints(ctx context.Context, service string, from, to time.Time) (Complaints, error) {
	return f(ctx, service, from, to)
}

// SatisfactionFunc adapts a function to SatisfactionSource.
type SatisfactionFunc func(ctx context.Context, service string, from, to time.Time) (Satisfaction, error)

// Satisfaction calls f.
func (f SatisfactionFunc) Satisfaction(ctx context.Context, service string, from, to time.Time) (Satisfaction, error) {
	return f(ctx, service, from, to)
}
