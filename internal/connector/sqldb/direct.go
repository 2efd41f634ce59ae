package sqldb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/portico-dev/portico/internal/model"
)

// Built statements: the OData translator writes a statement per request,
// with the driver's own placeholders ('?' or '$n') and its arguments in
// order. They run unprepared, so that no prepared handle outlives the
// request (MySQL caps the prepared statements of a server).

// QueryBuilt runs a built query and returns its rows as JSON objects keyed
// by column name, converted as Statement.Query converts them.
func (db *DB) QueryBuilt(ctx context.Context, query string, args []any) ([]map[string]any, error) {
	vals, err := db.builtArgs(query, args)
	if err != nil {
		return nil, err
	}
	rows, err := db.db.QueryContext(ctx, query, vals...)
	if err != nil {
		return nil, db.wrap(err, query)
	}
	defer rows.Close()
	st := &Statement{db: db, sql: query}
	return st.scan(rows)
}

// ExecResult is what a built write reports.
type ExecResult struct {
	RowsAffected int64
	// LastInsertID is the generated key of an INSERT where the driver
	// reports one (SQLite, MySQL); 0 otherwise.
	LastInsertID int64
}

// ExecBuilt runs a built statement for its effect.
func (db *DB) ExecBuilt(ctx context.Context, query string, args []any) (ExecResult, error) {
	vals, err := db.builtArgs(query, args)
	if err != nil {
		return ExecResult{}, err
	}
	var res sql.Result
	if res, err = db.db.ExecContext(ctx, query, vals...); err != nil {
		return ExecResult{}, db.wrap(err, query)
	}
	var out ExecResult
	if out.RowsAffected, err = res.RowsAffected(); err != nil {
		return ExecResult{}, db.wrap(err, query)
	}
	if db.driver != "postgres" {
		out.LastInsertID, _ = res.LastInsertId()
	}
	return out, nil
}

func (db *DB) builtArgs(query string, args []any) ([]any, error) {
	vals := make([]any, len(args))
	for i, a := range args {
		v, err := argValue(a)
		if err != nil {
			return nil, &Error{kind: model.ErrInvalid, driver: db.driver, sql: query, cause: err,
				msg: fmt.Sprintf("%s: argument %d cannot be sent", db.driver, i+1)}
		}
		vals[i] = v
	}
	return vals, nil
}
