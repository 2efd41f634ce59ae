package sqldb_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-dev/portico/internal/connector/sqldb"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/process"
)

var _ process.Statement = (*sqldb.Statement)(nil)

// processSQL is the adapter the runtime needs: (*DB).Prepare returns the
// concrete *Statement, and Go does not let that satisfy process.SQL, whose
// Prepare returns the process.Statement interface.
type processSQL struct{ *sqldb.DB }

func (p processSQL) Prepare(sql string) (process.Statement, error) {
	st, err := p.DB.Prepare(sql)
	if err != nil {
		return nil, err // never a typed nil inside the interface
	}
	return st, nil
}

var _ process.SQL = processSQL{}

func TestTypeMapping(t *testing.T) {
	t.Parallel()
	// Per driver: DDL, a literal row, and the JSON values expected back.
	cases := map[string]struct {
		ddl, insert string
		want        map[string]any
	}{
		"sqlite": {
			ddl: `CREATE TABLE v (i INTEGER, big INTEGER, f REAL, d DECIMAL(10,2), t TEXT, b BLOB, flag BOOLEAN,
				n TEXT, ts DATETIME, dt DATE)`,
			insert: `INSERT INTO v VALUES (42, 9007199254740993, 1.5, 12.50, 'héllo', x'0001ff', 1,
				NULL, '2024-01-02 03:04:05.5', '2024-01-02')`,
			want: map[string]any{"i": 42, "big": 9007199254740993, "f": 1.5, "d": 12.5, "t": "héllo", "b": "AAH/",
				"flag": true, "n": nil, "ts": "2024-01-02T03:04:05.5Z", "dt": "2024-01-02"},
		},
		"postgres": {
			ddl: `CREATE TABLE v (i integer, s smallint, big bigint, f double precision, r real, d numeric(10,2),
				dint numeric(10,0), dbig numeric(30,2), t text, vc varchar(10), b bytea, flag boolean, n text,
				ts timestamptz, tsn timestamp, dt date, j jsonb, u uuid)`,
			insert: `INSERT INTO v VALUES (42, -7, 9007199254740993, 1.5, 0.25, 12.50, 42, 12345678901234567890.12,
				'héllo', 'abc', '\x0001ff', true, NULL, '2024-01-02 03:04:05+02', '2024-01-02 03:04:05.5',
				'2024-01-02', '{"a": 1, "b": [1.5, "x", null]}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')`,
			want: map[string]any{"i": 42, "s": -7, "big": 9007199254740993, "f": 1.5, "r": 0.25, "d": 12.5,
				"dint": 42, "dbig": "12345678901234567890.12", "t": "héllo", "vc": "abc", "b": "AAH/", "flag": true,
				"n": nil, "ts": "2024-01-02T01:04:05Z", "tsn": "2024-01-02T03:04:05.5Z", "dt": "2024-01-02",
				"j": map[string]any{"a": 1, "b": []any{1.5, "x", nil}}, "u": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
		},
		"mysql": {
			ddl: `CREATE TABLE v (i INT, s SMALLINT, big BIGINT, ubig BIGINT UNSIGNED, f DOUBLE, r FLOAT,
				d DECIMAL(10,2), dbig DECIMAL(30,2), t TEXT, vc VARCHAR(10), b BLOB, vb VARBINARY(4), flag TINYINT(1),
				bits BIT(8), n TEXT, ts TIMESTAMP(3) NULL, dtm DATETIME, dt DATE, tm TIME) CHARACTER SET utf8mb4`,
			insert: `INSERT INTO v VALUES (42, -7, 9007199254740993, 18446744073709551615, 1.5, 0.25, 12.50,
				12345678901234567890.12, 'héllo', 'abc', x'0001ff', x'ff', 1, b'101', NULL, '2024-01-02 03:04:05.5',
				'2024-01-02 03:04:05', '2024-01-02', '12:34:56')`,
			want: map[string]any{"i": 42, "s": -7, "big": 9007199254740993, "ubig": "18446744073709551615", "f": 1.5,
				"r": 0.25, "d": 12.5, "dbig": "12345678901234567890.12", "t": "héllo", "vc": "abc", "b": "AAH/",
				"vb": "/w==", "flag": 1, "bits": 5, "n": nil, "ts": "2024-01-02T03:04:05.5Z",
				"dtm": "2024-01-02T03:04:05Z", "dt": "2024-01-02", "tm": "12:34:56"},
		},
	}
	forEachDriver(t, func(t *testing.T, b backend) {
		c := cases[b.driver]
		db := b.open(t)
		exec(t, db, c.ddl, nil)
		exec(t, db, c.insert, nil)
		got := query(t, db, "SELECT * FROM v", nil)
		if diff := cmp.Diff([]map[string]any{c.want}, got); diff != "" {
			t.Errorf("row mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestNamedArguments(t *testing.T) {
	t.Parallel()
	forEachDriver(t, func(t *testing.T, b backend) {
		db := b.open(t)
		exec(t, db, b.ddl("CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(50), note VARCHAR(50), price DOUBLE)"), nil)
		ins := "INSERT INTO items (id, name, note, price) VALUES (:id, :name, :note, :price)"
		for _, args := range []map[string]any{
			{"id": 1, "name": "one: first", "note": nil, "price": 1.25},
			{"id": 2, "name": "two", "note": "':x'", "price": 2},
		} {
			if n := exec(t, db, ins, args); n != 1 {
				t.Fatalf("Exec rows affected = %d, want 1", n)
			}
		}
		// The same name twice, a ':' inside a literal, and the id as the
		// string a path parameter arrives as.
		got := query(t, db, "SELECT id, name, note, ':lit' AS lit FROM items WHERE id = :id OR (name = :name AND id <> :id) ORDER BY id",
			map[string]any{"id": "1", "name": "two"})
		want := []map[string]any{
			{"id": 1, "name": "one: first", "note": nil, "lit": ":lit"},
			{"id": 2, "name": "two", "note": "':x'", "lit": ":lit"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("rows mismatch (-want +got):\n%s", diff)
		}
		if n := exec(t, db, "UPDATE items SET price = :p WHERE price < :p", map[string]any{"p": 10}); n != 2 {
			t.Errorf("UPDATE rows affected = %d, want 2", n)
		}
		if got := query(t, db, "SELECT id FROM items WHERE id = :id", map[string]any{"id": 3}); len(got) != 0 {
			t.Errorf("no match returned %v, want an empty list", got)
		}
	})
}

func TestPostgresCast(t *testing.T) {
	t.Parallel()
	b := newBackend(t, "postgres")
	db := b.open(t)
	got := query(t, db, "SELECT :n::int + 1 AS n, '{1,2}'::int[] AS arr", map[string]any{"n": "41"})
	if diff := cmp.Diff([]map[string]any{{"n": 42, "arr": "{1,2}"}}, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestMissingArgument(t *testing.T) {
	t.Parallel()
	forEachDriver(t, func(t *testing.T, b backend) {
		db := b.open(t)
		st, err := db.Prepare("SELECT :present AS a, :absent AS b")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"present", "absent"}, st.Params()); diff != "" {
			t.Errorf("Params mismatch (-want +got):\n%s", diff)
		}
		_, err = st.Query(context.Background(), map[string]any{"present": 1})
		if !errors.Is(err, model.ErrInvalid) || !strings.Contains(err.Error(), `"absent"`) {
			t.Errorf("Query error = %v, want ErrInvalid naming \"absent\"", err)
		}
		_, err = st.Exec(context.Background(), nil)
		if !errors.Is(err, model.ErrInvalid) || !strings.Contains(err.Error(), `"present"`) {
			t.Errorf("Exec error = %v, want ErrInvalid naming \"present\"", err)
		}
	})
}

func TestRowCap(t *testing.T) {
	t.Parallel()
	forEachDriver(t, func(t *testing.T, b backend) {
		db := b.open(t, sqldb.WithMaxRows(3))
		exec(t, db, "CREATE TABLE r (id INTEGER)", nil)
		exec(t, db, "INSERT INTO r (id) VALUES (1), (2), (3)", nil)
		if got := query(t, db, "SELECT id FROM r", nil); len(got) != 3 {
			t.Fatalf("at the cap: %d rows, want 3", len(got))
		}
		exec(t, db, "INSERT INTO r (id) VALUES (4)", nil)
		st, err := db.Prepare("SELECT id FROM r")
		if err != nil {
			t.Fatal(err)
		}
		_, err = st.Query(context.Background(), nil)
		if !errors.Is(err, sqldb.ErrTooManyRows) || !strings.Contains(err.Error(), "more than 3 rows") {
			t.Errorf("over the cap: error = %v, want ErrTooManyRows", err)
		}
	})
}

func TestConstraintViolations(t *testing.T) {
	t.Parallel()
	forEachDriver(t, func(t *testing.T, b backend) {
		db := b.open(t)
		exec(t, db, `CREATE TABLE parent (id INTEGER PRIMARY KEY, email VARCHAR(50) NOT NULL UNIQUE,
			age INTEGER CHECK (age >= 0))`, nil)
		exec(t, db, `CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER,
			FOREIGN KEY (parent_id) REFERENCES parent (id))`, nil)
		exec(t, db, "INSERT INTO parent (id, email, age) VALUES (1, 'secret@example.com', 30)", nil)
		tests := []struct {
			name string
			sql  string
			args map[string]any
			want error
		}{
			{"unique", "INSERT INTO parent (id, email, age) VALUES (:id, :email, 1)", map[string]any{"id": 2, "email": "secret@example.com"}, model.ErrConflict},
			{"primary key", "INSERT INTO parent (id, email, age) VALUES (:id, :email, 1)", map[string]any{"id": 1, "email": "secret2@example.com"}, model.ErrConflict},
			{"foreign key", "INSERT INTO child (id, parent_id) VALUES (:id, :p)", map[string]any{"id": 1, "p": 99}, model.ErrConflict},
			{"not null", "INSERT INTO parent (id, email, age) VALUES (:id, :email, 1)", map[string]any{"id": 3, "email": nil}, model.ErrInvalid},
			{"check", "INSERT INTO parent (id, email, age) VALUES (:id, :email, :age)", map[string]any{"id": 4, "email": "secret4@example.com", "age": -1}, model.ErrInvalid},
			{"syntax", "INSERT INTO nowhere_table (x) VALUES (:x)", map[string]any{"x": 1}, nil},
		}
		for _, tt := range tests {
			st, err := db.Prepare(tt.sql)
			if err != nil {
				t.Fatal(err)
			}
			_, err = st.Exec(context.Background(), tt.args)
			var se *sqldb.Error
			if !errors.As(err, &se) {
				t.Fatalf("%s: error = %#v, want *sqldb.Error", tt.name, err)
			}
			for _, s := range []error{model.ErrConflict, model.ErrInvalid, model.ErrUnavailable} {
				if errors.Is(err, s) != (s == tt.want) {
					t.Errorf("%s: errors.Is(%v, %v) = %v, want %v", tt.name, err, s, !(s == tt.want), s == tt.want)
				}
			}
			// The client-facing message leaks neither SQL nor values; the log record has the SQL.
			msg := err.Error()
			t.Logf("%s: %s", tt.name, msg)
			for _, leak := range []string{"INSERT", "secret", "nowhere_table", "99"} {
				if strings.Contains(msg, leak) {
					t.Errorf("%s: message %q leaks %q", tt.name, msg, leak)
				}
			}
			var log strings.Builder
			slog.New(slog.NewTextHandler(&log, nil)).Error("failed", "err", err)
			if !strings.Contains(log.String(), "INSERT INTO") {
				t.Errorf("%s: log record %q lacks the statement", tt.name, log.String())
			}
		}
	})
}

func TestUnavailable(t *testing.T) {
	t.Parallel()
	const password = "s3cret-Pa55"
	tests := []struct {
		driver, dsn, where string
	}{
		{"postgres", "postgres://portico:" + password + "@127.0.0.1:1/test?sslmode=disable", "127.0.0.1:1"},
		{"postgres", "host=127.0.0.1 port=1 user=portico password=" + password + " dbname=test sslmode=disable", "127.0.0.1:1"},
		{"mysql", "portico:" + password + "@tcp(127.0.0.1:1)/test", "127.0.0.1:1"},
		{"sqlite", "file:/nonexistent-dir/sub/db.sqlite?mode=rw", "/nonexistent-dir/sub/db.sqlite"},
	}
	for _, tt := range tests {
		t.Run(tt.driver, func(t *testing.T) {
			t.Parallel()
			// Open succeeds while the database is down.
			db, err := sqldb.Open(context.Background(), &model.DatabaseConnection{Driver: tt.driver, DSN: model.Secret(tt.dsn)})
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer db.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			start := time.Now()
			perr := db.Ping(ctx)
			if !errors.Is(perr, model.ErrUnavailable) {
				t.Fatalf("Ping error = %v, want ErrUnavailable", perr)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("Ping took %v, want a quick failure", d)
			}
			st, err := db.Prepare("SELECT :a")
			if err != nil {
				t.Fatal(err)
			}
			_, qerr := st.Query(ctx, map[string]any{"a": 1})
			if !errors.Is(qerr, model.ErrUnavailable) {
				t.Fatalf("Query error = %v, want ErrUnavailable", qerr)
			}
			var log strings.Builder
			slog.New(slog.NewTextHandler(&log, nil)).Error("failed", "perr", perr, "qerr", qerr)
			for _, text := range []string{perr.Error(), qerr.Error(), log.String()} {
				if strings.Contains(text, password) {
					t.Errorf("%q reveals the password", text)
				}
			}
			t.Logf("Ping: %s", perr)
			for _, want := range []string{tt.driver, tt.where} {
				if !strings.Contains(perr.Error(), want) {
					t.Errorf("message %q does not name %q", perr.Error(), want)
				}
			}
		})
	}
}

func TestOpenAndPrepareRefuseBadInput(t *testing.T) {
	t.Parallel()
	for _, spec := range []*model.DatabaseConnection{
		nil,
		{Driver: "oracle", DSN: "x"},
		{Driver: "postgres", DSN: "postgres://u:pw@host:notaport/db"},
		{Driver: "mysql", DSN: "root@tcp(127.0.0.1:3306)test"},
	} {
		_, err := sqldb.Open(context.Background(), spec)
		if !errors.Is(err, model.ErrInvalid) {
			t.Errorf("Open(%#v) error = %v, want ErrInvalid", spec, err)
		}
		if err != nil && strings.Contains(err.Error(), ":pw@") {
			t.Errorf("Open error %q reveals the password", err)
		}
	}
	db, err := sqldb.Open(context.Background(), &model.DatabaseConnection{Driver: "sqlite", DSN: model.Secret(t.TempDir() + "/x.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, stmt := range []string{"SELECT ?", "SELECT 'open"} {
		if _, err := db.Prepare(stmt); !errors.Is(err, model.ErrInvalid) {
			t.Errorf("Prepare(%q) error = %v, want ErrInvalid", stmt, err)
		}
	}
}

// TestConcurrentStatement shares one Statement between goroutines, as the
// runtime does between requests (run with -race).
func TestConcurrentStatement(t *testing.T) {
	t.Parallel()
	forEachDriver(t, func(t *testing.T, b backend) {
		db := b.open(t)
		exec(t, db, "CREATE TABLE c (id INTEGER PRIMARY KEY, v INTEGER)", nil)
		ins, err := db.Prepare("INSERT INTO c (id, v) VALUES (:id, :v)")
		if err != nil {
			t.Fatal(err)
		}
		sel, err := db.Prepare("SELECT v FROM c WHERE id = :id")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := range 20 {
			wg.Go(func() {
				if _, err := ins.Exec(context.Background(), map[string]any{"id": i, "v": i * 10}); err != nil {
					errs <- err
					return
				}
				rows, err := sel.Query(context.Background(), map[string]any{"id": i})
				if err != nil {
					errs <- err
					return
				}
				if len(rows) != 1 || rows[0]["v"] != i*10 {
					errs <- fmt.Errorf("id %d: rows %v", i, rows)
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})
}

func TestProcessAdapter(t *testing.T) {
	t.Parallel()
	var conn process.SQL = processSQL{newBackend(t, "sqlite").open(t)}
	st, err := conn.Prepare("SELECT :a + 1 AS n")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := st.Query(context.Background(), map[string]any{"a": 41})
	if err != nil || len(rows) != 1 || rows[0]["n"] != 42 {
		t.Errorf("rows %v, error %v; want n = 42", rows, err)
	}
	if st, err := conn.Prepare("SELECT ?"); st != nil || !errors.Is(err, model.ErrInvalid) {
		t.Errorf("Prepare of a positional statement = %v, %v; want a nil Statement and ErrInvalid", st, err)
	}
}

// TestStatementReuse runs one Statement again and again, as the runtime
// does: the column plan learned on the first run must serve the next ones
// and be relearned when the columns change under a SELECT *.
func TestStatementReuse(t *testing.T) {
	t.Parallel()
	forEachDriver(t, func(t *testing.T, b backend) {
		db := b.open(t)
		exec(t, db, "CREATE TABLE r (id INTEGER PRIMARY KEY, name VARCHAR(20))", nil)
		exec(t, db, "INSERT INTO r (id, name) VALUES (1, 'one'), (2, 'two')", nil)
		sel, err := db.Prepare("SELECT * FROM r WHERE id >= :id ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		run := func() []map[string]any {
			t.Helper()
			rows, err := sel.Query(context.Background(), map[string]any{"id": 1})
			if err != nil {
				t.Fatalf("Query: %v", err)
			}
			return rows
		}
		want := []map[string]any{{"id": 1, "name": "one"}, {"id": 2, "name": "two"}}
		for i := range 3 {
			if diff := cmp.Diff(want, run()); diff != "" {
				t.Fatalf("run %d (-want +got):\n%s", i, diff)
			}
		}
		exec(t, db, "ALTER TABLE r ADD COLUMN price DECIMAL(10,2)", nil)
		exec(t, db, "UPDATE r SET price = 12.50 WHERE id = 1", nil)
		if b.driver == "postgres" {
			// pgx's per-connection statement cache fails the first run
			// whose result type changed (SQLSTATE 0A000, "cached plan must
			// not change result type") and prepares anew for the next.
			_, _ = sel.Query(context.Background(), map[string]any{"id": 1})
		}
		want = []map[string]any{{"id": 1, "name": "one", "price": 12.5}, {"id": 2, "name": "two", "price": nil}}
		for i := range 2 {
			if diff := cmp.Diff(want, run()); diff != "" {
				t.Fatalf("after ALTER TABLE, run %d (-want +got):\n%s", i, diff)
			}
		}
	})
}
