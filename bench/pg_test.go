package bench

import (
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/portico-dev/portico/internal/model"
)

// The PostgreSQL comparison: GET /customers/{id} for a random id among
// pgRows, through Portico, against pgbench running the same SELECT on the
// same table (bench/pg.sh runs both and prints the ratio).

// pgRows is the size of the PostgreSQL customers table, as pg.sh makes it.
const pgRows = 10_000

// pgClients is the number of concurrent clients and of pooled
// connections, pgbench's -c in pg.sh.
const pgClients = 8

// pgSchema returns a DSN whose search_path is a schema holding the
// customers table: PORTICO_BENCH_PG_SCHEMA when pg.sh made one, otherwise
// a schema of this benchmark's own, seeded here and dropped after.
func pgSchema(b *testing.B) string {
	b.Helper()
	base := os.Getenv("PORTICO_TEST_POSTGRES")
	if base == "" {
		b.Skip("PostgreSQL benchmarks skipped: set PORTICO_TEST_POSTGRES, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	}
	schema := os.Getenv("PORTICO_BENCH_PG_SCHEMA")
	if schema == "" {
		schema = "pt_bench_" + strconv.Itoa(os.Getpid())
		seedPostgres(b, base, schema)
	}
	u, err := url.Parse(base)
	if err != nil {
		b.Fatalf("PORTICO_TEST_POSTGRES: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// seedPostgres creates schema with pg.sh's customers table.
func seedPostgres(b *testing.B, dsn, schema string) {
	b.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for _, s := range []string{
		"CREATE SCHEMA " + schema,
		"CREATE TABLE " + schema + ".customers (id integer PRIMARY KEY, name text NOT NULL, email text NOT NULL UNIQUE, country char(2))",
		"INSERT INTO " + schema + ".customers SELECT i, 'Customer ' || i, 'c' || i || '@example.com', " +
			"(ARRAY['GB','US','FR','DE','FI'])[i % 5 + 1] FROM generate_series(1, " + strconv.Itoa(pgRows) + ") i",
		"ANALYZE " + schema + ".customers",
	} {
		if _, err := db.Exec(s); err != nil {
			b.Fatalf("%s: %v", s, err)
		}
	}
	b.Cleanup(func() {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			b.Error(err)
			return
		}
		defer db.Close()
		if _, err := db.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			b.Error(err)
		}
	})
}

// pgYAML is the API Portico serves: one low-latency process running the
// SELECT pgbench runs.
const pgYAML = `
kind: Connection
name: erp
spec:
  type: database
  database: {driver: postgres, dsn: %q, maxOpenConns: %d, maxIdleConns: %d}
---
kind: Process
name: getCustomer
spec:
  mode: low-latency
  steps:
    - query:
        connection: erp
        sql: SELECT id, name, email, country FROM customers WHERE id = :id
        params: {id: '$props.param_id | tonumber'}
    - return: {}
---
kind: API
name: erp
spec:
  basePath: erp
  version: v1
  endpoints:
    - {method: GET, path: "/customers/{id}", process: getCustomer}
`

// BenchmarkPorticoRESTPostgres is GET by id through Portico's data plane
// as `portico serve` runs it (runtime.New, its server, the REST router,
// the exchange, a low-latency query process) on PostgreSQL, from
// pgClients keep-alive clients.
func BenchmarkPorticoRESTPostgres(b *testing.B) {
	snap := snapshotOf(b, model.Ref{Kind: model.KindAPI, Name: "erp"}, fmt.Sprintf(pgYAML, pgSchema(b), pgClients, pgClients))
	cl := keepAliveClient()
	base := "http://" + serveSnapshot(b, snap) + "/ws/rest/erp/v1/customers/"
	checkAnswer(b, cl, base)
	hammerRandom(b, cl, base)
}

// BenchmarkBareNetHTTPPostgres is the same request answered by a
// hand-written net/http handler over database/sql and pgx, with the same
// pool: what is left of the gap to pgbench once HTTP is paid for.
func BenchmarkBareNetHTTPPostgres(b *testing.B) {
	db, err := sql.Open("pgx", pgSchema(b))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(pgClients)
	db.SetMaxIdleConns(pgClients)
	stmt, err := db.Prepare(strings.Replace(customerQuery, "?", "$1", 1))
	if err != nil {
		b.Fatal(err)
	}
	defer stmt.Close()
	srv := httptest.NewServer(bareHandler(stmt))
	defer srv.Close()
	cl := keepAliveClient()
	checkAnswer(b, cl, srv.URL+"/customers/")
	hammerRandom(b, cl, srv.URL+"/customers/")
}

// hammerRandom GETs base+{id} for random ids in 1..pgRows, as pgbench's
// random(1, 10000), from pgClients goroutines over keep-alive connections,
// and reports requests per second. Every answer must be 200.
func hammerRandom(b *testing.B, cl *http.Client, base string) {
	b.Helper()
	b.SetParallelism((pgClients + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := strconv.Itoa(rand.IntN(pgRows) + 1)
			resp, err := cl.Get(base + id)
			if err != nil {
				b.Error(err)
				return
			}
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				b.Errorf("GET %s%s: %d %v", base, id, resp.StatusCode, err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
