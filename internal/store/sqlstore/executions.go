package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// execColumns are the columns of a listed record; a fetched one adds
// input and output.
const execColumns = `id, environment, runtime, process, api, api_version, endpoint, trigger_kind, mode,
	status, http_status, error, username, started_at, ended_at, duration_ms, input_docs, output_docs, truncated`

// execInsertColumns is the order of insertArgs.
const execInsertColumns = execColumns + `, input, output`

// execChunk is how many records one INSERT statement carries: 21 parameters
// each stays far below SQLite's and PostgreSQL's parameter limits.
const execChunk = 100

// rankSQL orders a status column as statusRank does.
func rankSQL(col string) string {
	return `(CASE ` + col + ` WHEN '` + model.ExecEnqueued + `' THEN 0 WHEN '` + model.ExecInProcess + `' THEN 1 ELSE 2 END)`
}

// statusRank says how far along a status is: a record only replaces one
// that is less far along, so terminal statuses are final.
func statusRank(s string) int {
	switch s {
	case model.ExecEnqueued:
		return 0
	case model.ExecInProcess:
		return 1
	}
	return 2
}

// execUpsert inserts rows, or replaces a stored record whose status is less
// far along; RowsAffected counts both (SQLite and PostgreSQL alike).
func execUpsert(rows int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO executions (` + execInsertColumns + `) VALUES `)
	one := `(` + strings.TrimSuffix(strings.Repeat("?, ", 21), ", ") + `)`
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
	}
	b.WriteString(` ON CONFLICT (id) DO UPDATE SET `)
	for i, col := range strings.Split(execInsertColumns, ",") {
		col = strings.TrimSpace(col)
		if col == "id" {
			continue
		}
		if i > 1 {
			b.WriteString(", ")
		}
		b.WriteString(col + ` = excluded.` + col)
	}
	b.WriteString(` WHERE ` + rankSQL("executions.status") + ` < ` + rankSQL("excluded.status"))
	return b.String()
}

// InsertExecutions implements store.Executions.
func (s *Store) InsertExecutions(ctx context.Context, recs []*model.Execution) (int, error) {
	if len(recs) == 0 {
		return 0, nil
	}
	rows := make([]*model.Execution, 0, len(recs))
	at := map[string]int{} // id → index in rows
	for i, x := range recs {
		if x == nil {
			return 0, fmt.Errorf("%w: execution [%d] is null", model.ErrInvalid, i)
		}
		if err := checkExecution(x); err != nil {
			return 0, fmt.Errorf("execution [%d] %q: %w", i, x.ID, err)
		}
		// One statement may not touch a row twice (PostgreSQL): keep the
		// record of each id that is furthest along, the first among equals.
		if j, dup := at[x.ID]; dup {
			if statusRank(x.Status) > statusRank(rows[j].Status) {
				rows[j] = x
			}
			continue
		}
		at[x.ID] = len(rows)
		rows = append(rows, x)
	}
	n := 0
	err := s.write(ctx, func(tx db) error {
		for chunk := range slices.Chunk(rows, execChunk) {
			args := make([]any, 0, len(chunk)*21)
			for _, x := range chunk {
				var err error
				if args, err = insertArgs(args, x); err != nil {
					return err
				}
			}
			res, err := tx.exec(ctx, execUpsert(len(chunk)), args...)
			if err != nil {
				return err
			}
			k, err := res.RowsAffected()
			if err != nil {
				return err
			}
			n += int(k)
		}
		return nil
	})
	if err != nil {
		return 0, s.fail(err)
	}
	return n, nil
}

// checkExecution validates a record and its documents, which PostgreSQL
// would refuse later with a less helpful message.
func checkExecution(x *model.Execution) error {
	if err := x.Validate(); err != nil {
		return err
	}
	if len(x.Input) > 0 && !json.Valid(x.Input) {
		return model.Invalidf("input", "is not JSON")
	}
	if len(x.Output) > 0 && !json.Valid(x.Output) {
		return model.Invalidf("output", "is not JSON")
	}
	return nil
}

func insertArgs(args []any, x *model.Execution) ([]any, error) {
	in, err := jsonArg(x.Input)
	if err != nil {
		return nil, err
	}
	out, err := jsonArg(x.Output)
	if err != nil {
		return nil, err
	}
	return append(args, x.ID, x.Environment, x.Runtime, x.Process, x.API, x.APIVersion, x.Endpoint, x.Trigger, x.Mode,
		x.Status, x.HTTPStatus, x.Error, x.User, micros(x.StartedAt), nullMicros(x.EndedAt), x.DurationMS,
		x.InputDocs, x.OutputDocs, x.Truncated, in, out), nil
}

// jsonArg stores a document compacted, as text: both dialects take it (a
// TEXT column in SQLite, JSONB in PostgreSQL); empty is NULL.
func jsonArg(doc json.RawMessage) (any, error) {
	if len(doc) == 0 {
		return nil, nil
	}
	var b bytes.Buffer
	if err := json.Compact(&b, doc); err != nil {
		return nil, fmt.Errorf("%w: document is not JSON: %v", model.ErrInvalid, err)
	}
	return b.String(), nil
}

// jsonValue reads a stored document back compacted, so that both dialects
// answer the same bytes (PostgreSQL adds spaces).
func jsonValue(b []byte) json.RawMessage {
	if len(b) == 0 {
		return nil
	}
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		return json.RawMessage(b)
	}
	return out.Bytes()
}

// scanExecution reads execColumns, then input and output when docs is true.
func scanExecution(sc interface{ Scan(...any) error }, docs bool) (*model.Execution, error) {
	var (
		x       model.Execution
		started int64
		ended   *int64
		in, out []byte
	)
	dst := []any{&x.ID, &x.Environment, &x.Runtime, &x.Process, &x.API, &x.APIVersion, &x.Endpoint, &x.Trigger, &x.Mode,
		&x.Status, &x.HTTPStatus, &x.Error, &x.User, &started, &ended, &x.DurationMS, &x.InputDocs, &x.OutputDocs, &x.Truncated}
	if docs {
		dst = append(dst, &in, &out)
	}
	if err := sc.Scan(dst...); err != nil {
		return nil, err
	}
	x.StartedAt, x.EndedAt = fromMicros(started), timePtr(ended)
	x.Input, x.Output = jsonValue(in), jsonValue(out)
	return &x, nil
}

// GetExecution implements store.Executions.
func (s *Store) GetExecution(ctx context.Context, id string) (*model.Execution, error) {
	x, err := scanExecution(s.reader().queryRow(ctx, `SELECT `+execInsertColumns+` FROM executions WHERE id = ?`, id), true)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("execution %q", id)
	}
	return x, s.fail(err)
}

// ListExecutions implements store.Executions.
func (s *Store) ListExecutions(ctx context.Context, f store.ExecutionFilter, page store.Page) ([]*model.Execution, string, error) {
	if f.Status != "" && !slices.Contains(model.ExecutionStatuses, f.Status) {
		return nil, "", model.Invalidf("status", "%q is not an execution status (%s)", f.Status, joinList(model.ExecutionStatuses))
	}
	n := limit(page)
	var (
		afterAt int64
		afterID string
	)
	after, err := decodeCursor(page.Cursor, &afterAt, &afterID)
	if err != nil {
		return nil, "", err
	}
	q := `SELECT ` + execColumns + ` FROM executions WHERE 1 = 1`
	var args []any
	for _, eq := range []struct{ col, val string }{
		{"environment", f.Environment}, {"process", f.Process}, {"api", f.API}, {"status", f.Status},
	} {
		if eq.val != "" {
			q += ` AND ` + eq.col + ` = ?`
			args = append(args, eq.val)
		}
	}
	if !f.Since.IsZero() {
		q += ` AND started_at >= ?`
		args = append(args, micros(f.Since))
	}
	if !f.Until.IsZero() {
		q += ` AND started_at < ?`
		args = append(args, micros(f.Until))
	}
	if after {
		q += ` AND (started_at < ? OR (started_at = ? AND id < ?))`
		args = append(args, afterAt, afterAt, afterID)
	}
	q += fmt.Sprintf(` ORDER BY started_at DESC, id DESC LIMIT %d`, n+1)
	items, err := queryAll(ctx, s.reader(), func(r rowScanner) (*model.Execution, error) { return scanExecution(r, false) }, q, args...)
	if err != nil {
		return nil, "", s.fail(err)
	}
	items, next := trim(items, n, func(x *model.Execution) string { return encodeCursor(micros(x.StartedAt), x.ID) })
	return items, next, nil
}

// DeleteExecutionsBefore implements store.Executions.
func (s *Store) DeleteExecutionsBefore(ctx context.Context, t time.Time) (int, error) {
	res, err := s.w.ExecContext(ctx, s.d.bind(`DELETE FROM executions WHERE started_at < ?`), micros(t))
	if err != nil {
		return 0, s.fail(err)
	}
	n, err := res.RowsAffected()
	return int(n), s.fail(err)
}
