package cli

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/platform"
	"github.com/portico-dev/portico/internal/store"
	"github.com/portico-dev/portico/internal/store/dial"
)

func TestLoopback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, "127.0.0.1:8080"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 8080}, "127.0.0.1:8080"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 8080}, "[::1]:8080"},
		{&net.TCPAddr{IP: net.ParseIP("10.1.2.3"), Port: 80}, "10.1.2.3:80"},
	}
	for _, tt := range tests {
		if got := loopback(tt.addr); got != tt.want {
			t.Errorf("loopback(%v) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}

func openTestStore(t *testing.T) store.Store {
	t.Helper()
	st, err := dial.Open(context.Background(), "sqlite:", t.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestTokenOwner(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		users []model.User
		want  string // "" for an error
	}{
		{"admin", []model.User{{Username: "zed", Role: model.RoleAdmin}, {Username: "admin", Role: model.RoleAdmin}}, "admin"},
		{"admin disabled", []model.User{{Username: "admin", Role: model.RoleAdmin, Disabled: true}, {Username: "boss", Role: model.RoleAdmin}}, "boss"},
		{"admin demoted", []model.User{{Username: "admin", Role: model.RoleViewer}, {Username: "ops", Role: model.RoleOperator}, {Username: "root", Role: model.RoleAdmin}}, "root"},
		{"operator only", []model.User{{Username: "viewer", Role: model.RoleViewer}, {Username: "ops", Role: model.RoleOperator}}, "ops"},
		{"nobody fit", []model.User{{Username: "pub", Role: model.RolePublisher}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st := openTestStore(t)
			for _, u := range tt.users {
				u.PasswordHash = "x"
				if err := st.CreateUser(ctx, &u); err != nil {
					t.Fatal(err)
				}
			}
			got, err := tokenOwner(ctx, st)
			if tt.want == "" {
				if err == nil || !strings.Contains(err.Error(), "no enabled admin or operator") {
					t.Fatalf("tokenOwner = %q, %v; want an error", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("tokenOwner = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestSelfTokenIsARuntimeTokenThatRenewsAndRevokes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := openTestStore(t)
	if err := st.CreateUser(ctx, &model.User{Username: "admin", Role: model.RoleAdmin, PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	p, err := platform.New(platform.Config{Store: st, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	tok, err := newSelfToken(ctx, st, p, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	first := tok.value()
	if !strings.HasPrefix(first, "ptc_") {
		t.Errorf("token %q lacks the ptc_ prefix", first)
	}
	toks, _, err := st.ListTokens(ctx, "admin", store.Page{Limit: 10})
	if err != nil || len(toks) != 1 {
		t.Fatalf("tokens = %v, %v", toks, err)
	}
	got := toks[0]
	if got.Role != model.RoleRuntime || got.Name != selfTokenName || got.ExpiresAt == nil ||
		time.Until(*got.ExpiresAt) > selfTokenTTL || time.Until(*got.ExpiresAt) < selfTokenTTL-time.Minute {
		t.Errorf("stored token = %+v", got)
	}

	it, err := tok.issue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	old := tok.current.Swap(it)
	tok.delete(old.id)
	if tok.value() == first {
		t.Error("renewal kept the old value")
	}
	tok.revoke()
	toks, _, err = st.ListTokens(ctx, "admin", store.Page{Limit: 10})
	if err != nil || len(toks) != 0 {
		t.Fatalf("tokens after revoke = %v, %v", toks, err)
	}
}
