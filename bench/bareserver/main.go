// Command bareserver is the reference of bench/pg-wrk.sh: GET
// /customers/{id} answered by a hand-written net/http handler over
// database/sql and pgx, the floor that Go's HTTP server and driver set
// before Portico adds anything. It prints its address on stdout.
//
//	bareserver -dsn 'postgres://...?search_path=portico_bench' -pool 8
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// customer is one row of the benchmark's table, as the answer's JSON.
type customer struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	Country string `json:"country"`
}

func main() {
	dsn := flag.String("dsn", "", "PostgreSQL DSN whose search_path holds the customers table")
	listen := flag.String("listen", "127.0.0.1:0", "address to serve on")
	pool := flag.Int("pool", 8, "connection pool size")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *dsn, *listen, *pool); err != nil {
		slog.Error("bareserver", "err", err)
		os.Exit(1)
	}
}

// run serves until ctx is cancelled.
func run(ctx context.Context, dsn, listen string, pool int) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return fmt.Errorf("open: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(pool)
	db.SetMaxIdleConns(pool)
	stmt, err := db.PrepareContext(ctx, "SELECT id, name, email, country FROM customers WHERE id = $1")
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer stmt.Close()
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	srv := &http.Server{Handler: handler(stmt), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// handler answers GET /customers/{id} with the row as JSON, 404 without one.
func handler(stmt *sql.Stmt) http.Handler {
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
