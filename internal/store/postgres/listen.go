package postgres

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// notifyChannel is where the environments trigger (migration 0006)
// announces every change of a snapshot revision.
const notifyChannel = "portico_environments"

// listener waits for the environments trigger's notifications on one
// connection of its own (LISTEN holds a session, so not from the pool).
type listener struct {
	cfg *pgx.ConnConfig
	log *slog.Logger
}

// watch calls changed for every notification until ctx ends, reconnecting
// with a growing pause (at most 30 s) after a failure. While it is
// disconnected, waiters still see changes at their poll interval.
func (l *listener) watch(ctx context.Context, changed func(env string)) {
	pause := 500 * time.Millisecond
	for ctx.Err() == nil {
		err := l.session(ctx, changed, func() { pause = 500 * time.Millisecond })
		if ctx.Err() != nil {
			return
		}
		l.log.Warn("listening for environment changes failed; retrying", "err", redactErr(err), "in", pause)
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, 30*time.Second)
	}
}

// session runs one LISTEN connection; connected is called once it listens.
func (l *listener) session(ctx context.Context, changed func(env string), connected func()) error {
	conn, err := pgx.ConnectConfig(ctx, l.cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return err
	}
	connected()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		changed(n.Payload)
	}
}
