package runtime

import (
	"context"
	"fmt"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// updateLoop polls the source and swaps in every snapshot that compiles,
// until ctx ends. It is the only writer of the serving pointer (until
// shutdown) and of the status.
func (r *Runtime) updateLoop(ctx context.Context) {
	bo := backoff{min: r.cfg.RetryMin, max: r.cfg.RetryMax}
	seen := int64(-1) // the newest revision received, whether it compiled or not
	var outageSince time.Time
	cacheTried := false
	// tryCache serves the disk cache when nothing serves yet; once per run,
	// since the file only changes when something from the source served.
	tryCache := func() {
		if cacheTried || r.current.Load() != nil {
			return
		}
		cacheTried = true
		if rev, ok := r.loadCache(ctx); ok {
			seen = max(seen, rev)
		}
	}
	for ctx.Err() == nil {
		start := time.Now()
		snap, current, err := r.cfg.Source.Poll(ctx, seen)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			if outageSince.IsZero() {
				outageSince = time.Now()
				r.log.Warn("cannot fetch snapshots; still serving what this runtime holds and retrying with backoff",
					"revision", r.Status().Revision, "err", err)
			} else {
				r.log.Debug("snapshot poll failed again", "err", err)
			}
			r.publish(func(s *Status) { s.Connected, s.SourceError = false, err.Error() })
			tryCache()
			sleep(ctx, bo.next())
			continue
		}
		bo.reset()
		if !outageSince.IsZero() {
			r.log.Info("snapshot source reachable again", "after", time.Since(outageSince).Round(time.Millisecond))
			outageSince = time.Time{}
		}
		if s := r.Status(); !s.Connected || s.SourceError != "" {
			r.publish(func(s *Status) { s.Connected, s.SourceError = true, "" })
		}
		if snap == nil {
			if current < seen {
				r.log.Warn("the environment's revision went back (was it deleted and created again?); fetching its snapshot whole",
					"had", seen, "now", current)
				seen = -1
				// A failure of the old numbering says nothing about the new one.
				r.publish(func(s *Status) { s.LastError, s.FailedRevision = "", 0 })
			} else if time.Since(start) < r.cfg.RetryMin {
				// A source that answers "no change" at once (a control plane
				// shutting down does) must not make this loop spin.
				sleep(ctx, r.cfg.RetryMin)
			}
			continue
		}
		seen = snap.Revision
		if !r.install(ctx, snap, FromControlPlane) {
			tryCache()
		}
	}
}

// install compiles snap and swaps it in; a snapshot that fails to compile
// leaves the serving one in place and is reported in the status.
func (r *Runtime) install(ctx context.Context, snap *model.Snapshot, from string) bool {
	prev := r.current.Load()
	c, err := r.cfg.Compiler.Compile(ctx, snap, prev)
	if err == nil && c == nil {
		err = fmt.Errorf("the compiler returned nothing")
	}
	if err != nil {
		if ctx.Err() != nil {
			return false
		}
		serving := int64(0)
		if prev != nil {
			serving = prev.Revision()
		}
		r.log.Error("snapshot does not compile; the runtime keeps serving the previous one",
			"revision", snap.Revision, "serving", serving, "err", err)
		r.publish(func(s *Status) { s.LastError, s.FailedRevision = err.Error(), snap.Revision })
		return false
	}
	// The listeners are prepared before the swap, so that a snapshot whose
	// certificate cannot be read or whose port is taken does not serve
	// half: the previous one keeps serving, listeners included.
	plan, err := r.planListeners(snap.Spec.Security)
	if err != nil {
		c.Close()
		r.log.Error("snapshot's listeners cannot open; the runtime keeps serving the previous one",
			"revision", snap.Revision, "err", err)
		r.publish(func(s *Status) { s.LastError, s.FailedRevision = err.Error(), snap.Revision })
		return false
	}
	r.current.Store(c)
	r.applyListeners(plan)
	if prev != nil {
		prev.Close()
	}
	// The cache is written before the status says the revision serves, so
	// that whoever sees the status also finds it on disk.
	if from == FromControlPlane {
		if err := r.cache.save(snap); err != nil {
			r.log.Warn("cannot keep the snapshot on disk; a restart without the control plane would not serve it", "err", err)
		}
	}
	r.publish(func(s *Status) {
		s.Ready, s.Revision, s.From, s.ServingSince = true, snap.Revision, from, time.Now()
		if s.FailedRevision <= snap.Revision {
			s.LastError, s.FailedRevision = "", 0
		}
	})
	r.readyOnce.Do(func() { close(r.ready) })
	r.log.Info("serving snapshot", "revision", snap.Revision, "deployments", len(snap.Deployments), "from", from)
	return true
}

// loadCache serves the snapshot kept on disk; a missing or unusable file is
// logged and otherwise ignored.
func (r *Runtime) loadCache(ctx context.Context) (int64, bool) {
	snap, err := r.cache.load(r.cfg.Env)
	if err != nil {
		r.log.Warn("ignoring the snapshot cache", "err", err)
		return 0, false
	}
	if snap == nil {
		r.log.Info("no snapshot cached on disk; not ready until the source answers")
		return 0, false
	}
	r.log.Warn("serving the snapshot cached on disk until the source answers", "revision", snap.Revision)
	return snap.Revision, r.install(ctx, snap, FromCache)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
