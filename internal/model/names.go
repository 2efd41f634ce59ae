package model

import (
	"regexp"
)

var (
	nameRE       = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,127}$`)
	versionRE    = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$`)
	apiVersionRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$`)
	segmentRE    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	usernameRE   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$`)
)

// ValidName reports whether s may name a component or an environment:
// a letter, then up to 127 letters, digits, '_', '.' or '-'.
func ValidName(s string) bool { return nameRE.MatchString(s) }

// ValidPackageVersion reports whether s may label a package ("1.2.0", "2026-11-27.1").
func ValidPackageVersion(s string) bool { return versionRE.MatchString(s) }

// ValidAPIVersion reports whether s may be an API version ("v1", "2024-01").
func ValidAPIVersion(s string) bool { return apiVersionRE.MatchString(s) }

// ValidUsername reports whether s may name a platform user.
func ValidUsername(s string) bool { return usernameRE.MatchString(s) }

// ValidBasePath reports whether s is a base path such as "erp" or "sales/crm":
// one or more segments of letters, digits, '.', '_' or '-', without leading or
// trailing slashes.
func ValidBasePath(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '/' {
			if !segmentRE.MatchString(s[start:i]) {
				return false
			}
			start = i + 1
		}
	}
	return true
}
