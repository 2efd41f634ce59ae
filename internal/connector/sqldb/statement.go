package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/portico-dev/portico/internal/model"
)

// Statement is a parsed statement, bound per call with named arguments.
// It is safe for concurrent use.
type Statement struct {
	db    *DB
	sql   string // as written, for logs
	named named

	// stmt is prepared on first use, not by Prepare, so that compiling a
	// snapshot needs no live database. PostgreSQL skips it: pgx already
	// caches prepared statements per connection.
	mu   sync.Mutex
	stmt atomic.Pointer[sql.Stmt]

	plans planCache // result columns, learned on the first run
}

// Prepare parses sql's named parameters into the driver's placeholders.
// It does not contact the database. A malformed statement (unterminated
// literal or comment, a positional placeholder) is model.ErrInvalid.
func (db *DB) Prepare(sql string) (*Statement, error) {
	n, err := parseNamed(sql, db.dialect.syntax)
	if err != nil {
		return nil, fmt.Errorf("%w: %s statement: %w", model.ErrInvalid, db.driver, err)
	}
	return &Statement{db: db, sql: sql, named: n}, nil
}

// Params lists the named parameters, in order of first appearance.
func (s *Statement) Params() []string { return slices.Clone(s.named.params) }

// Query runs the statement and returns its rows as JSON objects keyed by
// column name; more rows than the cap is an error wrapping ErrTooManyRows.
func (s *Statement) Query(ctx context.Context, args map[string]any) ([]map[string]any, error) {
	vals, err := s.bind(args)
	if err != nil {
		return nil, err
	}
	var rows *sql.Rows
	if st, err := s.prepared(ctx); err != nil {
		return nil, err
	} else if st != nil {
		rows, err = st.QueryContext(ctx, vals...)
		if err != nil {
			return nil, s.db.wrap(err, s.sql)
		}
	} else if rows, err = s.db.db.QueryContext(ctx, s.named.query, vals...); err != nil {
		return nil, s.db.wrap(err, s.sql)
	}
	defer rows.Close()
	return s.scan(rows)
}

// Exec runs the statement for its effect and returns the rows affected.
func (s *Statement) Exec(ctx context.Context, args map[string]any) (int64, error) {
	vals, err := s.bind(args)
	if err != nil {
		return 0, err
	}
	var res sql.Result
	if st, err := s.prepared(ctx); err != nil {
		return 0, err
	} else if st != nil {
		res, err = st.ExecContext(ctx, vals...)
		if err != nil {
			return 0, s.db.wrap(err, s.sql)
		}
	} else if res, err = s.db.db.ExecContext(ctx, s.named.query, vals...); err != nil {
		return 0, s.db.wrap(err, s.sql)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, s.db.wrap(err, s.sql)
	}
	return n, nil
}

// prepared returns the statement prepared on the pool, preparing it on
// first use; nil for PostgreSQL. A failed prepare is not remembered, so a
// database that comes back is used again.
func (s *Statement) prepared(ctx context.Context) (*sql.Stmt, error) {
	if s.db.driver == "postgres" {
		return nil, nil
	}
	// Requests read the prepared statement without a lock; the mutex only
	// keeps two first uses from preparing it twice.
	if st := s.stmt.Load(); st != nil {
		return st, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.stmt.Load(); st != nil {
		return st, nil
	}
	st, err := s.db.db.PrepareContext(ctx, s.named.query)
	if err != nil {
		return nil, s.db.wrap(err, s.sql)
	}
	s.stmt.Store(st)
	return st, nil
}

// bind orders the arguments as the placeholders want them.
func (s *Statement) bind(args map[string]any) ([]any, error) {
	params := s.named.params
	vals := make([]any, len(params))
	for i, name := range params {
		v, ok := args[name]
		if !ok {
			return nil, &Error{kind: model.ErrInvalid, driver: s.db.driver, sql: s.sql,
				msg: fmt.Sprintf("%s: missing argument %q", s.db.driver, name)}
		}
		v, err := argValue(v)
		if err != nil {
			return nil, &Error{kind: model.ErrInvalid, driver: s.db.driver, sql: s.sql, cause: err,
				msg: fmt.Sprintf("%s: argument %q cannot be sent", s.db.driver, name)}
		}
		vals[i] = v
	}
	if s.named.order == nil {
		return vals, nil
	}
	out := make([]any, len(s.named.order))
	for j, k := range s.named.order {
		out[j] = vals[k]
	}
	return out, nil
}

// scan reads every row into a JSON object.
func (s *Statement) scan(rows *sql.Rows) ([]map[string]any, error) {
	plan, err := s.plans.plan(rows, s.db.driver)
	if err != nil {
		return nil, s.db.wrap(err, s.sql)
	}
	buf := plan.buf()
	defer plan.put(buf)
	out := []map[string]any{}
	for rows.Next() {
		if len(out) >= s.db.maxRows {
			return nil, &Error{kind: ErrTooManyRows, driver: s.db.driver, sql: s.sql,
				msg: fmt.Sprintf("%s: query returned more than %d rows", s.db.driver, s.db.maxRows)}
		}
		if err := rows.Scan(buf.ptrs...); err != nil {
			return nil, s.db.wrap(err, s.sql)
		}
		row := make(map[string]any, len(plan.names))
		for i, name := range plan.names {
			row[name] = convertValue(buf.dest[i], plan.kinds[i])
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		return nil, s.db.wrap(err, s.sql)
	}
	return out, nil
}
