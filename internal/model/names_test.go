package model_test

import (
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/model"
)

func TestValidators(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		check func(string) bool
		in    string
		want  bool
	}{
		{"name simple", model.ValidName, "erp", true},
		{"name with punctuation", model.ValidName, "Get_customer.v2-b", true},
		{"name 128 chars", model.ValidName, "a" + strings.Repeat("b", 127), true},
		{"name 129 chars", model.ValidName, "a" + strings.Repeat("b", 128), false},
		{"name empty", model.ValidName, "", false},
		{"name leading digit", model.ValidName, "1erp", false},
		{"name leading dash", model.ValidName, "-erp", false},
		{"name slash", model.ValidName, "erp/v1", false},
		{"name space", model.ValidName, "my api", false},
		{"name unicode", model.ValidName, "café", false},
		{"name trailing newline", model.ValidName, "erp\n", false},

		{"package version semver", model.ValidPackageVersion, "1.2.0", true},
		{"package version date", model.ValidPackageVersion, "2026-11-27.1", true},
		{"package version build", model.ValidPackageVersion, "1.0.0+build_7", true},
		{"package version leading letter", model.ValidPackageVersion, "v1", true},
		{"package version 64 chars", model.ValidPackageVersion, strings.Repeat("1", 64), true},
		{"package version 65 chars", model.ValidPackageVersion, strings.Repeat("1", 65), false},
		{"package version empty", model.ValidPackageVersion, "", false},
		{"package version leading dot", model.ValidPackageVersion, ".1", false},
		{"package version slash", model.ValidPackageVersion, "1/2", false},
		{"package version at", model.ValidPackageVersion, "1@2", false},

		{"api version v1", model.ValidAPIVersion, "v1", true},
		{"api version date", model.ValidAPIVersion, "2024-01", true},
		{"api version 32 chars", model.ValidAPIVersion, strings.Repeat("v", 32), true},
		{"api version 33 chars", model.ValidAPIVersion, strings.Repeat("v", 33), false},
		{"api version empty", model.ValidAPIVersion, "", false},
		{"api version slash", model.ValidAPIVersion, "v1/beta", false},
		{"api version plus", model.ValidAPIVersion, "v1+x", false},

		{"username plain", model.ValidUsername, "admin", true},
		{"username email", model.ValidUsername, "ada@example.com", true},
		{"username leading digit", model.ValidUsername, "1ada", true},
		{"username empty", model.ValidUsername, "", false},
		{"username space", model.ValidUsername, "ada lovelace", false},
		{"username leading at", model.ValidUsername, "@ada", false},
		{"username 129 chars", model.ValidUsername, strings.Repeat("a", 129), false},

		{"base path one segment", model.ValidBasePath, "erp", true},
		{"base path two segments", model.ValidBasePath, "sales/crm", true},
		{"base path punctuation", model.ValidBasePath, "a.b/c_d/e-f", true},
		{"base path 128 chars", model.ValidBasePath, strings.Repeat("a", 128), true},
		{"base path 129 chars", model.ValidBasePath, strings.Repeat("a", 129), false},
		{"base path empty", model.ValidBasePath, "", false},
		{"base path leading slash", model.ValidBasePath, "/erp", false},
		{"base path trailing slash", model.ValidBasePath, "erp/", false},
		{"base path double slash", model.ValidBasePath, "sales//crm", false},
		{"base path dot segment start", model.ValidBasePath, "./erp", false},
		{"base path dotdot", model.ValidBasePath, "erp/..", false},
		{"base path braces", model.ValidBasePath, "erp/{id}", false},
		{"base path space", model.ValidBasePath, "my erp", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.check(tt.in); got != tt.want {
				t.Errorf("(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
