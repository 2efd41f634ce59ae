package model_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/model"
)

// catalog is an in-memory lookup for ResolvePackage that counts calls.
type catalog struct {
	items map[model.Ref]*model.Component
	calls map[model.Ref]int
	fail  map[model.Ref]error
}

func newCatalog(cs ...*model.Component) *catalog {
	c := &catalog{items: map[model.Ref]*model.Component{}, calls: map[model.Ref]int{}, fail: map[model.Ref]error{}}
	for _, x := range cs {
		c.items[x.Ref()] = x
	}
	return c
}

func (c *catalog) lookup(r model.Ref) (*model.Component, error) {
	c.calls[r]++
	if err := c.fail[r]; err != nil {
		return nil, err
	}
	if x, ok := c.items[r]; ok {
		return x, nil
	}
	return nil, fmt.Errorf("component %s: %w", r, model.ErrNotFound)
}

func conn(name string) *model.Component {
	return &model.Component{Kind: model.KindConnection, Name: name, Spec: &model.ConnectionSpec{Type: "database",
		Database: &model.DatabaseConnection{Driver: "sqlite", DSN: "file:x.db"}}}
}

func process(name string, steps ...model.Step) *model.Component {
	return &model.Component{Kind: model.KindProcess, Name: name, Spec: &model.ProcessSpec{Steps: steps}}
}

func call(p string) model.Step { return model.Step{Call: &model.CallStep{Process: p}} }

func apiOf(name string, processes ...string) *model.Component {
	s := &model.APISpec{BasePath: name, Version: "v1"}
	for i, p := range processes {
		s.Endpoints = append(s.Endpoints, model.Endpoint{Method: "GET", Path: fmt.Sprintf("/r%d", i), Process: p})
	}
	return &model.Component{Kind: model.KindAPI, Name: name, Spec: s}
}

func refsOf(cs []*model.Component) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Ref().String()
	}
	return out
}

func TestResolvePackage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		root    *model.Component
		others  []*model.Component
		want    []string // refs in order; root first
		wantErr []string // substrings of the missing-reference error
	}{
		{"proxy alone", &model.Component{Kind: model.KindProxy, Name: "billing", Spec: &model.ProxySpec{}}, nil,
			[]string{"proxy/billing"}, nil},
		{"api with processes and connections", apiOf("erp", "get", "list"),
			[]*model.Component{process("get", query("db", "x")), process("list", query("db", "y")), conn("db"), conn("unused")},
			[]string{"api/erp", "process/get", "process/list", "connection/db"}, nil},
		{"transitive through call", apiOf("erp", "a"),
			[]*model.Component{process("a", call("b")), process("b", call("c")), process("c", query("db", "x")), conn("db")},
			[]string{"api/erp", "process/a", "process/b", "process/c", "connection/db"}, nil},
		{"call cycle", process("a", call("b")),
			[]*model.Component{process("b", call("a"))},
			[]string{"process/a", "process/b"}, nil},
		{"self call", process("a", call("a"), query("db", "x")), []*model.Component{conn("db")},
			[]string{"process/a", "connection/db"}, nil},
		{"missing references all reported", apiOf("erp", "get", "gone"),
			[]*model.Component{process("get", query("nodb", "x"), call("lost"))},
			nil, []string{"process/gone (referenced by api/erp)", "connection/nodb (referenced by process/get)",
				"process/lost (referenced by process/get)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cat := newCatalog(tt.others...)
			got, err := model.ResolvePackage(tt.root, cat.lookup)
			for r, n := range cat.calls {
				if n != 1 {
					t.Errorf("lookup(%s) called %d times, want once", r, n)
				}
			}
			if cat.calls[tt.root.Ref()] != 0 {
				t.Errorf("the root was looked up")
			}
			if tt.wantErr != nil {
				if !errors.Is(err, model.ErrInvalid) {
					t.Fatalf("error = %v, want ErrInvalid", err)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not mention %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if g := refsOf(got); !slices.Equal(g, tt.want) {
				t.Fatalf("resolved %q, want %q", g, tt.want)
			}
		})
	}
}

func TestResolvePackageSharedReferenceOnce(t *testing.T) {
	t.Parallel()
	// Three processes share one connection and one sub-process.
	cat := newCatalog(
		process("a", query("db", "x"), call("common")),
		process("b", query("db", "x"), call("common")),
		process("c", query("db", "x"), call("common")),
		process("common", query("db", "x")),
		conn("db"),
	)
	got, err := model.ResolvePackage(apiOf("erp", "a", "b", "c"), cat.lookup)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"api/erp", "process/a", "process/b", "process/c", "connection/db", "process/common"}
	if g := refsOf(got); !slices.Equal(g, want) {
		t.Fatalf("resolved %q, want %q", g, want)
	}
	for r, n := range cat.calls {
		if n != 1 {
			t.Errorf("lookup(%s) called %d times", r, n)
		}
	}
}

