package storetest

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/secret"
	"github.com/portico-dev/portico/internal/store"
)

// Clear values of the secrets fixture; the raw-row checks look for them.
const (
	secretDSN   = "postgres://app:dsn-pw-4711@db.internal/erp"
	secretToken = "bearer-token-0815"
)

// secretConnections returns a database and an HTTP connection with secrets.
func secretConnections() []*model.Component {
	return []*model.Component{
		{Kind: model.KindConnection, Name: "vault", Spec: &model.ConnectionSpec{
			Type:     model.ConnectionDatabase,
			Database: &model.DatabaseConnection{Driver: "postgres", DSN: secretDSN},
		}},
		{Kind: model.KindConnection, Name: "crm", Spec: &model.ConnectionSpec{
			Type: model.ConnectionHTTP,
			HTTP: &model.HTTPConnection{BaseURL: "https://crm.example.com", Auth: &model.HTTPAuth{Type: "bearer", Token: secretToken}},
		}},
	}
}

// checkClear fails unless comps hold the fixture's clear secrets.
func checkClear(t *testing.T, what string, comps ...*model.Component) {
	t.Helper()
	for _, c := range comps {
		sp, ok := c.Spec.(*model.ConnectionSpec)
		if !ok {
			continue
		}
		switch {
		case sp.Database != nil && sp.Database.DSN.Reveal() != secretDSN:
			t.Errorf("%s: %s DSN = %q, want the clear value", what, c.Ref(), sp.Database.DSN.Reveal())
		case sp.HTTP != nil && sp.HTTP.Auth.Token.Reveal() != secretToken:
			t.Errorf("%s: %s token = %q, want the clear value", what, c.Ref(), sp.HTTP.Auth.Token.Reveal())
		}
	}
}

// testSecrets: whatever a store does with secrets at rest, reads give them
// back in clear, and applying the same secret again changes nothing.
func testSecrets(t *testing.T, s store.Store) {
	ctx := context.Background()
	res := apply(t, s, secretConnections()...)
	vault := model.Ref{Kind: model.KindConnection, Name: "vault"}
	got, err := s.GetComponent(ctx, vault)
	if err != nil {
		t.Fatal(err)
	}
	checkClear(t, "GetComponent", got)
	if got.Hash != res[1].Hash && got.Hash != res[0].Hash {
		t.Errorf("GetComponent hash %s is none of the applied hashes %s, %s", got.Hash, res[0].Hash, res[1].Hash)
	}
	list, _, err := s.ListComponents(ctx, model.KindConnection, store.Page{})
	if err != nil || len(list) != 2 {
		t.Fatalf("ListComponents = %d items, %v", len(list), err)
	}
	checkClear(t, "ListComponents", list...)
	revs, _, err := s.ListRevisions(ctx, vault, store.Page{})
	if err != nil || len(revs) != 1 {
		t.Fatalf("ListRevisions = %d items, %v", len(revs), err)
	}
	checkClear(t, "ListRevisions", revs...)
	rev, err := s.GetRevision(ctx, vault, 1)
	if err != nil {
		t.Fatal(err)
	}
	checkClear(t, "GetRevision", rev)

	for i, r := range apply(t, s, secretConnections()...) {
		if r.Action != store.Unchanged || r.Hash != res[i].Hash {
			t.Errorf("applying the same secrets again: %+v, want unchanged with hash %s", r, res[i].Hash)
		}
	}
	changed := secretConnections()[:1]
	changed[0].Spec.(*model.ConnectionSpec).Database.DSN = secretDSN + "x"
	if r := apply(t, s, changed...); r[0].Action != store.Updated || r[0].Hash == res[0].Hash {
		t.Errorf("applying another secret: %+v, want updated with a new hash", r[0])
	}
	back := secretConnections()[:1]
	if r := apply(t, s, back...); r[0].Action != store.Updated || r[0].Hash != res[0].Hash {
		t.Errorf("applying the first secret back: %+v, want updated with the first hash %s", r[0], res[0].Hash)
	}

	// The snapshot carries clear values: runtimes connect with them.
	apply(t, s, process("useVault", "vault", "SELECT 1"), api("vaultapi", "vault", "v1", "useVault"))
	putEnv(t, s, "dev")
	deploy(t, s, "dev", pkg(t, s, model.Ref{Kind: model.KindAPI, Name: "vaultapi"}, "1.0.0"))
	snap, err := s.Snapshot(ctx, "dev")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range snap.Deployments {
		for i := range d.Components {
			if d.Components[i].Ref() == vault {
				found = true
				checkClear(t, "Snapshot", &d.Components[i])
			}
		}
	}
	if !found {
		t.Fatal("the snapshot lacks connection vault")
	}
}

// SecretsBackend opens stores on one fresh database: Open opens it with a
// keyring (nil: none); Raw reads its tables directly.
type SecretsBackend struct {
	Open func(t *testing.T, k *secret.Keyring) store.Store
	Raw  *sql.DB
	// Bind rewrites '?' placeholders for Raw (nil: none needed).
	Bind func(string) string
}

func (b SecretsBackend) bind(q string) string {
	if b.Bind == nil {
		return q
	}
	return b.Bind(q)
}

