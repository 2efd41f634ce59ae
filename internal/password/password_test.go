package password

import (
	"errors"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/model"
)

var cheap = Params{Memory: 64, Time: 1, Threads: 1}

func TestHashVerify(t *testing.T) {
	t.Parallel()
	h, err := Hash("correct horse battery", cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash %q is not a PHC argon2id string", h)
	}
	if ok, err := Verify("correct horse battery", h); !ok || err != nil {
		t.Fatalf("right password: %v, %v", ok, err)
	}
	if ok, err := Verify("correct horse batterz", h); ok || err != nil {
		t.Fatalf("wrong password: %v, %v", ok, err)
	}
	if _, err := Verify("x", "$2a$10$abc"); !errors.Is(err, ErrMalformed) {
		t.Fatalf("bcrypt hash: %v", err)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pw string
		ok bool
	}{
		{"", false}, {"elevenchars", false}, {"twelve chars", true}, {"ééééééééééé", false},
		{"éééééééééééé", true}, {strings.Repeat("x", MaxLen), true}, {strings.Repeat("x", MaxLen+1), false},
	} {
		err := Check("spec.password", tc.pw)
		if (err == nil) != tc.ok {
			t.Errorf("Check(%d chars) = %v, want ok=%v", len(tc.pw), err, tc.ok)
		}
		var ve *model.ValidationError
		if err != nil && (!errors.As(err, &ve) || ve.Fields[0].Path != "spec.password") {
			t.Errorf("Check error %v lacks its field path", err)
		}
	}
}
