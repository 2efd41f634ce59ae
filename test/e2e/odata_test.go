package e2e

import (
	"bytes"
	"context"
	"encoding/xml"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var odataRootRE = regexp.MustCompile(`(?m)^  OData +(http://\S+/)$`)

// TestQuickstartODataWithAnIndependentClient starts quickstart and drives
// its OData service with @odata/client (tools/odata-client), a library
// nobody here wrote: queries, keys, $expand and a write round trip.
func TestQuickstartODataWithAnIndependentClient(t *testing.T) {
	t.Parallel()
	const install = "npm ci --prefix tools/odata-client"
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skipf("node is not installed: the independent OData client cannot run (install Node.js, then run %q at the repository root)", install)
	}
	dir := filepath.Join(root, "tools", "odata-client")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@odata", "client", "package.json")); err != nil {
		t.Skipf("the independent OData client is not installed: run %q at the repository root", install)
	}

	data := filepath.Join(t.TempDir(), "portico-data")
	qs := startQuickstart(t, baseEnv(t, "PORTICO_ADMIN_PASSWORD="+adminPassword),
		"--listen", "127.0.0.1:0", "--gateway-listen", "127.0.0.1:0", "--data", data)
	out := qs.Stdout()
	m := odataRootRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("quickstart prints no OData service root:\n%s", out)
	}
	svc := m[1]
	contains(t, "quickstart", out, "$metadata   "+svc+"$metadata")

	// $metadata is well-formed CSDL with the four entity types.
	status, body := do(t, http.MethodGet, svc+"$metadata", nil, "")
	var edmx struct {
		Types []struct {
			Name string `xml:"Name,attr"`
		} `xml:"DataServices>Schema>EntityType"`
	}
	if status != http.StatusOK || xml.Unmarshal(body, &edmx) != nil || len(edmx.Types) != 4 {
		t.Fatalf("GET %s$metadata: %d %.300s", svc, status, body)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(dir, "run.js"), svc)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Run(); err != nil {
		t.Fatalf("the OData client failed: %v\n%s", err, buf.String())
	}
	if n := strings.Count(buf.String(), "ok   "); n < 12 {
		t.Errorf("%d checks passed, want 12:\n%s", n, buf.String())
	}
}
