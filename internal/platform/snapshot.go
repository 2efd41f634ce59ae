package platform

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// Snapshot long-poll limits.
const (
	defaultSnapshotWait = 30 * time.Second
	maxSnapshotWait     = 120 * time.Second
)

// revisionHeader carries the environment's revision on 200 and 304.
const revisionHeader = "X-Snapshot-Revision"

// snapshot answers the environment's snapshot when it is newer than ?after,
// or waits for a change: a wake-up from this process's own writes, or a
// periodic revision check that sees other replicas' writes.
func (s *Server) snapshot(c *call) (*reply, error) {
	env := c.r.PathValue("env")
	q := c.r.URL.Query()
	after := int64(-1)
	if a := q.Get("after"); a != "" {
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil || n < 0 {
			return nil, model.Invalidf("after", "%q is not a revision", a)
		}
		after = n
	}
	wait := defaultSnapshotWait
	if w := q.Get("wait"); w != "" {
		d, err := time.ParseDuration(w)
		if err != nil || d < 0 {
			return nil, model.Invalidf("wait", "%q is not a duration (e.g. 30s)", w)
		}
		wait = min(d, maxSnapshotWait)
	}
	ctx := c.r.Context()
	rev, err := s.store.EnvironmentRevision(ctx, env)
	if err != nil {
		return nil, err
	}
	if rev > after {
		return s.snapshotReply(ctx, env)
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	tick := time.NewTicker(s.poll)
	defer tick.Stop()
	for {
		// Subscribe before re-reading, so a change between the two is not lost.
		woken := s.notifier.wait(env)
		if rev, err = s.store.EnvironmentRevision(ctx, env); err != nil {
			return nil, err
		}
		if rev > after {
			return s.snapshotReply(ctx, env)
		}
		select {
		case <-woken:
		case <-tick.C:
		case <-timer.C:
			return notModified(rev)
		case <-s.done:
			return notModified(rev)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (s *Server) snapshotReply(ctx context.Context, env string) (*reply, error) {
	snap, err := s.store.Snapshot(ctx, env)
	if err != nil {
		return nil, err
	}
	// Runtimes need no webhook secret: the control plane signs.
	snap.Spec = model.RedactEnvironmentSpec(snap.Spec)
	rep := &reply{status: http.StatusOK, body: snap, header: http.Header{}}
	rep.header.Set(revisionHeader, strconv.FormatInt(snap.Revision, 10))
	return rep, nil
}

func notModified(rev int64) (*reply, error) {
	rep := &reply{status: http.StatusNotModified, header: http.Header{}}
	rep.header.Set(revisionHeader, strconv.FormatInt(rev, 10))
	return rep, nil
}
