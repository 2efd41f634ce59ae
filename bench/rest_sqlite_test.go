package bench

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/runtime"
	"github.com/portico-dev/portico/internal/runtime/compile"
)

// The same work on both sides: GET /customers/{id} reads one row of SQLite
// and answers it as a JSON object. Bodies are checked equal before timing.

// customer is a row of the bare handler.
type customer struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	Country string `json:"country"`
}

// bareHandler is what a developer writes by hand: a prepared statement, a
// scan, an encoder.
func bareHandler(stmt *sql.Stmt) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /customers/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			http.Error(w, "bad id", http.StatusBadRequest)
			return
		}
		var c customer
		err = stmt.QueryRowContext(r.Context(), id).Scan(&c.ID, &c.Name, &c.Email, &c.Country)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			http.Error(w, "no such customer", http.StatusNotFound)
			return
		case err != nil:
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(c)
	})
	return mux
}

// BenchmarkBareNetHTTP is the baseline: the query in a plain net/http handler.
func BenchmarkBareNetHTTP(b *testing.B) {
	db, err := sql.Open("sqlite", seedDB(b))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(poolSize)
	db.SetMaxIdleConns(poolSize)
	stmt, err := db.Prepare(customerQuery)
	if err != nil {
		b.Fatal(err)
	}
	defer stmt.Close()
	srv := httptest.NewServer(bareHandler(stmt))
	defer srv.Close()
	cl := keepAliveClient()
	checkAnswer(b, cl, srv.URL+"/customers/")
	hammer(b, cl, srv.URL+"/customers/")
}

// porticoYAML is the API Portico serves: one low-latency process running
// the same query.
const porticoYAML = `
kind: Connection
name: erp
spec:
  type: database
  database: {driver: sqlite, dsn: "file:%s", maxOpenConns: %d, maxIdleConns: %d}
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

func porticoSnapshot(b *testing.B) *model.Snapshot {
	b.Helper()
	return snapshotOf(b, model.Ref{Kind: model.KindAPI, Name: "erp"}, fmt.Sprintf(porticoYAML, seedDB(b), poolSize, poolSize))
}

// BenchmarkPorticoREST is the same query through Portico's data plane as
// `portico serve` runs it: the runtime's own server, its atomic snapshot
// and reference counting, the REST router, the exchange, the process.
func BenchmarkPorticoREST(b *testing.B) {
	cl := keepAliveClient()
	base := "http://" + serveSnapshot(b, porticoSnapshot(b)) + "/ws/rest/erp/v1/customers/"
	checkAnswer(b, cl, base)
	hammer(b, cl, base)
}

// serveSnapshot runs Portico's runtime on a loopback port serving snap,
// which its source hands over once and never changes, until the
// benchmark ends; it returns the runtime's address.
func serveSnapshot(b *testing.B, snap *model.Snapshot) string {
	b.Helper()
	c, err := compile.New(compile.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	rt, err := runtime.New(runtime.Config{
		Listener: ln,
		Env:      "bench",
		Compiler: c,
		Source: runtime.SourceFunc(func(ctx context.Context, after int64) (*model.Snapshot, int64, error) {
			if after < snap.Revision {
				return snap, snap.Revision, nil
			}
			<-ctx.Done()
			return nil, snap.Revision, ctx.Err()
		}),
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rt.Run(ctx) }()
	b.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
	})
	<-rt.Ready()
	return rt.Addr()
}

// BenchmarkPorticoCompiledHandler serves the compiled snapshot's handler
// directly from httptest, without the runtime around it: the difference
// with BenchmarkPorticoREST is the runtime's own cost.
func BenchmarkPorticoCompiledHandler(b *testing.B) {
	snap := porticoSnapshot(b)
	c, err := compile.New(compile.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	compiled, err := c.Compile(context.Background(), snap, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer compiled.Close()
	srv := httptest.NewServer(compiled.Handler())
	defer srv.Close()
	cl := keepAliveClient()
	base := srv.URL + "/ws/rest/erp/v1/customers/"
	checkAnswer(b, cl, base)
	hammer(b, cl, base)
}

// checkAnswer makes sure a benchmark measures the real answer: customer 7
// as a JSON object with the row's values.
func checkAnswer(b *testing.B, cl *http.Client, base string) {
	b.Helper()
	code, body := fetch(b, cl, base+"7")
	var got customer
	if code != http.StatusOK || json.Unmarshal([]byte(body), &got) != nil ||
		got != (customer{ID: 7, Name: "Customer 7", Email: "c7@example.com", Country: "FR"}) {
		b.Fatalf("GET %s7 = %d %s", base, code, body)
	}
}
