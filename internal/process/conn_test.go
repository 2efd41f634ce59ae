package process_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/process"
)

// sqliteConn is a test-only process.SQL on a real SQLite database: the
// connector package owns the real one; this one rewrites :name to ?.
type sqliteConn struct{ db *sql.DB }

func openSQLite(t testing.TB, schema string) *sqliteConn {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if schema != "" {
		if _, err := db.Exec(schema); err != nil {
			t.Fatal(err)
		}
	}
	return &sqliteConn{db: db}
}

func (c *sqliteConn) Prepare(text string) (process.Statement, error) {
	s := &sqliteStmt{db: c.db}
	var b strings.Builder
	inQuote := false
	for i := 0; i < len(text); i++ {
		ch := text[i]
		switch {
		case ch == '\'':
			inQuote = !inQuote
		case !inQuote && ch == ':' && i+1 < len(text) && isNameStart(text[i+1]):
			j := i + 1
			for j < len(text) && isNameChar(text[j]) {
				j++
			}
			name := text[i+1 : j]
			s.order = append(s.order, name)
			if !contains(s.params, name) {
				s.params = append(s.params, name)
			}
			b.WriteByte('?')
			i = j - 1
			continue
		}
		b.WriteByte(ch)
	}
	if inQuote {
		return nil, fmt.Errorf("unterminated string literal")
	}
	s.text = b.String()
	return s, nil
}

func isNameStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isNameChar(c byte) bool  { return isNameStart(c) || c >= '0' && c <= '9' }

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

type sqliteStmt struct {
	db     *sql.DB
	text   string
	order  []string // parameter of each placeholder
	params []string // distinct, in order of first appearance
}

func (s *sqliteStmt) Params() []string { return s.params }

func (s *sqliteStmt) bind(args map[string]any) []any {
	out := make([]any, len(s.order))
	for i, n := range s.order {
		out[i] = args[n]
	}
	return out
}

func (s *sqliteStmt) Query(ctx context.Context, args map[string]any) ([]map[string]any, error) {
	rows, err := s.db.QueryContext(ctx, s.text, s.bind(args)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make(map[string]any, len(cols))
		for i, c := range cols {
			row[c] = vals[i]
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

func (s *sqliteStmt) Exec(ctx context.Context, args map[string]any) (int64, error) {
	res, err := s.db.ExecContext(ctx, s.text, s.bind(args)...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// httpConn is a test-only process.HTTP: a base URL and a client.
type httpConn struct {
	base   string
	client *http.Client
}

func (c *httpConn) NewRequest(ctx context.Context, method, path string, body io.Reader) (*http.Request, error) {
	return http.NewRequestWithContext(ctx, method, c.base+path, body)
}

func (c *httpConn) Do(req *http.Request) (*http.Response, error) { return c.client.Do(req) }

// resources resolves connections from maps; unknown processes are declared
// on first use so that processes may call each other in any order.
type resources struct {
	sql   map[string]process.SQL
	http  map[string]process.HTTP
	procs map[string]*process.Process
}

func (r *resources) SQL(name string) (process.SQL, error) {
	if c, ok := r.sql[name]; ok {
		return c, nil
	}
	return nil, fmt.Errorf("connection %s: %w", name, model.ErrNotFound)
}

func (r *resources) HTTP(name string) (process.HTTP, error) {
	if c, ok := r.http[name]; ok {
		return c, nil
	}
	return nil, fmt.Errorf("connection %s: %w", name, model.ErrNotFound)
}

func (r *resources) Process(name string) (*process.Process, error) {
	if r.procs == nil {
		r.procs = map[string]*process.Process{}
	}
	p, ok := r.procs[name]
	if !ok {
		p = process.Declare(name)
		r.procs[name] = p
	}
	return p, nil
}

// define compiles a process into its declared shell.
func (r *resources) define(t testing.TB, name, specYAML string) *process.Process {
	t.Helper()
	p, _ := r.Process(name)
	if err := p.Define(parseSpec(t, specYAML), r); err != nil {
		t.Fatal(err)
	}
	return p
}
