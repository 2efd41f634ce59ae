// Package storetest is the conformance suite every store.Store
// implementation passes: each backend's test calls Run with a function that
// opens a fresh, empty store.
package storetest

import (
	"testing"

	"github.com/portico-dev/portico/internal/store"
)

// Run runs every conformance test, each on a store of its own from open
// (which closes it in t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"ApplyComponents", testApply},
		{"ApplyValidatesAllOrNothing", testApplyInvalid},
		{"DeleteComponent", testDeleteComponent},
		{"Revisions", testRevisions},
		{"CreatePackage", testCreatePackage},
		{"PackageErrors", testPackageErrors},
		{"PackageKinds", testPackageKinds},
		{"DeletePackage", testDeletePackage},
		{"Environments", testEnvironments},
		{"CreateEnvironment", testCreateEnvironment},
		{"ApplyWithEnvironments", testApplyWithEnvironments},
		{"DeleteEnvironment", testDeleteEnvironment},
		{"Deploy", testDeploy},
		{"DeploySideBySide", testSideBySide},
		{"DeployRouteConflict", testRouteConflict},
		{"Undeploy", testUndeploy},
		{"RollbackDefault", testRollbackDefault},
		{"RollbackTo", testRollbackTo},
		{"RollbackSkipsDeletedPackages", testRollbackSkipsDeleted},
		{"RollbackSlots", testRollbackSlots},
		{"Snapshot", testSnapshot},
		{"Secrets", testSecrets},
		{"Pagination", testPagination},
		{"Users", testUsers},
		{"Tokens", testTokens},
		{"ConcurrentDeploys", testConcurrentDeploys},
		{"ConcurrentMixed", testConcurrentMixed},
		{"PackageOrderConcurrent", testPackageOrderConcurrent},
		{"LastAdminRace", testLastAdminRace},
		{"Executions", testExecutionsRoundTrip}, {"ExecutionsIdempotent", testExecutionsIdempotent},
		{"ExecutionsStatusUpgrade", testExecutionsStatusUpgrade}, {"ExecutionsInvalid", testExecutionsInvalid},
		{"ExecutionsFilters", testExecutionsFilters}, {"ExecutionsPagination", testExecutionsPagination},
		{"ExecutionsRetention", testExecutionsRetention}, {"ExecutionsLargeBatch", testExecutionsLargeBatch},
		{"Runtimes", testRuntimes},
		{"Plans", testPlans}, {"Applications", testApplications}, {"ApplicationsPagination", testApplicationsPagination},
		{"Consumers", testConsumers}, {"ConsumersPagination", testConsumersPagination},
		{"ApplyWithConsumers", testApplyWithConsumers}, {"Audit", testAudit}, {"ConsumersConcurrent", testConsumersConcurrent},
		{"ConcurrentGlobalWrites", testConcurrentGlobalWrites},
		{"ExecutionResults", testExecutionResults}, {"Deliveries", testDeliveries}, {"CancelRequests", testCancelRequests},
		{"AsyncRetention", testAsyncRetention},
		{"MetricsBlocks", testMetricsBlocks},
		{"Queue", testQueue}, {"QueueConcurrentClaims", testQueueConcurrentClaims},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open(t))
		})
	}
}
