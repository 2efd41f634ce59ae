package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
	"github.com/portico-dev/portico/internal/store/sqlite"
)

// BenchmarkSnapshotConsumers reads the snapshot of an environment that knows
// 10,000 API users (half listing it, half listing every environment) beside
// 10,000 that belong to another environment.
func BenchmarkSnapshotConsumers(b *testing.B) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "portico.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for _, env := range []string{"dev", "prod"} {
		if _, _, err := s.PutEnvironment(ctx, &model.Environment{Name: env}); err != nil {
			b.Fatal(err)
		}
	}
	hash := fmt.Sprintf("%064x", 1)
	for i := range 20000 {
		c := &model.Consumer{Name: fmt.Sprintf("user%05d", i), Roles: []string{"reader"}, TokenHashes: []string{hash},
			PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"}
		switch i % 4 {
		case 0, 1:
			c.Environments = []string{"prod"}
		case 2:
			c.Environments = []string{"dev"}
		}
		if _, err := s.ChangeConsumer(ctx, c.Name, func(*model.Consumer) (*model.Consumer, error) { return c, nil }); err != nil {
			b.Fatal(err)
		}
	}
	var _ store.Store = s
	b.ResetTimer()
	for b.Loop() {
		snap, err := s.Snapshot(ctx, "dev")
		if err != nil {
			b.Fatal(err)
		}
		if len(snap.Consumers) != 10000 {
			b.Fatalf("%d consumers in dev's snapshot, want 10000", len(snap.Consumers))
		}
	}
}