func TestResolvePackageStoreError(t *testing.T) {
	t.Parallel()
	cat := newCatalog(process("a"))
	cat.fail[model.Ref{Kind: model.KindProcess, Name: "a"}] = model.ErrUnavailable
	_, err := model.ResolvePackage(apiOf("erp", "a"), cat.lookup)
	if !errors.Is(err, model.ErrUnavailable) || errors.Is(err, model.ErrInvalid) {
		t.Fatalf("error = %v, want ErrUnavailable and not ErrInvalid", err)
	}
	if !strings.Contains(err.Error(), "process/a") {
		t.Errorf("error %q does not name process/a", err)
	}
}

func TestValidatePackageRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		root    model.Ref
		version string
		notes   string
		want    []string
	}{
		{"api", model.Ref{Kind: model.KindAPI, Name: "erp"}, "1.0.0", "first", nil},
		{"proxy", model.Ref{Kind: model.KindProxy, Name: "billing"}, "2026-11-27.1", "", nil},
		{"process", model.Ref{Kind: model.KindProcess, Name: "sync"}, "1", "", nil},
		{"connection is not a root", model.Ref{Kind: model.KindConnection, Name: "db"}, "1.0.0", "", []string{"component.kind"}},
		{"bad name", model.Ref{Kind: model.KindAPI, Name: "e r p"}, "1.0.0", "", []string{"component.name"}},
		{"bad version", model.Ref{Kind: model.KindAPI, Name: "erp"}, "1.0 beta", "", []string{"version"}},
		{"empty version", model.Ref{Kind: model.KindAPI, Name: "erp"}, "", "", []string{"version"}},
		{"long notes", model.Ref{Kind: model.KindAPI, Name: "erp"}, "1", strings.Repeat("n", 16385), []string{"notes"}},
		{"all wrong", model.Ref{}, "", "", []string{"component.kind", "component.name", "version"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkPaths(t, model.ValidatePackageRequest(tt.root, tt.version, tt.notes), tt.want)
		})
	}
}

func TestPackageSlot(t *testing.T) {
	t.Parallel()
	v1 := model.Package{Component: model.Ref{Kind: model.KindAPI, Name: "erp"}, Version: "1.0.0", APIVersion: "v1"}
	v1b := model.Package{Component: model.Ref{Kind: model.KindAPI, Name: "erp"}, Version: "1.1.0", APIVersion: "v1"}
	v2 := model.Package{Component: model.Ref{Kind: model.KindAPI, Name: "erp"}, Version: "2.0.0", APIVersion: "v2"}
	proc := model.Package{Component: model.Ref{Kind: model.KindProcess, Name: "erp"}, Version: "1.0.0"}
	if v1.Slot() != v1b.Slot() {
		t.Errorf("two packages of one API version have slots %q and %q", v1.Slot(), v1b.Slot())
	}
	if v1.Slot() == v2.Slot() {
		t.Errorf("two API versions share slot %q", v1.Slot())
	}
	if proc.Slot() == v1.Slot() {
		t.Errorf("a process and an API of one name share slot %q", proc.Slot())
	}
	if want := "api/erp@v1"; v1.Slot() != want {
		t.Errorf("Slot() = %q, want %q", v1.Slot(), want)
	}
}
