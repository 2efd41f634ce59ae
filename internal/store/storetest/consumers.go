package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// set is a ConsumerChange that replaces the consumer by c.
func set(c *model.Consumer) store.ConsumerChange {
	return func(*model.Consumer) (*model.Consumer, error) { cp := *c; return &cp, nil }
}

func envRevision(t *testing.T, s store.Store, env string) int64 {
	t.Helper()
	rev, err := s.EnvironmentRevision(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	return rev
}

func snapshotConsumers(t *testing.T, s store.Store, env string) []string {
	t.Helper()
	snap, err := s.Snapshot(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range snap.Consumers {
		names = append(names, c.Name)
	}
	return names
}

func testConsumers(t *testing.T, s store.Store) {
	ctx := context.Background()
	putEnv(t, s, "dev")
	putEnv(t, s, "prod")
	dev0, prod0 := envRevision(t, s, "dev"), envRevision(t, s, "prod")

	// A consumer limited to dev reaches dev's snapshot only, with its hashes.
	bob := &model.Consumer{Name: "bob", Environments: []string{"dev"}, Roles: []string{"reader"},
		PasswordHash: "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA", TokenHashes: []string{"ab"},
		IPFilter: &model.IPFilter{Enabled: true, CIDRs: []string{"10.0.0.0/8"}}}
	res, err := s.ChangeConsumer(ctx, "bob", set(bob))
	if err != nil {
		t.Fatal(err)
	}
	if res.Action != store.Created || !slices.Equal(res.Environments, []string{"dev"}) || res.Consumer.CreatedAt.IsZero() {
		t.Fatalf("create bob = %+v", res)
	}
	if got := envRevision(t, s, "dev"); got != dev0+1 {
		t.Fatalf("dev revision = %d, want %d", got, dev0+1)
	}
	if got := envRevision(t, s, "prod"); got != prod0 {
		t.Fatalf("prod revision moved to %d by a dev-only consumer", got)
	}
	snap, err := s.Snapshot(ctx, "dev")
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Consumers) != 1 || snap.Consumers[0].PasswordHash != bob.PasswordHash ||
		!slices.Equal(snap.Consumers[0].TokenHashes, bob.TokenHashes) || !snap.Consumers[0].IPFilter.Enabled {
		t.Fatalf("dev snapshot consumers = %+v", snap.Consumers)
	}
	if got := snapshotConsumers(t, s, "prod"); len(got) != 0 {
		t.Fatalf("prod snapshot has %v", got)
	}

	// Unchanged content bumps nothing; a consumer of every environment
	// bumps both.
	res, err = s.ChangeConsumer(ctx, "bob", set(bob))
	if err != nil || res.Action != store.Unchanged || len(res.Environments) != 0 {
		t.Fatalf("same bob again = %+v, %v", res, err)
	}
	if _, err := s.ChangeConsumer(ctx, "ci", set(&model.Consumer{Name: "ci"})); err != nil {
		t.Fatal(err)
	}
	if got := snapshotConsumers(t, s, "prod"); !slices.Equal(got, []string{"ci"}) {
		t.Fatalf("prod snapshot consumers = %v", got)
	}
	if got := snapshotConsumers(t, s, "dev"); !slices.Equal(got, []string{"bob", "ci"}) {
		t.Fatalf("dev snapshot consumers = %v", got)
	}
	if envRevision(t, s, "dev") != dev0+2 || envRevision(t, s, "prod") != prod0+1 {
		t.Fatal("an everywhere consumer did not bump every environment")
	}

	// Moving bob from dev to prod bumps both; the change sees the current state.
	res, err = s.ChangeConsumer(ctx, "bob", func(cur *model.Consumer) (*model.Consumer, error) {
		if cur == nil || cur.PasswordHash != bob.PasswordHash {
			return nil, fmt.Errorf("current bob = %+v", cur)
		}
		cp := *cur
		cp.Environments = []string{"prod"}
		return &cp, nil
	})
	if err != nil || res.Action != store.Updated || !slices.Equal(res.Environments, []string{"dev", "prod"}) {
		t.Fatalf("move bob = %+v, %v", res, err)
	}
	if got := snapshotConsumers(t, s, "dev"); !slices.Equal(got, []string{"ci"}) {
		t.Fatalf("dev snapshot after the move = %v", got)
	}
	got, err := s.GetConsumer(ctx, "bob")
	if err != nil || got.PasswordHash != bob.PasswordHash || !got.UpdatedAt.After(got.CreatedAt) && !got.UpdatedAt.Equal(got.CreatedAt) {
		t.Fatalf("GetConsumer(bob) = %+v, %v", got, err)
	}
	list, _, err := s.ListConsumers(ctx, store.ConsumerFilter{Environment: "dev"}, store.Page{})
	if err != nil || len(list) != 1 || list[0].Name != "ci" {
		t.Fatalf("ListConsumers(dev) = %v, %v", list, err)
	}

	// Refusals change nothing.
	before := envRevision(t, s, "prod")
	_, err = s.ChangeConsumer(ctx, "eve", set(&model.Consumer{Name: "eve", Environments: []string{"nowhere"}}))
	wantErr(t, err, model.ErrInvalid, "spec.environments[0]", "nowhere")
	_, err = s.ChangeConsumer(ctx, "eve", set(&model.Consumer{Name: "eve", IPFilter: &model.IPFilter{CIDRs: []string{"10.0.0.0/33"}}}))
	wantErr(t, err, model.ErrInvalid, "ipFilter.cidrs[0]")
	errTaken := errors.New("taken")
	_, err = s.ChangeConsumer(ctx, "bob", func(cur *model.Consumer) (*model.Consumer, error) {
		if cur != nil {
			return nil, fmt.Errorf("%w: %w", model.ErrConflict, errTaken)
		}
		return bob, nil
	})
	wantErr(t, err, model.ErrConflict)
	if _, err := s.GetConsumer(ctx, "eve"); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("eve after refusals: %v", err)
	}
	if envRevision(t, s, "prod") != before {
		t.Fatal("a refused change bumped a revision")
	}

	// An environment that a consumer lists cannot go: bob would be left
	// with no environment, which means all of them.
	wantErr(t, s.DeleteEnvironment(ctx, "prod"), model.ErrInUse, "bob")

	bumped, err := s.DeleteConsumer(ctx, "bob")
	if err != nil || !slices.Equal(bumped, []string{"prod"}) {
		t.Fatalf("DeleteConsumer(bob) = %v, %v", bumped, err)
	}
	_, err = s.DeleteConsumer(ctx, "bob")
	wantErr(t, err, model.ErrNotFound, "bob")
	if got := snapshotConsumers(t, s, "prod"); !slices.Equal(got, []string{"ci"}) {
		t.Fatalf("prod snapshot after delete = %v", got)
	}
	if err := s.DeleteEnvironment(ctx, "prod"); err != nil {
		t.Fatalf("delete prod once no consumer lists it: %v", err)
	}
}

