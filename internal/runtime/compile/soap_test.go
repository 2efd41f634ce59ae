package compile_test

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/runtime/compile"
	"github.com/portico-dev/portico/internal/scaffold"
	"github.com/portico-dev/portico/internal/scaffold/sample"
)

// startSampleSOAP serves the quickstart's API (REST and SOAP over the ERP
// sample database) from a compiled snapshot, as quickstart deploys it.
func startSampleSOAP(t *testing.T) *httptest.Server {
	t.Helper()
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), sample.FileName)
	if _, err := sample.Create(ctx, dbPath); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", sample.DSN(dbPath))
	if err != nil {
		t.Fatal(err)
	}
	in, err := scaffold.Introspect(ctx, db, "sqlite", sample.Tables)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	gen, err := scaffold.NewGenerator(scaffold.StyleSOAP)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gen.Generate(in, scaffold.Options{Connection: "erp", API: "erp", BasePath: "erp", Version: "v1", Title: "ERP sample"})
	if err != nil {
		t.Fatal(err)
	}
	comps := []model.Component{{Kind: model.KindConnection, Name: "erp", Spec: &model.ConnectionSpec{Type: model.ConnectionDatabase,
		Database: &model.DatabaseConnection{Driver: "sqlite", DSN: model.Secret(sample.DSN(dbPath)), MaxOpenConns: 4}}}}
	for _, c := range res.Components {
		comps = append(comps, *c)
	}
	for i := range comps {
		comps[i].Revision = 1
		if comps[i].Hash, err = comps[i].ContentHash(); err != nil {
			t.Fatal(err)
		}
	}
	root := model.Ref{Kind: model.KindAPI, Name: "erp"}
	snap := &model.Snapshot{Environment: "dev", Revision: 1, Deployments: []model.SnapshotDeployment{{
		Deployment: model.Deployment{Environment: "dev", Component: root, Version: "1.0.0", Active: true},
		Package:    model.Package{Component: root, Version: "1.0.0"},
		Components: comps,
	}}}
	c, err := compile.New(compile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	compiled, err := c.Compile(ctx, snap, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(compiled.Close)
	srv := httptest.NewServer(compiled.Handler())
	t.Cleanup(srv.Close)
	return srv
}

// zeepPython is the Python that has Debian's python3-zeep; the test skips
// without it (.ci/run installs it: apt-get install python3-zeep libxml2-utils).
func zeepPython(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(py, "-c", "import zeep, lxml").Run() == nil {
			return py
		}
	}
	t.Skip("python3-zeep is not installed (apt-get install -y python3-zeep)")
	return ""
}

// TestSOAPWithZeep has a real SOAP client, zeep, load the WSDL of the
// quickstart's API and call every operation over SOAP 1.1 and 1.2; every
// answer must then validate against the service's schema with xmllint.
func TestSOAPWithZeep(t *testing.T) {
	py := zeepPython(t)
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Skip("xmllint is not installed (apt-get install -y libxml2-utils)")
	}
	srv := startSampleSOAP(t)
	dir := t.TempDir()
	out, err := exec.Command(py, "testdata/zeep_client.py", srv.URL, dir).CombinedOutput()
	t.Logf("zeep:\n%s", out)
	if err != nil {
		t.Fatalf("zeep client: %v", err)
	}
	resp, err := http.Get(srv.URL + "/ws/soap/erp/v1?xsd=1")
	if err != nil {
		t.Fatal(err)
	}
	xsd, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	xsdPath := filepath.Join(dir, "erp.xsd")
	if err := os.WriteFile(xsdPath, xsd, 0o600); err != nil {
		t.Fatal(err)
	}
	answers, _ := filepath.Glob(filepath.Join(dir, "*-*.xml"))
	if len(answers) < 56 {
		t.Fatalf("%d answers saved, want one per call (56)", len(answers))
	}
	args := append([]string{"--noout", "--schema", xsdPath}, answers...)
	if out, err := exec.Command("xmllint", args...).CombinedOutput(); err != nil {
		t.Fatalf("answers do not validate against the WSDL's schema: %v\n%s", err, out)
	}
	// The check can fail: an answer with a text id does not validate.
	bad := filepath.Join(dir, "bad.xml")
	_ = os.WriteFile(bad, []byte(`<getCustomerResponse xmlns="urn:portico:erp:v1"><customer><id>x</id></customer></getCustomerResponse>`), 0o600)
	if err := exec.Command("xmllint", "--noout", "--schema", xsdPath, bad).Run(); err == nil {
		t.Fatal("xmllint accepted an invalid answer")
	}
}
