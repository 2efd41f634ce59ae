package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/runtime"
	"github.com/portico-dev/portico/internal/scaffold"
	"github.com/portico-dev/portico/internal/scaffold/sample"
	"github.com/portico-dev/portico/internal/store"
)

// The sample's names, as the docs and the printed lines use them.
const (
	sampleConnection = "erp"
	sampleAPI        = "erp"
	sampleBase       = "erp"
	sampleVersion    = "v1"
	samplePackage    = "1.0.0"
	sampleActor      = "quickstart" // recorded as the author of what quickstart saves
)

// sampleReport is what setting the sample up did, for the summary.
type sampleReport struct {
	dbPath    string
	dbCreated bool
	counts    sample.Counts
	examples  *sample.Examples
	applied   []store.ApplyResult
	kept      []model.Ref // existing components that differ from the generated ones
	pkg       *model.Package
	pkgAction string // created, unchanged or kept
	deployed  string // what happened in dev, as a sentence
	served    *model.Deployment
	revision  int64 // the snapshot revision the runtime serves
}

// setupSample creates the sample database, applies its components, makes
// and deploys package 1.0.0 and waits until the runtime serves it. Every
// step keeps what is already there, so a second run changes nothing.
func setupSample(ctx context.Context, s *started) (*sampleReport, error) {
	dir, err := filepath.Abs(s.cfg.data)
	if err != nil {
		return nil, fmt.Errorf("data directory %s: %w", s.cfg.data, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create the data directory %s (--data / PORTICO_DATA): %w", dir, err)
	}
	rep := &sampleReport{dbPath: filepath.Join(dir, sample.FileName)}
	if rep.dbCreated, err = sample.Create(ctx, rep.dbPath); err != nil {
		return nil, fmt.Errorf("the ERP sample database: %w", err)
	}
	if rep.counts, err = sample.Count(ctx, rep.dbPath); err != nil {
		return nil, err
	}
	comps, err := sampleComponents(ctx, rep.dbPath)
	if err != nil {
		return nil, err
	}
	if err := rep.apply(ctx, s.store, comps); err != nil {
		return nil, err
	}
	if err := rep.makePackage(ctx, s.store, comps); err != nil {
		return nil, err
	}
	if err := rep.deploy(ctx, s.store); err != nil {
		return nil, err
	}
	if err := rep.waitServed(ctx, s.store, s.gatewayURL); err != nil {
		return nil, err
	}
	// Read last, so that the printed lines match the rows as they are now.
	if rep.examples, err = sample.ReadExamples(ctx, rep.dbPath); err != nil {
		return nil, err
	}
	return rep, nil
}

// sampleComponents are the connection and what the generator makes of the
// four tables, in apply order.
func sampleComponents(ctx context.Context, dbPath string) ([]*model.Component, error) {
	db, err := sql.Open("sqlite", sample.DSN(dbPath))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	in, err := scaffold.Introspect(ctx, db, "sqlite", sample.Tables)
	if err != nil {
		return nil, fmt.Errorf("introspect the sample database: %w", err)
	}
	opts := scaffold.Options{Connection: sampleConnection, API: sampleAPI,
		BasePath: sampleBase, Version: sampleVersion, Title: "ERP sample"}
	res, err := scaffold.Generate(in, opts)
	if err != nil {
		return nil, fmt.Errorf("generate the sample API: %w", err)
	}
	// The same API serves the tables as OData entity sets.
	odata, _, err := scaffold.OData(in, opts)
	if err != nil {
		return nil, fmt.Errorf("generate the sample OData service: %w", err)
	}
	for _, c := range res.Components {
		if api, ok := c.Spec.(*model.APISpec); ok {
			api.OData = odata
		}
	}
	// The sample serves the same processes over SOAP too.
	if err := scaffold.AddSOAP(res); err != nil {
		return nil, fmt.Errorf("generate the sample API's SOAP operations: %w", err)
	}
	conn := &model.Component{Kind: model.KindConnection, Name: sampleConnection,
		Description: "The ERP sample database of portico quickstart",
		Spec: &model.ConnectionSpec{Type: model.ConnectionDatabase, Database: &model.DatabaseConnection{
			Driver: "sqlite", DSN: model.Secret(sample.DSN(dbPath)), MaxOpenConns: 4}}}
	comps := append([]*model.Component{conn}, res.Components...)
	for _, c := range comps {
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("sample %s: %w", c.Ref(), err)
		}
	}
	return comps, nil
}

// apply saves, in one transaction, the components that are missing or
// equal to the generated ones. A component that exists with other content
// was edited (or belongs to someone else): it is kept, and reported.
func (rep *sampleReport) apply(ctx context.Context, st store.Store, comps []*model.Component) error {
	var save []*model.Component
	for _, c := range comps {
		cur, err := st.GetComponent(ctx, c.Ref())
		switch {
		case errors.Is(err, model.ErrNotFound):
			save = append(save, c)
		case err != nil:
			return fmt.Errorf("read %s: %w", c.Ref(), err)
		case sameContent(cur, c):
			save = append(save, c)
		default:
			rep.kept = append(rep.kept, c.Ref())
		}
	}
	res, err := st.Apply(ctx, save, nil, sampleActor)
	if err != nil {
		return fmt.Errorf("apply the sample components: %w", err)
	}
	rep.applied = res
	return nil
}

