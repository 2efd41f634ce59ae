package e2e

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// loadClients is how many clients call the API while it is redeployed.
const loadClients = 8

// loadCustomers are the rows of the test's ERP database.
var loadCustomers = []struct {
	id                   int
	name, email, country string
}{
	{1, "Ada", "ada@example.com", "GB"},
	{2, "Grace", "grace@example.com", "US"},
	{3, "Linus", "linus@example.com", "FI"},
}

// seedLoadDB creates the ERP database of the load test and returns its path.
func seedLoadDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "erp.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE, country TEXT)`); err != nil {
		t.Fatal(err)
	}
	for _, c := range loadCustomers {
		if _, err := db.Exec(`INSERT INTO customers VALUES (?, ?, ?, ?)`, c.id, c.name, c.email, c.country); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// releaseFile writes a testdata/load release with its DSN pointing at db.
func releaseFile(t *testing.T, name, db string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "load", name))
	if err != nil {
		t.Fatal(err)
	}
	return writeTemp(t, name, strings.ReplaceAll(string(b), "DB_PATH", filepath.ToSlash(db)))
}

// expectedCustomer is the body each release answers for customer i (0-based).
func expectedCustomer(i int, release string) map[string]any {
	c := loadCustomers[i]
	m := map[string]any{"id": float64(c.id), "name": c.name, "email": c.email, "country": c.country, "release": release}
	if release == "1.1.0" {
		m["region"] = strings.ToLower(c.country)
	}
	return m
}

// loadStats is what the clients saw.
type loadStats struct {
	total, notFound atomic.Int64
	byRelease       sync.Map // release → *atomic.Int64
	mu              sync.Mutex
	failures        []string
}

func (s *loadStats) saw(release string) {
	n, _ := s.byRelease.LoadOrStore(release, new(atomic.Int64))
	n.(*atomic.Int64).Add(1)
}

func (s *loadStats) count(release string) int64 {
	n, ok := s.byRelease.Load(release)
	if !ok {
		return 0
	}
	return n.(*atomic.Int64).Load()
}

func (s *loadStats) fail(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.failures) < 20 {
		s.failures = append(s.failures, fmt.Sprintf(format, args...))
	}
}

// report lists the first failures.
func (s *loadStats) report() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.failures, "\n")
}

// checkAnswer classifies one answer of GET /customers/{id}. While undeploying
// a 404 problem is expected too; anything else is a failure.
func (s *loadStats) checkAnswer(i int, resp *http.Response, body []byte, undeploying bool) {
	s.total.Add(1)
	if resp.StatusCode == http.StatusNotFound && undeploying {
		if resp.Header.Get("Content-Type") != "application/problem+json" || !json.Valid(body) {
			s.fail("404 while undeploying is not problem+json: %s %s", resp.Header.Get("Content-Type"), body)
		}
		s.notFound.Add(1)
		return
	}
	if resp.StatusCode != http.StatusOK {
		s.fail("customer %d: %d %s", i+1, resp.StatusCode, body)
		return
	}
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		s.fail("customer %d: body is not a JSON object (%v): %s", i+1, err, body)
		return
	}
	release, _ := got["release"].(string)
	if release != "1.0.0" && release != "1.1.0" || !reflect.DeepEqual(got, expectedCustomer(i, release)) {
		s.fail("customer %d: %s matches no release", i+1, body)
		return
	}
	s.saw(release)
}