// RunSecrets checks what a store keeps at rest: secrets sealed in the
// database's rows, hashes that do not reveal them, and clear errors when
// the key is wrong or missing. newBackend returns a backend on a fresh,
// empty database for each test.
func RunSecrets(t *testing.T, newBackend func(t *testing.T) SecretsBackend) {
	keyA := mustKeyring(t, 1)
	keyB := mustKeyring(t, 2)
	rotated, err := secret.New("rotated key", keyBytes(2), keyBytes(1))
	if err != nil {
		t.Fatal(err)
	}
	vault := model.Ref{Kind: model.KindConnection, Name: "vault"}

	t.Run("SealedAtRest", func(t *testing.T) {
		t.Parallel()
		b := newBackend(t)
		s := b.Open(t, keyA)
		testSecrets(t, s)
		rows, err := b.Raw.Query(`SELECT kind, name, revision, hash, content FROM component_revisions`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var kind, name, hash, content string
			var rev int
			if err := rows.Scan(&kind, &name, &rev, &hash, &content); err != nil {
				t.Fatal(err)
			}
			n++
			for _, clear := range []string{secretDSN, "dsn-pw-4711", secretToken} {
				if strings.Contains(content, clear) {
					t.Errorf("row %s/%s@%d holds %q in clear: %s", kind, name, rev, clear, content)
				}
			}
			if kind == "connection" && !strings.Contains(content, secret.Prefix+keyA.ID()+":") {
				t.Errorf("row %s/%s@%d holds no value sealed with key %s: %s", kind, name, rev, keyA.ID(), content)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Fatal("no component rows read")
		}
	})

	t.Run("HashDoesNotRevealSecret", func(t *testing.T) {
		t.Parallel()
		b := newBackend(t)
		s := b.Open(t, keyA)
		c := secretConnections()[0]
		res := apply(t, s, c)
		// Someone who can read hashes and guesses the DSN cannot confirm it
		// by hashing the guess.
		if plain, _ := c.ContentHash(); plain == res[0].Hash {
			t.Errorf("the stored hash %s is the plain hash of the clear content", res[0].Hash)
		}
	})

	t.Run("WrongKey", func(t *testing.T) {
		t.Parallel()
		b := newBackend(t)
		apply(t, b.Open(t, keyA), secretConnections()...)
		_, err := b.Open(t, keyB).GetComponent(context.Background(), vault)
		if !errors.Is(err, secret.ErrWrongKey) || !strings.Contains(err.Error(), "sealed with key "+keyA.ID()) ||
			!strings.Contains(err.Error(), keyB.ID()) || strings.Contains(err.Error(), "dsn-pw") {
			t.Fatalf("reading with another key: %v; want ErrWrongKey naming both key ids", err)
		}
		_, err = b.Open(t, nil).GetComponent(context.Background(), vault)
		if err == nil || !strings.Contains(err.Error(), "without a secret key") {
			t.Fatalf("reading sealed secrets without a key: %v; want a clear error", err)
		}
	})

	t.Run("Rotation", func(t *testing.T) {
		t.Parallel()
		b := newBackend(t)
		first := apply(t, b.Open(t, keyA), secretConnections()...)
		s := b.Open(t, rotated)
		got, err := s.GetComponent(context.Background(), vault)
		if err != nil {
			t.Fatalf("reading with the old key listed: %v", err)
		}
		checkClear(t, "after rotation", got)
		// Same clear content under a new key: still unchanged, same revision.
		for i, r := range apply(t, s, secretConnections()...) {
			if r.Action != store.Unchanged || r.Revision != first[i].Revision {
				t.Errorf("re-applying after rotation: %+v, want unchanged at revision %d", r, first[i].Revision)
			}
		}
	})

	t.Run("ClearRowsReadable", func(t *testing.T) {
		t.Parallel()
		// Rows written before sealing existed read as they are, and applying
		// them again once a key is set changes nothing.
		b := newBackend(t)
		first := apply(t, b.Open(t, nil), secretConnections()...)
		s := b.Open(t, keyA)
		got, err := s.GetComponent(context.Background(), vault)
		if err != nil {
			t.Fatal(err)
		}
		checkClear(t, "clear row", got)
		for i, r := range apply(t, s, secretConnections()...) {
			if r.Action != store.Unchanged || r.Revision != first[i].Revision {
				t.Errorf("re-applying a clear row with a key: %+v, want unchanged", r)
			}
		}
		var content string
		if err := b.Raw.QueryRow(b.bind(`SELECT content FROM component_revisions WHERE kind = ? AND name = ?`), "connection", "vault").Scan(&content); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(content, secretDSN) {
			t.Fatalf("fixture: the row written without a key is not clear: %s", content)
		}
	})
}

func keyBytes(b byte) []byte {
	k := make([]byte, secret.KeySize)
	for i := range k {
		k[i] = b
	}
	return k
}

func mustKeyring(t *testing.T, b byte) *secret.Keyring {
	t.Helper()
	k, err := secret.New("PORTICO_SECRET_KEY", keyBytes(b))
	if err != nil {
		t.Fatal(err)
	}
	return k
}