// sameContent reports whether two components have equal canonical content.
func sameContent(a, b *model.Component) bool {
	ja, errA := a.CanonicalJSON()
	jb, errB := b.CanonicalJSON()
	return errA == nil && errB == nil && string(ja) == string(jb)
}

// makePackage creates api/erp 1.0.0 unless it exists. An existing one that
// pins other revisions than the current ones is kept: a package is an
// immutable release.
func (rep *sampleReport) makePackage(ctx context.Context, st store.Store, comps []*model.Component) error {
	root := model.Ref{Kind: model.KindAPI, Name: sampleAPI}
	pkg, err := st.FindPackage(ctx, root, samplePackage)
	switch {
	case errors.Is(err, model.ErrNotFound):
		pkg, err = st.CreatePackage(ctx, root, samplePackage, "The ERP sample, made by portico quickstart", sampleActor)
		if errors.Is(err, model.ErrConflict) { // another quickstart made it meanwhile
			pkg, err = st.FindPackage(ctx, root, samplePackage)
		} else if err == nil {
			rep.pkgAction = "created"
		}
	}
	if err != nil {
		return fmt.Errorf("package %s %s: %w", root, samplePackage, err)
	}
	rep.pkg = pkg
	if rep.pkgAction != "" {
		return nil
	}
	rep.pkgAction = "unchanged"
	pinned := map[model.Ref]int{}
	for _, p := range pkg.Contents {
		pinned[model.Ref{Kind: p.Kind, Name: p.Name}] = p.Revision
	}
	for _, c := range comps {
		cur, err := st.GetComponent(ctx, c.Ref())
		if err != nil && !errors.Is(err, model.ErrNotFound) {
			return fmt.Errorf("read %s: %w", c.Ref(), err)
		}
		if err != nil || pinned[c.Ref()] != cur.Revision {
			rep.pkgAction = "kept"
			break
		}
	}
	return nil
}

// deploy makes the package active in dev, unless dev already serves it or
// serves another package of api/erp in that API version, a release someone
// made on purpose, which quickstart does not replace.
func (rep *sampleReport) deploy(ctx context.Context, st store.Store) error {
	root := rep.pkg.Component
	active, _, err := st.ListDeployments(ctx, store.DeploymentFilter{Environment: serveEnvironment, Component: &root}, store.Page{Limit: 100})
	if err != nil {
		return fmt.Errorf("read the deployments of %s in %s: %w", root, serveEnvironment, err)
	}
	for _, d := range active {
		if !d.Active || d.APIVersion != rep.pkg.APIVersion {
			continue
		}
		rep.served = d
		if d.PackageID == rep.pkg.ID {
			rep.deployed = fmt.Sprintf("already active in %s", serveEnvironment)
		} else {
			rep.deployed = fmt.Sprintf("not deployed: %s serves %s %s, which quickstart leaves as it is (portico deploy %s@%s --env %s to switch)",
				serveEnvironment, root, d.Version, root.Name, rep.pkg.Version, serveEnvironment)
		}
		return nil
	}
	d, _, err := st.Deploy(ctx, serveEnvironment, rep.pkg.ID, sampleActor)
	if err != nil {
		return fmt.Errorf("deploy %s %s to %s: %w", root, rep.pkg.Version, serveEnvironment, err)
	}
	rep.served = d
	rep.deployed = fmt.Sprintf("deployed to %s", serveEnvironment)
	return nil
}

// readyPoll is how often waitServed asks the runtime.
const readyPoll = 200 * time.Millisecond

// waitServed polls the runtime's /readyz until it serves dev's current
// snapshot revision. The control plane sees the store's change within its
// poll interval and the runtime's long poll returns then.
func (rep *sampleReport) waitServed(ctx context.Context, st store.Store, gatewayURL string) error {
	want, err := st.EnvironmentRevision(ctx, serveEnvironment)
	if err != nil {
		return fmt.Errorf("read the revision of %s: %w", serveEnvironment, err)
	}
	hc := &http.Client{Timeout: 5 * time.Second}
	var last string
	for {
		status, err := readyz(ctx, hc, gatewayURL)
		switch {
		case err != nil:
			last = err.Error()
		case status.Revision >= want:
			rep.revision = status.Revision
			return nil
		case status.FailedRevision >= want && status.LastError != "":
			return fmt.Errorf("the runtime cannot serve snapshot revision %d of %s: %s", status.FailedRevision, serveEnvironment, status.LastError)
		default:
			last = fmt.Sprintf("it serves revision %d", status.Revision)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the runtime did not serve revision %d of %s in time (%s): %w", want, serveEnvironment, last, ctx.Err())
		case <-time.After(readyPoll):
		}
	}
}

// readyz reads the runtime's status.
func readyz(ctx context.Context, hc *http.Client, gatewayURL string) (*runtime.Status, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, gatewayURL+"/readyz", nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	// 503 (no snapshot serves yet) is a problem document with lastError.
	var s runtime.Status
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		return nil, fmt.Errorf("/readyz answered %s: %w", resp.Status, err)
	}
	if resp.StatusCode != http.StatusOK {
		if s.LastError != "" {
			return nil, fmt.Errorf("not ready: %s", s.LastError)
		}
		return nil, errors.New("not ready: no snapshot yet")
	}
	return &s, nil
}
