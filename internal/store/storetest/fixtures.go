package storetest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// Refs of the ERP fixture.
var (
	erpDB       = model.Ref{Kind: model.KindConnection, Name: "erpdb"}
	getCustomer = model.Ref{Kind: model.KindProcess, Name: "getCustomer"}
	erpAPI      = model.Ref{Kind: model.KindAPI, Name: "erp"}
)

func connection(name string) *model.Component {
	return &model.Component{Kind: model.KindConnection, Name: name, Spec: &model.ConnectionSpec{
		Type:     model.ConnectionDatabase,
		Database: &model.DatabaseConnection{Driver: "sqlite", DSN: model.Secret("file:" + name + ".db")},
	}}
}

// process returns a process querying conn with sql, calling calls after.
func process(name, conn, sql string, calls ...string) *model.Component {
	steps := []model.Step{{Query: &model.SQLStep{Connection: conn, SQL: sql}}}
	for _, c := range calls {
		steps = append(steps, model.Step{Call: &model.CallStep{Process: c}})
	}
	steps = append(steps, model.Step{Return: &model.ReturnStep{}})
	return &model.Component{Kind: model.KindProcess, Name: name, Spec: &model.ProcessSpec{Steps: steps}}
}

// api returns an API at basePath/version with one endpoint per process.
func api(name, basePath, version string, procs ...string) *model.Component {
	spec := &model.APISpec{BasePath: basePath, Version: version}
	for i, p := range procs {
		spec.Endpoints = append(spec.Endpoints, model.Endpoint{Method: "GET", Path: "/r" + string(rune('a'+i)), Process: p})
	}
	return &model.Component{Kind: model.KindAPI, Name: name, Spec: spec}
}

func proxy(name, basePath, version string) *model.Component {
	return &model.Component{Kind: model.KindProxy, Name: name, Spec: &model.ProxySpec{
		BasePath: basePath, Version: version, Targets: []model.ProxyTarget{{URL: "http://127.0.0.1:9"}},
	}}
}

// erp returns fresh copies of the ERP fixture: connection, process, API v1.
func erp() []*model.Component {
	return []*model.Component{
		connection("erpdb"),
		process("getCustomer", "erpdb", "SELECT 1"),
		api("erp", "erp", "v1", "getCustomer"),
	}
}

func apply(t *testing.T, s store.Store, comps ...*model.Component) []store.ApplyResult {
	t.Helper()
	res, err := s.ApplyComponents(context.Background(), comps, "alice")
	if err != nil {
		t.Fatalf("ApplyComponents: %v", err)
	}
	return res
}

func putEnv(t *testing.T, s store.Store, name string) *model.Environment {
	t.Helper()
	e, _, err := s.PutEnvironment(context.Background(), &model.Environment{Name: name})
	if err != nil {
		t.Fatalf("PutEnvironment %s: %v", name, err)
	}
	return e
}

func pkg(t *testing.T, s store.Store, root model.Ref, version string) *model.Package {
	t.Helper()
	p, err := s.CreatePackage(context.Background(), root, version, "notes "+version, "alice")
	if err != nil {
		t.Fatalf("CreatePackage %s@%s: %v", root, version, err)
	}
	return p
}

func deploy(t *testing.T, s store.Store, env string, p *model.Package) *model.Deployment {
	t.Helper()
	d, changed, err := s.Deploy(context.Background(), env, p.ID, "bob")
	if err != nil {
		t.Fatalf("Deploy %s@%s to %s: %v", p.Component, p.Version, env, err)
	}
	if !changed {
		t.Fatalf("Deploy %s@%s to %s: changed = false", p.Component, p.Version, env)
	}
	return d
}

// erpPackages applies the ERP fixture and makes one package per version,
// changing the process's SQL between them so that each pins a new revision.
func erpPackages(t *testing.T, s store.Store, versions ...string) []*model.Package {
	t.Helper()
	apply(t, s, erp()...)
	var out []*model.Package
	for i, v := range versions {
		if i > 0 {
			apply(t, s, process("getCustomer", "erpdb", "SELECT "+v))
		}
		out = append(out, pkg(t, s, erpAPI, v))
	}
	return out
}

func revision(t *testing.T, s store.Store, env string) int64 {
	t.Helper()
	rev, err := s.EnvironmentRevision(context.Background(), env)
	if err != nil {
		t.Fatalf("EnvironmentRevision %s: %v", env, err)
	}
	return rev
}

// wantErr fails unless err wraps target and its message holds every part.
func wantErr(t *testing.T, err, target error, parts ...string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want %v", err, target)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("error %q does not mention %q", err, p)
		}
	}
}

// active lists the versions active in env as "apiVersion=version", ordered by API version.
func active(t *testing.T, s store.Store, env string) []string {
	t.Helper()
	ds, _, err := s.ListDeployments(context.Background(), store.DeploymentFilter{Environment: env}, store.Page{})
	if err != nil {
		t.Fatalf("ListDeployments: %v", err)
	}
	var out []string
	for _, d := range ds {
		if !d.Active {
			t.Fatalf("ListDeployments without history returned inactive %+v", d)
		}
		out = append(out, d.Component.String()+"@"+d.Version+"("+d.APIVersion+")")
	}
	slices.Sort(out)
	return out
}

func history(t *testing.T, s store.Store, env string) []*model.Deployment {
	t.Helper()
	ds, _, err := s.ListDeployments(context.Background(), store.DeploymentFilter{Environment: env, History: true}, store.Page{Limit: store.MaxPageLimit})
	if err != nil {
		t.Fatalf("ListDeployments history: %v", err)
	}
	return ds
}
