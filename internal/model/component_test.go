package model_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-dev/portico/internal/model"
)

// sampleComponents holds one valid component of every kind.
func sampleComponents() []*model.Component {
	return []*model.Component{
		{Kind: model.KindConnection, Name: "erp-db", Description: "ERP database", Labels: map[string]string{"team": "erp"},
			Spec: &model.ConnectionSpec{Type: "database", Database: &model.DatabaseConnection{
				Driver: "sqlite", DSN: "file:erp.db", MaxOpenConns: 4, ConnMaxLifetime: model.Duration(90 * time.Second)}}},
		{Kind: model.KindConnection, Name: "crm", Spec: &model.ConnectionSpec{Type: "http", HTTP: &model.HTTPConnection{
			BaseURL: "https://crm.example.com", Timeout: model.Duration(5 * time.Second),
			Auth: &model.HTTPAuth{Type: "bearer", Token: "s3cret"}, TLS: &model.ClientTLS{ServerName: "crm"}}}},
		{Kind: model.KindProcess, Name: "get-customer", Spec: &model.ProcessSpec{
			Input: model.Schema{"type": "object", "properties": map[string]any{"id": map[string]any{"type": "integer"}}},
			Steps: []model.Step{
				{Name: "load", Query: &model.SQLStep{Connection: "erp-db", SQL: "SELECT * FROM customers WHERE id = :id", Params: map[string]string{"id": ".id"}}},
				{Decide: &model.DecideStep{If: "length == 0", Then: []model.Step{{Fail: &model.FailStep{Status: 404, Message: "no such customer"}}}}},
				{Return: &model.ReturnStep{}},
			}}},
		{Kind: model.KindAPI, Name: "erp", Revision: 3, Hash: "sha256:abc", UpdatedBy: "admin",
			CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), UpdatedAt: time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC),
			Spec: &model.APISpec{BasePath: "erp", Version: "v1", Title: "ERP", Endpoints: []model.Endpoint{
				{Method: "GET", Path: "/customers/{id}", Process: "get-customer", Headers: []string{"X-Tenant"}}}}},
		{Kind: model.KindProxy, Name: "billing", Spec: &model.ProxySpec{BasePath: "billing", Version: "v2",
			Targets: []model.ProxyTarget{{URL: "http://10.0.0.1", Weight: 2}}, Balancing: "weighted",
			Timeouts: &model.ProxyTimeouts{Total: model.Duration(time.Minute)}}},
	}
}

func TestComponentJSONRoundTrip(t *testing.T) {
	t.Parallel()
	for _, c := range sampleComponents() {
		t.Run(c.Ref().String(), func(t *testing.T) {
			t.Parallel()
			if err := c.Validate(); err != nil {
				t.Fatalf("sample invalid: %v", err)
			}
			b, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			var back model.Component
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("unmarshal %s: %v", b, err)
			}
			// Schema values come back as JSON's generic types, so compare specs
			// through their canonical form and everything else directly.
			if diff := cmp.Diff(c, &back, cmp.Comparer(func(a, b model.Schema) bool {
				x, _ := json.Marshal(a)
				y, _ := json.Marshal(b)
				return string(x) == string(y)
			})); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
			h1, _ := c.ContentHash()
			h2, _ := back.ContentHash()
			if h1 != h2 {
				t.Errorf("hash changed over a round trip: %s != %s", h1, h2)
			}
		})
	}
}

func TestComponentUnmarshalRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		json     string
		wantPath string
		wantMsg  string
	}{
		{"unknown top-level field", `{"kind":"api","name":"erp","colour":"red","spec":{}}`, "", `unknown field "colour"`},
		{"unknown spec field", `{"kind":"api","name":"erp","spec":{"basePath":"erp","version":"v1","endpoints":[],"colour":1}}`, "spec", `unknown field "colour"`},
		{"unknown nested spec field", `{"kind":"process","name":"p","spec":{"steps":[{"query":{"connection":"db","sql":"x","timeout":"1s"}}]}}`, "spec", `unknown field "timeout"`},
		{"unknown kind", `{"kind":"widget","name":"w","spec":{}}`, "kind", `unknown kind "widget"`},
		{"missing kind", `{"name":"w","spec":{}}`, "kind", `unknown kind ""`},
		{"missing spec", `{"kind":"api","name":"erp"}`, "spec", "is required"},
		{"null spec", `{"kind":"api","name":"erp","spec":null}`, "spec", "is required"},
		{"spec of wrong type", `{"kind":"api","name":"erp","spec":[]}`, "spec", "cannot unmarshal array"},
		{"bad duration", `{"kind":"proxy","name":"p","spec":{"timeouts":{"total":"soon"}}}`, "spec", `invalid duration "soon"`},
		{"not an object", `[]`, "", "cannot unmarshal array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var c model.Component
			err := json.Unmarshal([]byte(tt.json), &c)
			var ve *model.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, model.ErrInvalid) {
				t.Fatalf("Unmarshal error = %v, want a ValidationError", err)
			}
			if len(ve.Fields) != 1 || ve.Fields[0].Path != tt.wantPath || !strings.Contains(ve.Fields[0].Message, tt.wantMsg) {
				t.Fatalf("Unmarshal error = %+v, want path %q containing %q", ve.Fields, tt.wantPath, tt.wantMsg)
			}
		})
	}
}

func TestComponentUnmarshalAcceptsKindSpellings(t *testing.T) {
	t.Parallel()
	var c model.Component
	if err := json.Unmarshal([]byte(`{"kind":"API","name":"erp","spec":{"basePath":"erp","version":"v1","endpoints":[{"method":"GET","path":"/","process":"p"}]}}`), &c); err != nil {
		t.Fatal(err)
	}
	if c.Kind != model.KindAPI {
		t.Fatalf("Kind = %q, want api", c.Kind)
	}
}