// testConsumersPagination pages through more consumers than one page holds.
func testConsumersPagination(t *testing.T, s store.Store) {
	ctx := context.Background()
	putEnv(t, s, "dev")
	var want []string
	for i := range 7 {
		name := fmt.Sprintf("c%02d", i)
		c := &model.Consumer{Name: name}
		if i%2 == 0 {
			c.Environments = []string{"dev"}
		}
		if _, err := s.ChangeConsumer(ctx, name, set(c)); err != nil {
			t.Fatal(err)
		}
		want = append(want, name)
	}
	var got []string
	page := store.Page{Limit: 3}
	for {
		items, next, err := s.ListConsumers(ctx, store.ConsumerFilter{}, page)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range items {
			got = append(got, c.Name)
		}
		if next == "" {
			break
		}
		page.Cursor = next
	}
	if !slices.Equal(got, want) {
		t.Fatalf("paged consumers = %v, want %v", got, want)
	}
}

// testApplyWithConsumers applies an environment and a consumer listing it
// together, all or nothing.
func testApplyWithConsumers(t *testing.T, s store.Store) {
	ctx := context.Background()
	envs := []*model.Environment{{Name: "qa"}}
	users := []store.NamedConsumerChange{{Name: "tester", Change: set(&model.Consumer{Name: "tester", Environments: []string{"qa"}})}}
	res, bumped, err := s.ApplyWithConsumers(ctx, nil, envs, users, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[1].Kind != store.KindConsumer || res[1].Action != store.Created || !slices.Equal(bumped, []string{"qa"}) {
		t.Fatalf("apply = %+v, bumped %v", res, bumped)
	}
	// A bad consumer takes the new environment and component down with it.
	bad := []store.NamedConsumerChange{{Name: "x", Change: set(&model.Consumer{Name: "x", Environments: []string{"nowhere"}})}}
	_, _, err = s.ApplyWithConsumers(ctx, []*model.Component{connection("db2")}, []*model.Environment{{Name: "uat"}}, bad, "alice")
	wantErr(t, err, model.ErrInvalid, "nowhere")
	if _, err := s.GetEnvironment(ctx, "uat"); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("uat after a refused apply: %v", err)
	}
	if _, err := s.GetComponent(ctx, model.Ref{Kind: model.KindConnection, Name: "db2"}); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("db2 after a refused apply: %v", err)
	}
}

