package sqldb

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"syscall"

	"github.com/portico-dev/portico/internal/model"
)

// ErrTooManyRows marks a query whose result exceeds the row cap.
var ErrTooManyRows = errors.New("too many rows")

// Error is a database failure whose message is safe to show to API
// clients: it never holds SQL text, argument values or credentials. The
// statement and the driver's own message go to logs only, through
// LogValue. errors.Is matches the model sentinel it was classified as
// (ErrUnavailable, ErrConflict, ErrInvalid) and the driver's error. A
// constraint violation also says which constraint (ConstraintError).
type Error struct {
	kind      error // model sentinel, or nil for a plain failure
	violation *violation
	msg       string
	driver    string
	sql       string
	detail    string // the driver's message, password removed
	cause     error
}

// Error returns the safe message.
func (e *Error) Error() string { return e.msg }

// Unwrap exposes the sentinel and the driver's error to errors.Is/As.
func (e *Error) Unwrap() []error {
	errs := make([]error, 0, 2)
	if e.kind != nil {
		errs = append(errs, e.kind)
	}
	if e.cause != nil {
		errs = append(errs, e.cause)
	}
	return errs
}

// LogValue implements slog.LogValuer: the full story, for operators only.
func (e *Error) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("msg", e.msg), slog.String("driver", e.driver)}
	if e.detail != "" {
		attrs = append(attrs, slog.String("cause", e.detail))
	}
	if e.sql != "" {
		attrs = append(attrs, slog.String("sql", e.sql))
	}
	return slog.GroupValue(attrs...)
}

// failure is a driver error as one dialect classifies it.
type failure struct {
	kind      error  // model sentinel or nil
	reason    string // safe, short
	violation *violation
}

// wrap classifies a driver error into an *Error. A nil or already wrapped
// error passes through.
func (db *DB) wrap(err error, query string) error {
	if err == nil {
		return nil
	}
	var se *Error
	if errors.As(err, &se) {
		return err
	}
	f := db.dialect.classify(err)
	if f.kind == nil && f.reason == "" {
		f = classifyCommon(err)
	}
	e := &Error{kind: f.kind, violation: f.violation, driver: db.driver, sql: query, detail: db.redact(err.Error()), cause: err}
	if f.kind == model.ErrUnavailable {
		e.msg = fmt.Sprintf("%s database at %s is unavailable: %s", db.driver, db.where, f.reason)
	} else {
		e.msg = db.driver + ": " + f.reason
	}
	return e
}

// classifyCommon recognises failures every driver shares: a cancelled
// context, and a network that refused, dropped or timed out.
func classifyCommon(err error) failure {
	switch {
	case errors.Is(err, context.Canceled):
		return failure{reason: "statement canceled"}
	case errors.Is(err, context.DeadlineExceeded):
		return failure{reason: "statement timed out"}
	}
	if r := netReason(err); r != "" {
		return failure{kind: model.ErrUnavailable, reason: r}
	}
	return failure{reason: "statement failed"}
}

// netReason names a connection-level failure, or returns "".
func netReason(err error) string {
	var dnsErr *net.DNSError
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "connection reset"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "host unreachable"
	case errors.As(err, &dnsErr):
		return "host not found"
	case errors.As(err, &ne) && ne.Timeout():
		return "connection timed out"
	case errors.As(err, &ne), errors.Is(err, driver.ErrBadConn), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed):
		return "connection lost"
	}
	return ""
}

// redact removes the connection's password from a driver message.
func (db *DB) redact(msg string) string {
	if db.password == "" {
		return msg
	}
	return strings.ReplaceAll(msg, db.password, "xxxxx")
}