// TestDeployUnderLoad: deploying a new package, rolling back, deploying
// again and undeploying while clients call the API fails none of their
// requests, and every answer comes whole from one release or the other.
func TestDeployUnderLoad(t *testing.T) {
	t.Parallel()
	dbPath := seedLoadDB(t)
	srv := startServer(t, baseEnv(t, "PORTICO_ADMIN_PASSWORD="+adminPassword),
		"--listen", "127.0.0.1:0", "--gateway-listen", "127.0.0.1:0", "--data", t.TempDir())
	m := serveRuntimeRE.FindStringSubmatch(srv.Stdout())
	if m == nil {
		t.Fatalf("serve did not print the runtime's address:\n%s", srv.Stdout())
	}
	gw := m[1]
	waitReady(t, gw, "the first snapshot", func(r readiness) bool { return r.Ready })

	admin := newUser(t, srv.URL)
	if r := admin.run(adminPassword+"\n", "login", "--username", "admin", "--password-stdin"); r.code != 0 {
		t.Fatalf("login: %s", r.stderr)
	}
	admin.ok("apply", "-f", releaseFile(t, "erp-1.0.0.yaml", dbPath))
	admin.ok("package", "erp", "--version", "1.0.0")
	admin.ok("apply", "-f", releaseFile(t, "erp-1.1.0.yaml", dbPath))
	admin.ok("package", "erp", "--version", "1.1.0")

	// change runs a CLI verb that changes what dev serves and waits until the
	// runtime serves the snapshot it made.
	change := func(args ...string) {
		t.Helper()
		_, before := probe(t, gw+"/readyz")
		admin.ok(args...)
		waitReady(t, gw, strings.Join(args, " "), func(r readiness) bool { return r.Revision > before.Revision })
	}
	get := func(path string) (int, string, []byte) {
		t.Helper()
		resp, err := http.Get(gw + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, resp.Header.Get("Content-Type"), b
	}
	change("deploy", "erp@1.0.0", "--env", "dev")

	var (
		stats       loadStats
		undeploying atomic.Bool
		stop        = make(chan struct{})
		stopOnce    sync.Once
		clients     sync.WaitGroup
		warm        sync.WaitGroup
	)
	halt := func() {
		stopOnce.Do(func() { close(stop) })
		clients.Wait()
	}
	defer halt()
	for c := range loadClients {
		clients.Add(1)
		warm.Add(1)
		go func() {
			defer clients.Done()
			// One keep-alive connection per client, as a real caller holds.
			tr := &http.Transport{MaxIdleConnsPerHost: 1}
			defer tr.CloseIdleConnections()
			cl := &http.Client{Transport: tr, Timeout: 10 * time.Second}
			// A bound in case the deploy sequence hangs: its waits fail the test.
			for n := 0; n < 200_000; n++ {
				if n == 1 {
					warm.Done()
				}
				select {
				case <-stop:
					if n < 1 {
						warm.Done()
					}
					return
				default:
				}
				i := (c + n) % len(loadCustomers)
				undeploy := undeploying.Load()
				resp, err := cl.Get(fmt.Sprintf("%s/ws/rest/erp/v1/customers/%d", gw, i+1))
				if err != nil {
					stats.total.Add(1)
					stats.fail("customer %d: %v", i+1, err)
					continue
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					stats.total.Add(1)
					stats.fail("customer %d: reading the body: %v", i+1, err)
					continue
				}
				stats.checkAnswer(i, resp, body, undeploy)
			}
		}()
	}
	warm.Wait()

	// waitClientsSee proves the clients reached the new release, not only
	// this goroutine's probe.
	waitClientsSee := func(release string, before int64) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for stats.count(release) <= before {
			if time.Now().After(deadline) {
				t.Fatalf("the clients never got release %s (counts: 1.0.0=%d 1.1.0=%d); failures:\n%s",
					release, stats.count("1.0.0"), stats.count("1.1.0"), stats.report())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	steps := []struct {
		args       []string
		release    string
		countState int // of GET /countries/GB/customers, which only 1.1.0 has
	}{
		{[]string{"deploy", "erp@1.1.0", "--env", "dev"}, "1.1.0", http.StatusOK},
		{[]string{"rollback", "erp", "--env", "dev"}, "1.0.0", http.StatusNotFound},
		{[]string{"deploy", "erp@1.1.0", "--env", "dev"}, "1.1.0", http.StatusOK},
	}
	for _, st := range steps {
		before := stats.count(st.release)
		change(st.args...)
		code, _, body := get("/ws/rest/erp/v1/customers/1")
		var got map[string]any
		if code != http.StatusOK || json.Unmarshal(body, &got) != nil || got["release"] != st.release {
			t.Errorf("after %v: customer 1 = %d %s, want release %s", st.args, code, body, st.release)
		}
		code, ctype, body := get("/ws/rest/erp/v1/countries/GB/customers")
		switch {
		case code != st.countState:
			t.Errorf("after %v: GET /countries/GB/customers = %d %s, want %d", st.args, code, body, st.countState)
		case code == http.StatusOK && !strings.Contains(string(body), `"customers":1`):
			t.Errorf("after %v: count of GB customers = %s", st.args, body)
		case code == http.StatusNotFound && ctype != "application/problem+json":
			t.Errorf("after %v: the removed endpoint answers 404 as %s, want problem+json", st.args, ctype)
		}
		waitClientsSee(st.release, before)
	}

	// Undeploy under load: the route may now answer 404, but nothing fails.
	undeploying.Store(true)
	change("undeploy", "erp", "--env", "dev")
	deadline := time.Now().Add(15 * time.Second)
	for stats.notFound.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	halt()

	total := stats.total.Load()
	t.Logf("%d requests by %d clients: %d from 1.0.0, %d from 1.1.0, %d answered 404 after the undeploy",
		total, loadClients, stats.count("1.0.0"), stats.count("1.1.0"), stats.notFound.Load())
	if f := stats.report(); f != "" {
		t.Errorf("failed requests (the first 20 at most):\n%s", f)
	}
	if stats.notFound.Load() == 0 {
		t.Error("the clients never saw the undeploy")
	}

	code, ctype, body := get("/ws/rest/erp/v1/customers/1")
	var p struct {
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}
	if code != http.StatusNotFound || ctype != "application/problem+json" || json.Unmarshal(body, &p) != nil || p.Status != http.StatusNotFound {
		t.Errorf("after the undeploy: %d %s %s, want a 404 problem", code, ctype, body)
	}
}
