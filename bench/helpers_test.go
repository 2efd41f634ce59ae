package bench

import (
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/portico-dev/portico/internal/manifest"
	"github.com/portico-dev/portico/internal/model"
)

// customerQuery is the one query both sides of the comparison run.
const customerQuery = `SELECT id, name, email, country FROM customers WHERE id = ?`

// rows is the size of the customers table; requests spread over all of it.
const rows = 1000

// poolSize is the connection pool of both sides.
const poolSize = 4

// seedDB creates a customers table of rows rows in a fresh SQLite file.
func seedDB(b *testing.B) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "erp.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE, country TEXT)`); err != nil {
		b.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	countries := []string{"GB", "US", "FR", "DE", "FI"}
	for i := 1; i <= rows; i++ {
		if _, err := tx.Exec(`INSERT INTO customers VALUES (?, ?, ?, ?)`,
			i, fmt.Sprintf("Customer %d", i), fmt.Sprintf("c%d@example.com", i), countries[i%len(countries)]); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return path
}

// snapshotOf is the snapshot a control plane publishes for one package made
// of the given YAML documents, rooted at root.
func snapshotOf(b *testing.B, root model.Ref, yaml string) *model.Snapshot {
	b.Helper()
	docs, err := manifest.Decode("bench.yaml", []byte(yaml))
	if err != nil {
		b.Fatal(err)
	}
	var comps []model.Component
	for _, d := range docs {
		c := d.Component
		c.Revision = 1
		if c.Hash, err = c.ContentHash(); err != nil {
			b.Fatal(err)
		}
		comps = append(comps, *c)
	}
	return &model.Snapshot{
		Environment: "bench",
		Revision:    1,
		Deployments: []model.SnapshotDeployment{{
			Deployment: model.Deployment{Environment: "bench", Component: root, Version: "1.0.0", Active: true},
			Package:    model.Package{Component: root, Version: "1.0.0"},
			Components: comps,
		}},
	}
}

// keepAliveClient holds enough idle connections for every parallel
// goroutine, so that no request pays for a new connection.
func keepAliveClient() *http.Client {
	n := 4 * runtime.GOMAXPROCS(0)
	return &http.Client{
		Transport: &http.Transport{MaxIdleConns: n, MaxIdleConnsPerHost: n},
		Timeout:   30 * time.Second,
	}
}

// fetch GETs url and returns the status and body, for the checks before a
// benchmark measures anything.
func fetch(b *testing.B, cl *http.Client, url string) (int, string) {
	b.Helper()
	resp, err := cl.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// hammer runs GET base+{id} from b.RunParallel goroutines over keep-alive
// connections and reports requests per second. Every answer must be 200.
func hammer(b *testing.B, cl *http.Client, base string) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		id := 0
		for pb.Next() {
			id = id%rows + 1
			resp, err := cl.Get(base + strconv.Itoa(id))
			if err != nil {
				b.Error(err)
				return
			}
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				b.Errorf("GET %s%d: %d %v", base, id, resp.StatusCode, err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