func testAudit(t *testing.T, s store.Store) {
	ctx := context.Background()
	t0 := time.Now().UTC().Add(-time.Hour).Truncate(time.Microsecond)
	entries := []*model.AuditEntry{
		{Time: t0, User: "alice", Address: "10.0.0.1", Action: model.AuditDeploy, Kind: "api", Name: "erp", Details: map[string]string{"environment": "dev"}},
		{Time: t0.Add(time.Minute), User: "bob", Action: model.AuditCreate, Kind: model.AuditKindConsumer, Name: "ci"},
		{User: "alice", Action: model.AuditDelete, Kind: model.AuditKindConsumer, Name: "ci"},
	}
	if err := s.RecordAudit(ctx, entries); err != nil {
		t.Fatal(err)
	}
	all, _, err := s.ListAudit(ctx, store.AuditFilter{}, store.Page{})
	if err != nil || len(all) != 3 || all[0].Action != model.AuditDelete || all[2].Details["environment"] != "dev" || all[2].Address != "10.0.0.1" {
		t.Fatalf("ListAudit = %+v, %v", all, err)
	}
	check := func(f store.AuditFilter, want ...string) {
		t.Helper()
		got, _, err := s.ListAudit(ctx, f, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		var acts []string
		for _, e := range got {
			acts = append(acts, e.User+":"+e.Action)
		}
		if !slices.Equal(acts, want) {
			t.Fatalf("ListAudit(%+v) = %v, want %v", f, acts, want)
		}
	}
	check(store.AuditFilter{User: "alice"}, "alice:delete", "alice:deploy")
	check(store.AuditFilter{Kind: model.AuditKindConsumer, Name: "ci"}, "alice:delete", "bob:create")
	check(store.AuditFilter{Action: model.AuditDeploy}, "alice:deploy")
	check(store.AuditFilter{Since: t0.Add(time.Second), Until: t0.Add(2 * time.Minute)}, "bob:create")
	page1, next, err := s.ListAudit(ctx, store.AuditFilter{}, store.Page{Limit: 2})
	if err != nil || len(page1) != 2 || next == "" {
		t.Fatalf("page 1 = %v, %q, %v", page1, next, err)
	}
	page2, next, err := s.ListAudit(ctx, store.AuditFilter{}, store.Page{Limit: 2, Cursor: next})
	if err != nil || len(page2) != 1 || next != "" || page2[0].Action != model.AuditDeploy {
		t.Fatalf("page 2 = %v, %q, %v", page2, next, err)
	}

	// Entries carried by the context are saved with the write they describe,
	// and only by a write that commits.
	p := &store.PendingAudit{Entries: []*model.AuditEntry{{User: "carol", Action: model.AuditCreate, Kind: model.AuditKindEnvironment, Name: "dup"}}}
	actx := store.WithAudit(ctx, p)
	if _, err := s.CreateEnvironment(actx, &model.Environment{Name: "dup"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateEnvironment(store.WithAudit(ctx, &store.PendingAudit{Entries: []*model.AuditEntry{{User: "dave", Action: model.AuditCreate, Kind: model.AuditKindEnvironment, Name: "dup"}}}), &model.Environment{Name: "dup"}); !errors.Is(err, model.ErrConflict) {
		t.Fatalf("second create: %v", err)
	}
	if !p.Recorded() {
		t.Fatal("the committed write did not record its entry")
	}
	check(store.AuditFilter{Kind: model.AuditKindEnvironment}, "carol:create")
}

// testConsumersConcurrent adds tokens to one consumer from many goroutines:
// each change reads the state the previous one wrote, so none is lost.
func testConsumersConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	putEnv(t, s, "dev")
	if _, err := s.ChangeConsumer(ctx, "busy", set(&model.Consumer{Name: "busy"})); err != nil {
		t.Fatal(err)
	}
	const n = 8
	errs := make(chan error, n)
	for i := range n {
		go func() {
			_, err := s.ChangeConsumer(ctx, "busy", func(cur *model.Consumer) (*model.Consumer, error) {
				next := *cur
				next.TokenHashes = append(slices.Clone(cur.TokenHashes), fmt.Sprintf("%064x", i))
				return &next, nil
			})
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.GetConsumer(ctx, "busy")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.TokenHashes) != n {
		t.Fatalf("%d tokens after %d concurrent additions: %v", len(got.TokenHashes), n, got.TokenHashes)
	}
}