func TestDecodeSpec(t *testing.T) {
	t.Parallel()
	for _, k := range model.Kinds {
		s, err := model.NewSpec(k)
		if err != nil || s.Kind() != k {
			t.Errorf("NewSpec(%q) = %v, %v", k, s, err)
		}
	}
	if _, err := model.NewSpec("environment"); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("NewSpec(environment) error = %v, want ErrInvalid", err)
	}
	if _, err := model.DecodeSpec(model.Kind("widget"), nil); err == nil {
		t.Error("DecodeSpec of an unknown kind succeeded")
	}
	tests := []struct {
		name    string
		kind    model.Kind
		raw     string
		wantErr string
	}{
		{"good", model.KindProcess, `{"steps":[{"return":{}}]}`, ""},
		{"empty", model.KindProcess, ``, "spec: is required"},
		{"blank", model.KindProcess, " \n", "spec: is required"},
		{"trailing data", model.KindProcess, `{"steps":[]} {}`, "spec: trailing data"},
		{"unknown field", model.KindConnection, `{"type":"http","https":{}}`, `spec: json: unknown field "https"`},
		{"wrong type", model.KindAPI, `{"version":1}`, "spec: json: cannot unmarshal number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := model.DecodeSpec(tt.kind, []byte(tt.raw))
			if tt.wantErr == "" {
				if err != nil || s.Kind() != tt.kind {
					t.Fatalf("DecodeSpec = %v, %v", s, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, model.ErrInvalid) {
				t.Fatalf("DecodeSpec error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestComponentValidate(t *testing.T) {
	t.Parallel()
	good := func() *model.Component { return sampleComponents()[2] }
	tests := []struct {
		name string
		mod  func(*model.Component)
		want []string
	}{
		{"good", func(*model.Component) {}, nil},
		{"bad name", func(c *model.Component) { c.Name = "get customer" }, []string{"name"}},
		{"empty name", func(c *model.Component) { c.Name = "" }, []string{"name"}},
		{"bad kind", func(c *model.Component) { c.Kind = "widget" }, []string{"kind"}},
		{"long description", func(c *model.Component) { c.Description = strings.Repeat("x", 4097) }, []string{"description"}},
		{"description at limit", func(c *model.Component) { c.Description = strings.Repeat("x", 4096) }, nil},
		{"bad label name", func(c *model.Component) { c.Labels = map[string]string{"team name": "x"} }, []string{"labels.team name"}},
		{"long label value", func(c *model.Component) { c.Labels = map[string]string{"team": strings.Repeat("x", 257)} }, []string{"labels.team"}},
		{"no spec", func(c *model.Component) { c.Spec = nil }, []string{"spec"}},
		{"spec of another kind", func(c *model.Component) { c.Spec = &model.ProxySpec{} }, []string{"spec"}},
		{"invalid spec", func(c *model.Component) { c.Spec = &model.ProcessSpec{} }, []string{"spec.steps"}},
		{"everything wrong", func(c *model.Component) { c.Name = "1"; c.Spec = &model.ProcessSpec{Mode: "x"} },
			[]string{"name", "spec.mode", "spec.steps"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := good()
			tt.mod(c)
			checkPaths(t, c.Validate(), tt.want)
		})
	}
}

func TestContentHash(t *testing.T) {
	t.Parallel()
	base := func() *model.Component { return sampleComponents()[2] }
	hash := func(t *testing.T, c *model.Component) string {
		t.Helper()
		h, err := c.ContentHash()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(h, "sha256:") || len(h) != len("sha256:")+64 {
			t.Fatalf("hash %q is not sha256:<64 hex>", h)
		}
		return h
	}
	want := hash(t, base())

	t.Run("stable", func(t *testing.T) {
		t.Parallel()
		if got := hash(t, base()); got != want {
			t.Fatalf("hash of equal content differs: %s != %s", got, want)
		}
	})
	t.Run("map insertion order", func(t *testing.T) {
		t.Parallel()
		a, b := base(), base()
		a.Labels, b.Labels = map[string]string{}, map[string]string{}
		keys := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
		for i := range keys {
			a.Labels[keys[i]] = "v" + keys[i]
			b.Labels[keys[len(keys)-1-i]] = "v" + keys[len(keys)-1-i]
		}
		pa := a.Spec.(*model.ProcessSpec)
		pb := b.Spec.(*model.ProcessSpec)
		pa.Output, pb.Output = model.Schema{}, model.Schema{}
		pa.Steps[0].Query.Params, pb.Steps[0].Query.Params = map[string]string{}, map[string]string{}
		for i := range keys {
			pa.Output[keys[i]] = i
			pb.Output[keys[len(keys)-1-i]] = len(keys) - 1 - i
			pa.Steps[0].Query.Params[keys[i]] = "." + keys[i]
			pb.Steps[0].Query.Params[keys[len(keys)-1-i]] = "." + keys[len(keys)-1-i]
		}
		if ha, hb := hash(t, a), hash(t, b); ha != hb {
			t.Fatalf("map order changed the hash: %s != %s", ha, hb)
		}
	})
	t.Run("revision metadata ignored", func(t *testing.T) {
		t.Parallel()
		c := base()
		c.Revision, c.Hash, c.UpdatedBy = 42, "sha256:old", "someone"
		c.CreatedAt, c.UpdatedAt = time.Now(), time.Now()
		if got := hash(t, c); got != want {
			t.Fatalf("revision metadata changed the hash: %s != %s", got, want)
		}
	})
	changes := []struct {
		name string
		mod  func(*model.Component)
	}{
		{"name", func(c *model.Component) { c.Name = "get-customer2" }},
		{"description", func(c *model.Component) { c.Description = "x" }},
		{"label", func(c *model.Component) { c.Labels = map[string]string{"a": "b"} }},
		{"sql", func(c *model.Component) { c.Spec.(*model.ProcessSpec).Steps[0].Query.SQL += " " }},
		{"mode", func(c *model.Component) { c.Spec.(*model.ProcessSpec).Mode = model.ModeLowLatency }},
		{"step order", func(c *model.Component) {
			s := c.Spec.(*model.ProcessSpec).Steps
			s[0], s[1] = s[1], s[0]
		}},
		{"schema value", func(c *model.Component) { c.Spec.(*model.ProcessSpec).Input["type"] = "array" }},
	}
	for _, ch := range changes {
		t.Run("change "+ch.name, func(t *testing.T) {
			t.Parallel()
			c := base()
			ch.mod(c)
			if got := hash(t, c); got == want {
				t.Fatalf("changing %s kept the hash %s", ch.name, got)
			}
		})
	}
}
