package ratelimit

import (
	"context"
	"errors"
)

// ErrUnavailable is returned by a Fallback that refuses when its shared
// store fails: the caller answers 503 rather than admit unchecked traffic.
var ErrUnavailable = errors.New("the shared rate-limit store is unavailable")

// Fallback enforces limits with Shared (Redis) and, when that fails, with
// Local — or refuses with ErrUnavailable when Local is nil. OnFailure hears
// of every failure, for logs and metrics.
type Fallback struct {
	Shared interface {
		Limiter
		Counter
	}
	Local interface {
		Limiter
		Counter
	}
	OnFailure func(error)
}

var (
	_ Limiter = (*Fallback)(nil)
	_ Counter = (*Fallback)(nil)
)

// Allow implements Limiter.
func (f *Fallback) Allow(ctx context.Context, key string, l Limit) (Decision, error) {
	d, err := f.Shared.Allow(ctx, key, l)
	if err == nil || ctx.Err() != nil {
		return d, err
	}
	if err := f.failed(err); err != nil {
		return Decision{}, err
	}
	return f.Local.Allow(ctx, key, l)
}

// Take implements Counter.
func (f *Fallback) Take(ctx context.Context, key string, q Quota) (Decision, error) {
	d, err := f.Shared.Take(ctx, key, q)
	if err == nil || ctx.Err() != nil {
		return d, err
	}
	if err := f.failed(err); err != nil {
		return Decision{}, err
	}
	return f.Local.Take(ctx, key, q)
}

func (f *Fallback) failed(err error) error {
	if f.OnFailure != nil {
		f.OnFailure(err)
	}
	if f.Local == nil {
		return errors.Join(ErrUnavailable, err)
	}
	return nil
}
