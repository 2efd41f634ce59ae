package model_test

import (
	"errors"
	"testing"

	"github.com/portico-dev/portico/internal/model"
)

func TestParseKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    model.Kind
		wantErr bool
	}{
		{"connection", model.KindConnection, false},
		{"Connection", model.KindConnection, false},
		{"connections", model.KindConnection, false},
		{"conn", model.KindConnection, false},
		{"process", model.KindProcess, false},
		{"Processes", model.KindProcess, false},
		{"proc", model.KindProcess, false},
		{"API", model.KindAPI, false},
		{"apis", model.KindAPI, false},
		{" api ", model.KindAPI, false},
		{"Proxy", model.KindProxy, false},
		{"proxies", model.KindProxy, false},
		{"environment", "", true},
		{"", "", true},
		{"apiz", "", true},
		{"api/erp", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := model.ParseKind(tt.in)
			if tt.wantErr {
				if !errors.Is(err, model.ErrInvalid) {
					t.Fatalf("ParseKind(%q) error = %v, want ErrInvalid", tt.in, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseKind(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestKindMethods(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind  model.Kind
		valid bool
		root  bool
		title string
	}{
		{model.KindConnection, true, false, "Connection"},
		{model.KindProcess, true, true, "Process"},
		{model.KindAPI, true, true, "API"},
		{model.KindProxy, true, true, "Proxy"},
		{"environment", false, false, "Environment"},
		{"", false, false, ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			t.Parallel()
			if got := tt.kind.Valid(); got != tt.valid {
				t.Errorf("Valid() = %v, want %v", got, tt.valid)
			}
			if got := tt.kind.IsRoot(); got != tt.root {
				t.Errorf("IsRoot() = %v, want %v", got, tt.root)
			}
			if got := tt.kind.Title(); got != tt.title {
				t.Errorf("Title() = %q, want %q", got, tt.title)
			}
		})
	}
	// Title must read back as the same kind, since get -o yaml writes it.
	for _, k := range model.Kinds {
		if back, err := model.ParseKind(k.Title()); err != nil || back != k {
			t.Errorf("ParseKind(%q) = %q, %v; want %q", k.Title(), back, err, k)
		}
	}
}

func TestParseRef(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    model.Ref
		wantErr bool
	}{
		{"api/erp", model.Ref{Kind: model.KindAPI, Name: "erp"}, false},
		{"API/erp", model.Ref{Kind: model.KindAPI, Name: "erp"}, false},
		{"processes/get-customer", model.Ref{Kind: model.KindProcess, Name: "get-customer"}, false},
		{"connection/erp-db", model.Ref{Kind: model.KindConnection, Name: "erp-db"}, false},
		{"proxy/billing", model.Ref{Kind: model.KindProxy, Name: "billing"}, false},
		{"erp", model.Ref{}, true},
		{"", model.Ref{}, true},
		{"api/", model.Ref{}, true},
		{"/erp", model.Ref{}, true},
		{"widget/erp", model.Ref{}, true},
		{"api/erp/v1", model.Ref{}, true},
		{"api/1erp", model.Ref{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := model.ParseRef(tt.in)
			if tt.wantErr {
				if !errors.Is(err, model.ErrInvalid) {
					t.Fatalf("ParseRef(%q) = %v, %v; want ErrInvalid", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseRef(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			if got.String() != string(tt.want.Kind)+"/"+tt.want.Name {
				t.Errorf("String() = %q", got.String())
			}
		})
	}
}
