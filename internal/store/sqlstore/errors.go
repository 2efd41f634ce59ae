package sqlstore

import (
	"errors"
	"fmt"
	"strings"

	"github.com/portico-dev/portico/internal/model"
)

var sentinels = []error{
	model.ErrInvalid, model.ErrNotFound, model.ErrConflict, model.ErrInUse,
	model.ErrUnavailable, model.ErrUnauthenticated, model.ErrForbidden,
}

// fail gives a driver error its model sentinel (busy, unreachable, unique
// violation), so that callers can map it; errors that already carry one pass
// through.
func (s *Store) fail(err error) error {
	if err == nil {
		return nil
	}
	for _, e := range sentinels {
		if errors.Is(err, e) {
			return err
		}
	}
	if s.d.Classify != nil {
		if sentinel := s.d.Classify(err); sentinel != nil {
			return fmt.Errorf("%w: %s store: %w", sentinel, s.d.Name, err)
		}
	}
	return fmt.Errorf("%s store: %w", s.d.Name, err)
}

// notFound is the error for a missing thing, e.g. notFound("environment %q", "dev").
func notFound(format string, args ...any) error {
	return fmt.Errorf("%w: %s", model.ErrNotFound, fmt.Sprintf(format, args...))
}

// joinList joins names for a message: "a, b".
func joinList(items []string) string { return strings.Join(items, ", ") }
