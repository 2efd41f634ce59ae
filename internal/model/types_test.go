package model_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

func TestDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    time.Duration
		text    string
		wantErr bool
	}{
		{"30s", 30 * time.Second, "30s", false},
		{"1m30s", 90 * time.Second, "1m30s", false},
		{"90s", 90 * time.Second, "1m30s", false},
		{"500ms", 500 * time.Millisecond, "500ms", false},
		{"0s", 0, "0s", false},
		{"0", 0, "0s", false},
		{"-5s", -5 * time.Second, "-5s", false},
		{"30", 0, "", true},
		{"", 0, "", true},
		{"soon", 0, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			var d model.Duration
			err := d.UnmarshalText([]byte(tt.in))
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), "invalid duration") {
					t.Fatalf("UnmarshalText(%q) error = %v", tt.in, err)
				}
				return
			}
			if err != nil || d.Std() != tt.want {
				t.Fatalf("UnmarshalText(%q) = %v, %v; want %v", tt.in, d.Std(), err, tt.want)
			}
			b, _ := d.MarshalText()
			if string(b) != tt.text {
				t.Errorf("MarshalText = %q, want %q", b, tt.text)
			}
		})
	}
	// In JSON a duration is a string, and a number is refused.
	var v struct {
		D model.Duration `json:"d"`
	}
	if err := json.Unmarshal([]byte(`{"d":"2m"}`), &v); err != nil || v.D.Std() != 2*time.Minute {
		t.Errorf(`unmarshal "2m" = %v, %v`, v.D.Std(), err)
	}
	if b, _ := json.Marshal(v); string(b) != `{"d":"2m0s"}` {
		t.Errorf("marshal = %s", b)
	}
	if err := json.Unmarshal([]byte(`{"d":120}`), &v); err == nil {
		t.Error("a bare number was accepted as a duration")
	}
}

func TestSecretNeverPrints(t *testing.T) {
	t.Parallel()
	const clear = "hunter2-very-secret"
	s := model.Secret(clear)
	holder := struct {
		DSN  model.Secret
		Auth *model.HTTPAuth
	}{s, &model.HTTPAuth{Type: "basic", Username: "u", Password: s}}
	for _, verb := range []string{"%v", "%s", "%+v", "%#v", "%q", "%x", "%X"} {
		for name, v := range map[string]any{"value": s, "pointer": &s, "struct": holder, "nested pointer": holder.Auth} {
			t.Run(verb+" "+name, func(t *testing.T) {
				t.Parallel()
				out := fmt.Sprintf(verb, v)
				if strings.Contains(out, clear) || strings.Contains(out, fmt.Sprintf("%x", clear)) {
					t.Fatalf("Sprintf(%q) leaked the secret: %s", verb, out)
				}
			})
		}
	}
	if s.String() != "******" || s.Reveal() != clear {
		t.Errorf("String() = %q, Reveal() = %q", s.String(), s.Reveal())
	}
	if model.Secret("").String() != "" {
		t.Errorf("an empty secret prints %q", model.Secret("").String())
	}
	// JSON carries the clear value: the store keeps it and apply sends it.
	if b, _ := json.Marshal(s); string(b) != `"`+clear+`"` {
		t.Errorf("json = %s", b)
	}
}

func TestSecretNeverPrintsInSpecs(t *testing.T) {
	t.Parallel()
	const dsn, pw = "postgres://erp:SECRET-DSN@db/erp", "SECRET-PASSWORD"
	specs := map[string]any{
		"database connection": &model.ConnectionSpec{Type: "database", Database: &model.DatabaseConnection{Driver: "postgres", DSN: dsn}},
		"http connection": &model.ConnectionSpec{Type: "http", HTTP: &model.HTTPConnection{BaseURL: "https://x",
			Auth: &model.HTTPAuth{Type: "header", Header: "X-Key", Password: pw, Token: pw, Value: pw}}},
		"http block":     &model.HTTPConnection{Auth: &model.HTTPAuth{Password: pw}},
		"database value": model.DatabaseConnection{DSN: dsn},
		"auth value":     model.HTTPAuth{Token: pw},
	}
	specs["component"] = &model.Component{Kind: model.KindConnection, Name: "c", Spec: specs["database connection"].(model.Spec)}
	for _, verb := range []string{"%v", "%s", "%+v", "%#v", "%q", "%d", "%x"} {
		for name, v := range specs {
			t.Run(verb+" "+name, func(t *testing.T) {
				t.Parallel()
				out := fmt.Sprintf(verb, v)
				for _, clear := range []string{"SECRET", fmt.Sprintf("%x", "SECRET"), fmt.Sprintf("%X", "SECRET")} {
					if strings.Contains(out, clear) {
						t.Fatalf("Sprintf(%q) leaked a secret: %s", verb, out)
					}
				}
			})
		}
	}
	// The redacting formatter still shows the fields that are not secret.
	if out := fmt.Sprintf("%+v", model.DatabaseConnection{Driver: "postgres", DSN: dsn}); !strings.Contains(out, "Driver:postgres") || !strings.Contains(out, "DSN:******") {
		t.Errorf("%%+v = %s", out)
	}
}
