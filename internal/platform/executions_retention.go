package platform

import (
	"context"
	"time"
)

// retentionLoop deletes execution records older than keep, once every
// interval, until Close. Several replicas sweeping at once only repeat a
// harmless delete.
func (s *Server) retentionLoop(keep, every time.Duration) {
	defer s.wg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
			s.sweepExecutions(keep)
		}
	}
}

// sweepExecutions runs one retention pass.
func (s *Server) sweepExecutions(keep time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s.sweepAsync(ctx, keep)
	n, err := s.store.DeleteExecutionsBefore(ctx, s.now().Add(-keep))
	if err != nil {
		s.log.Warn("deleting old execution records", "err", err)
	} else if n > 0 {
		s.log.Debug("deleted old execution records", "count", n, "retention", keep)
	}
}
