package platform

import (
	"strings"
	"testing"
)

func TestPasswordHash(t *testing.T) {
	t.Parallel()
	h, err := hashPassword("correct horse battery", testParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash %q is not a PHC argon2id string", h)
	}
	h2, _ := hashPassword("correct horse battery", testParams)
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	tests := []struct {
		name, pw, hash string
		match          bool
		bad            bool
	}{
		{"right", "correct horse battery", h, true, false},
		{"wrong", "correct horse batterz", h, false, false},
		{"empty", "", h, false, false},
		{"not argon2id", "x", "$2a$10$abc", false, true},
		{"bad params", "x", "$argon2id$v=19$m=0,t=1,p=1$c2FsdA$aGFzaA", false, true},
		{"bad version", "x", strings.Replace(h, "v=19", "v=16", 1), false, true},
		{"bad salt", "x", "$argon2id$v=19$m=64,t=1,p=1$!!$aGFzaA", false, true},
		{"empty", "x", "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			match, err := verifyPassword(tt.pw, tt.hash)
			if match != tt.match || (err != nil) != tt.bad {
				t.Errorf("verify = %v, %v; want %v, error %v", match, err, tt.match, tt.bad)
			}
		})
	}
}

func TestCheckPassword(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pw string
		ok bool
	}{
		{"elevenchars", false},
		{"twelve chars", true},
		{"ünïcödé-pw-ok", true},
		{strings.Repeat("x", 1025), false},
	}
	for _, tt := range tests {
		if err := checkPassword("password", tt.pw); (err == nil) != tt.ok {
			t.Errorf("checkPassword(%d chars) = %v", len(tt.pw), err)
		}
	}
}

func TestTokensAreRandomAndHashed(t *testing.T) {
	t.Parallel()
	a, ha := newToken()
	b, hb := newToken()
	if a == b || ha == hb || !strings.HasPrefix(a, tokenPrefix) || len(a) != len(tokenPrefix)+43 {
		t.Errorf("tokens %q %q", a, b)
	}
	if hashToken(a) != ha || len(ha) != 64 {
		t.Errorf("hash %q", ha)
	}
}
