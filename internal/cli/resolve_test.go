package cli

import (
	"errors"
	"testing"

	"github.com/portico-dev/portico/internal/model"
)

func TestSplitNameVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in          string
		name, ver   string
		wantErr     bool
		wantIsUsage bool
	}{
		{in: "erp", name: "erp"},
		{in: "erp@1.0.0", name: "erp", ver: "1.0.0"},
		{in: "api/erp@2026.11.1", name: "api/erp", ver: "2026.11.1"},
		{in: "erp@", wantErr: true},
		{in: "@1.0.0", wantErr: true},
		{in: "erp@1.0.0@2", wantErr: true},
		{in: "erp@has space", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			name, ver, err := splitNameVersion(tt.in)
			if tt.wantErr {
				var ue *usageError
				if !errors.As(err, &ue) {
					t.Fatalf("splitNameVersion(%q) error = %v, want a usage error", tt.in, err)
				}
				return
			}
			if err != nil || name != tt.name || ver != tt.ver {
				t.Fatalf("splitNameVersion(%q) = %q, %q, %v; want %q, %q", tt.in, name, ver, err, tt.name, tt.ver)
			}
		})
	}
}

func TestParseRootName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, kind string
		want       model.Ref
		known      bool
		wantErr    bool
	}{
		{name: "erp", want: model.Ref{Name: "erp"}},
		{name: "api/erp", want: model.Ref{Kind: model.KindAPI, Name: "erp"}, known: true},
		{name: "APIs/erp", want: model.Ref{Kind: model.KindAPI, Name: "erp"}, known: true},
		{name: "erp", kind: "process", want: model.Ref{Kind: model.KindProcess, Name: "erp"}, known: true},
		{name: "api/erp", kind: "api", wantErr: true},    // kind given twice
		{name: "connection/erp", wantErr: true},          // not a root kind
		{name: "widget/erp", wantErr: true},              // unknown kind
		{name: "9erp", wantErr: true},                    // invalid name
		{name: "erp", kind: "connection", wantErr: true}, // not a root kind
	}
	for _, tt := range tests {
		t.Run(tt.name+"+"+tt.kind, func(t *testing.T) {
			t.Parallel()
			got, known, err := parseRootName(tt.name, tt.kind)
			if tt.wantErr {
				var ue *usageError
				if !errors.As(err, &ue) {
					t.Fatalf("parseRootName(%q, %q) error = %v, want a usage error", tt.name, tt.kind, err)
				}
				return
			}
			if err != nil || got != tt.want || known != tt.known {
				t.Fatalf("parseRootName(%q, %q) = %v, %v, %v; want %v, %v", tt.name, tt.kind, got, known, err, tt.want, tt.known)
			}
		})
	}
}

func TestParseResource(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		res     resource
		kind    model.Kind
		wantErr bool
	}{
		{in: "apis", res: resComponent, kind: model.KindAPI},
		{in: "API", res: resComponent, kind: model.KindAPI},
		{in: "proxies", res: resComponent, kind: model.KindProxy},
		{in: "process", res: resComponent, kind: model.KindProcess},
		{in: "connections", res: resComponent, kind: model.KindConnection},
		{in: "components", res: resComponent},
		{in: "environments", res: resEnvironment},
		{in: "env", res: resEnvironment},
		{in: "packages", res: resPackage},
		{in: "deployments", res: resDeployment},
		{in: "users", res: resUser},
		{in: "token", res: resToken},
		{in: "revisions", res: resRevision},
		{in: "widgets", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			res, kind, err := parseResource(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("parseResource(%q) = %v, %v; want an error", tt.in, res, kind)
				}
				return
			}
			if err != nil || res != tt.res || kind != tt.kind {
				t.Fatalf("parseResource(%q) = %v, %q, %v; want %v, %q", tt.in, res, kind, err, tt.res, tt.kind)
			}
		})
	}
}
