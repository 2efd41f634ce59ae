package platform

import (
	"fmt"
	"net/http"
	"reflect"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// authMode says whether a route needs a token.
type authMode int

const (
	authRequired authMode = iota
	authNone
	authOptional // the handler authenticates when the request needs it
)

// route is one entry of the table that both registers the handlers and
// generates the OpenAPI document, so the two cannot drift apart.
type route struct {
	method  string
	pattern string // below /api/v1, with {param} path values
	auth    authMode
	perm    model.Permission // "" with authRequired: any valid token
	self    string           // path value that, naming the caller, waives perm
	summary string
	query   []param
	in      reflect.Type // request body; nil for none
	out     reflect.Type // answer body; nil for none
	list    bool         // out is the item type of a list answer
	status  int          // success status
	also    []int        // other success statuses (same body; 304 none)
	h       apiFunc
}

// param documents one query parameter.
type param struct {
	name, typ, desc string
}

// authorize checks the caller's permission for the route.
func (rt route) authorize(c *caller, r *http.Request) error {
	if rt.perm == "" || c.allows(rt.perm) {
		return nil
	}
	if rt.self != "" && c.isUser() && r.PathValue(rt.self) == c.user.Username {
		return nil
	}
	return forbidden(c, rt.perm)
}

func forbidden(c *caller, p model.Permission) error {
	return fmt.Errorf("%w: this token (role %s, user role %s) lacks the permission %s", model.ErrForbidden, c.token.Role, c.user.Role, p)
}

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

var pageParams = []param{
	{"limit", "integer", "page size (default 50, at most 500)"},
	{"cursor", "string", "nextCursor of the previous page"},
}

func withPage(ps ...param) []param { return append(ps, pageParams...) }

// routeTable lists every route of the API, in the contract's order.
func (s *Server) routeTable() []route {
	ok, created, none := http.StatusOK, http.StatusCreated, http.StatusNoContent
	return []route{
		{method: "POST", pattern: "/tokens", auth: authOptional, summary: "Sign in (username, password) or, with a bearer token, create a named token", in: typeOf[tokenRequest](), out: typeOf[newTokenAnswer](), status: created, h: s.createToken},
		{method: "GET", pattern: "/tokens", summary: "List tokens: your own; an admin lists a user's (?username=) or everyone's", query: withPage(param{"username", "string", "whose tokens (admin only for others)"}), out: typeOf[model.Token](), list: true, status: ok, h: s.listTokens},
		{method: "DELETE", pattern: "/tokens/{id}", summary: "Revoke a token (your own; an admin any)", status: none, h: s.deleteToken},
		{method: "GET", pattern: "/whoami", summary: "The caller's user, role and token", out: typeOf[whoami](), status: ok, h: s.whoami},

		{method: "GET", pattern: "/components", perm: model.PermRead, summary: "List current components by kind then name", query: withPage(param{"kind", "string", "only this kind"}), out: typeOf[model.Component](), list: true, status: ok, h: s.listComponents},
		{method: "POST", pattern: "/apply", summary: "Apply components, environments and API users, all or nothing (each part needs its permission: components:write, environments:write, consumers:write)", in: typeOf[applyDoc](), out: typeOf[applyAnswer](), status: ok, h: s.apply},
		{method: "GET", pattern: "/components/{kind}/{name}", perm: model.PermRead, summary: "Get a component's current revision", out: typeOf[model.Component](), status: ok, h: s.getComponent},
		{method: "PUT", pattern: "/components/{kind}/{name}", perm: model.PermWriteComponents, summary: "Create or update one component", in: typeOf[model.Component](), out: typeOf[store.ApplyResult](), status: ok, h: s.putComponent},
		{method: "DELETE", pattern: "/components/{kind}/{name}", perm: model.PermWriteComponents, summary: "Delete a component (409 while referenced)", status: none, h: s.deleteComponent},
		{method: "GET", pattern: "/components/{kind}/{name}/revisions", perm: model.PermRead, summary: "List a component's revisions, newest first", query: pageParams, out: typeOf[model.Component](), list: true, status: ok, h: s.listRevisions},
		{method: "GET", pattern: "/components/{kind}/{name}/revisions/{n}", perm: model.PermRead, summary: "Get one revision of a component", out: typeOf[model.Component](), status: ok, h: s.getRevision},

		{method: "GET", pattern: "/packages", perm: model.PermRead, summary: "List packages, newest first", query: withPage(param{"component", "string", "only packages of this root (kind/name, e.g. api/erp)"}), out: typeOf[model.Package](), list: true, status: ok, h: s.listPackages},
		{method: "POST", pattern: "/packages", perm: model.PermPackage, summary: "Create a package of a root component (409 duplicate version, 400 missing reference)", in: typeOf[packageRequest](), out: typeOf[model.Package](), status: created, h: s.createPackage},
		{method: "GET", pattern: "/packages/{id}", perm: model.PermRead, summary: "Get a package", out: typeOf[model.Package](), status: ok, h: s.getPackage},
		{method: "DELETE", pattern: "/packages/{id}", perm: model.PermPackage, summary: "Delete a package (409 while active in an environment)", status: none, h: s.deletePackage},

		{method: "GET", pattern: "/environments", perm: model.PermRead, summary: "List environments by name", query: pageParams, out: typeOf[model.Environment](), list: true, status: ok, h: s.listEnvironments},
		{method: "POST", pattern: "/environments", perm: model.PermEnvironments, summary: "Create an environment (409 if it exists)", in: typeOf[model.Environment](), out: typeOf[model.Environment](), status: created, h: s.createEnvironment},
		{method: "GET", pattern: "/environments/{env}", perm: model.PermRead, summary: "Get an environment", out: typeOf[model.Environment](), status: ok, h: s.getEnvironment},
		{method: "PUT", pattern: "/environments/{env}", perm: model.PermEnvironments, summary: "Create or update an environment", in: typeOf[model.Environment](), out: typeOf[model.Environment](), status: ok, h: s.putEnvironment},
		{method: "DELETE", pattern: "/environments/{env}", perm: model.PermEnvironments, summary: "Delete an environment (409 while something is deployed)", status: none, h: s.deleteEnvironment},
		{method: "GET", pattern: "/environments/{env}/snapshot", perm: model.PermSnapshot, summary: "Long-poll the environment's snapshot: 200 when newer than ?after, else 304 after ?wait", query: []param{{"after", "integer", "the revision the caller has"}, {"wait", "string", "how long to wait for a change (Go duration, default 30s, at most 120s)"}}, out: typeOf[model.Snapshot](), status: ok, also: []int{http.StatusNotModified}, h: s.snapshot},

		{method: "GET", pattern: "/deployments", perm: model.PermRead, summary: "List active deployments, or the history (newest first)", query: withPage(param{"environment", "string", "only this environment"}, param{"component", "string", "only this root (kind/name)"}, param{"history", "boolean", "every event, not only the active deployments"}), out: typeOf[model.Deployment](), list: true, status: ok, h: s.listDeployments},
		{method: "POST", pattern: "/deployments", perm: model.PermDeploy, summary: "Deploy a package (201; 200 when already active)", in: typeOf[deployRequest](), out: typeOf[model.Deployment](), status: created, also: []int{ok}, h: s.deploy},
		{method: "POST", pattern: "/deployments/rollback", perm: model.PermDeploy, summary: "Roll back to the previous package, or to a version deployed there before", in: typeOf[rollbackRequest](), out: typeOf[model.Deployment](), status: created, h: s.rollback},
		{method: "POST", pattern: "/deployments/undeploy", perm: model.PermDeploy, summary: "Stop serving a root component in an environment", in: typeOf[undeployRequest](), out: typeOf[model.Deployment](), list: true, status: ok, h: s.undeploy},

		{method: "POST", pattern: "/executions/batch", perm: model.PermExecutionsWrite, summary: "Report execution records (runtimes): at most 1000, idempotent per id, all validated before any is written", in: typeOf[executionBatch](), out: typeOf[executionBatchAnswer](), status: ok, h: s.postExecutions},
		{method: "GET", pattern: "/executions", perm: model.PermRead, summary: "List execution records newest first, without their documents", query: withPage(param{"environment", "string", "only this environment"}, param{"process", "string", "only this process"}, param{"api", "string", "only this API"}, param{"status", "string", "only this status (ENQUEUED, INPROCESS, COMPLETE, ERROR, ABORTED, DISCARDED)"}, param{"since", "string", "started at or after this RFC 3339 time"}, param{"until", "string", "started before this RFC 3339 time"}), out: typeOf[model.Execution](), list: true, status: ok, h: s.listExecutions},
		{method: "POST", pattern: "/runtimes/heartbeat", perm: model.PermExecutionsWrite, summary: "Report a runtime's state (runtimes, every few seconds): the snapshot revision it serves, readiness, its latest error", in: typeOf[model.RuntimeInstance](), out: typeOf[model.RuntimeInstance](), status: ok, h: s.postHeartbeat},
		{method: "GET", pattern: "/runtimes", perm: model.PermRead, summary: "List the runtimes with their status (online when heard of in the last 15 s), snapshot revision and last-seen time, most recently seen first", query: []param{{"environment", "string", "only this environment"}}, out: typeOf[model.RuntimeInstance](), list: true, status: ok, h: s.listRuntimes},
		{method: "POST", pattern: "/metrics/report", perm: model.PermExecutionsWrite, summary: "Report a runtime's live aggregates (runtimes, every second): one-second blocks per API, endpoint and process with a mergeable latency sketch", in: typeOf[model.MetricsReport](), status: none, h: s.postMetricsReport},
		{method: "GET", pattern: "/metrics/summary", perm: model.PermRead, summary: "Live aggregates of an environment in time blocks (count, errors by class, p50/p95/p99, max), combined across its runtimes", query: []param{{"environment", "string", "the environment (required)"}, {"api", "string", "only this API"}, {"resolution", "string", "1s (last 10 minutes, default) or 1m (last 24 hours)"}, {"since", "string", "blocks from this RFC 3339 time, or this long ago (a duration such as 5m)"}}, out: typeOf[model.MetricsSummaryAnswer](), status: ok, h: s.metricsSummary},
		{method: "GET", pattern: "/metrics/live", perm: model.PermRead, summary: "Server-sent events: every second, the second that just ended, in total and per API (event metrics, data a MetricsLiveEvent)", query: []param{{"environment", "string", "the environment (required)"}}, status: ok, h: s.metricsLive},
		{method: "GET", pattern: "/executions/{id}", perm: model.PermRead, summary: "Get an execution record with its input and output documents", out: typeOf[model.Execution](), status: ok, h: s.getExecution},
		{method: "GET", pattern: "/executions/{id}/result", perm: model.PermRead, summary: "The kept result of an execution that answered 202: exactly the status, headers and body of the synchronous call (409 while it runs)", status: ok, h: s.getExecutionResult},
		{method: "POST", pattern: "/executions/{id}/cancel", perm: model.PermDeploy, summary: "Stop a running detached execution; it ends ABORTED (409 once ended)", out: typeOf[cancelAnswer](), status: http.StatusAccepted, h: s.cancelExecution},
		{method: "POST", pattern: "/executions/queue", perm: model.PermExecutionsWrite, summary: "Runtimes: make an async endpoint's accepted request durable before answering 202 (idempotent per id)", in: typeOf[queueRequest](), out: typeOf[queueAnswer](), status: ok, h: s.enqueueExecution},
		{method: "POST", pattern: "/executions/claim", perm: model.PermExecutionsWrite, summary: "Runtimes: claim the oldest queued async execution of an environment (or ?id=) under a lease; item null when none", query: []param{{"environment", "string", "the runtime's environment"}, {"id", "string", "only this execution"}}, in: typeOf[claimRequest](), out: typeOf[claimAnswer](), status: ok, h: s.claimExecution},
		{method: "POST", pattern: "/executions/leases", perm: model.PermExecutionsWrite, summary: "Runtimes: renew the leases of the queued executions they run; answers those still held", in: typeOf[claimRequest](), out: typeOf[cancellationQuery](), status: ok, h: s.renewLeases},
		{method: "POST", pattern: "/executions/cancellations", perm: model.PermExecutionsWrite, summary: "Runtimes: which of these running executions were cancelled", in: typeOf[cancellationQuery](), out: typeOf[cancellationQuery](), status: ok, h: s.cancellations},
		{method: "GET", pattern: "/deliveries", perm: model.PermRead, summary: "List webhook deliveries, newest first", query: withPage(param{"execution", "string", "only this execution's"}, param{"status", "string", "only this status (PENDING, DELIVERED, FAILED)"}), out: typeOf[model.Delivery](), list: true, status: ok, h: s.listDeliveries},
		{method: "GET", pattern: "/deliveries/{id}", perm: model.PermRead, summary: "Get a webhook delivery with its payload and attempts", out: typeOf[model.Delivery](), status: ok, h: s.getDelivery},
		{method: "POST", pattern: "/deliveries/{id}/resend", perm: model.PermDeploy, summary: "Send a webhook delivery again, whatever its status", out: typeOf[model.Delivery](), status: http.StatusAccepted, h: s.resendDelivery},

		{method: "GET", pattern: "/apis/{name}/openapi.json", perm: model.PermRead, summary: "OpenAPI 3.1 of an API: its current revisions, a package (?version=) or what an environment serves (?environment=)", query: apiContractParams, out: typeOf[map[string]any](), status: ok, h: s.apiOpenAPIJSON},
		{method: "GET", pattern: "/apis/{name}/openapi.yaml", perm: model.PermRead, summary: "The same document as YAML (application/yaml)", query: apiContractParams, status: ok, h: s.apiOpenAPIYAML},
		{method: "GET", pattern: "/apis/{name}/wsdl", perm: model.PermRead, summary: "WSDL 1.1 of an API's SOAP operations, one self-contained file (text/xml); same query as openapi.json", query: apiContractParams, status: ok, h: s.apiWSDL},
		{method: "GET", pattern: "/apis/{name}/metadata", perm: model.PermRead, summary: "OData $metadata of an API: CSDL XML, or CSDL JSON with ?$format=json", query: apiContractParams, status: ok, h: s.apiMetadata},

		{method: "GET", pattern: "/users", perm: model.PermUsers, summary: "List users", query: pageParams, out: typeOf[model.User](), list: true, status: ok, h: s.listUsers},
		{method: "POST", pattern: "/users", perm: model.PermUsers, summary: "Create a user", in: typeOf[userRequest](), out: typeOf[model.User](), status: created, h: s.createUser},
		{method: "GET", pattern: "/users/{username}", perm: model.PermUsers, self: "username", summary: "Get a user (everyone may get themselves)", out: typeOf[model.User](), status: ok, h: s.getUser},
		{method: "PATCH", pattern: "/users/{username}", perm: model.PermUsers, self: "username", summary: "Change a user's role, password or disabled flag (everyone may change their own password)", in: typeOf[userPatch](), out: typeOf[model.User](), status: ok, h: s.patchUser},
		{method: "DELETE", pattern: "/users/{username}", perm: model.PermUsers, summary: "Delete a user and their tokens (409 for the last enabled admin)", status: none, h: s.deleteUser},

		{method: "GET", pattern: "/applications", perm: model.PermRead, summary: "List applications by name, with their keys (no secrets) and subscriptions", query: pageParams, out: typeOf[model.Application](), list: true, status: ok, h: s.listApplications},
		{method: "POST", pattern: "/applications", perm: model.PermApps, summary: "Create an application (409 if it exists; keys are generated apart)", in: typeOf[model.Application](), out: typeOf[model.Application](), status: created, h: s.createApplication},
		{method: "GET", pattern: "/applications/{name}", perm: model.PermRead, summary: "Get an application", out: typeOf[model.Application](), status: ok, h: s.getApplication},
		{method: "PUT", pattern: "/applications/{name}", perm: model.PermApps, summary: "Create or update an application and its subscriptions (its keys stay); ?dryRun=true only says what would change", query: []param{{"dryRun", "boolean", "save nothing"}}, in: typeOf[model.Application](), out: typeOf[store.ApplyResult](), status: ok, h: s.putApplication},
		{method: "DELETE", pattern: "/applications/{name}", perm: model.PermApps, summary: "Delete an application with its keys and subscriptions", status: none, h: s.deleteApplication},
		{method: "GET", pattern: "/applications/{name}/keys", perm: model.PermRead, summary: "List an application's API keys (prefixes, never the keys)", out: typeOf[model.APIKey](), list: true, status: ok, h: s.listKeys},
		{method: "POST", pattern: "/applications/{name}/keys", perm: model.PermApps, summary: "Generate an API key: the answer holds the clear key, shown this once", in: typeOf[keyRequest](), out: typeOf[newKeyAnswer](), status: created, h: s.createKey},
		{method: "PATCH", pattern: "/applications/{name}/keys/{id}", perm: model.PermApps, summary: "Disable or enable an API key ({\"status\":\"disabled\"})", in: typeOf[keyPatch](), out: typeOf[model.APIKey](), status: ok, h: s.patchKey},
		{method: "DELETE", pattern: "/applications/{name}/keys/{id}", perm: model.PermApps, summary: "Revoke an API key", status: none, h: s.deleteKey},
		{method: "GET", pattern: "/applications/{name}/subscriptions", perm: model.PermRead, summary: "List an application's subscriptions", out: typeOf[model.Subscription](), list: true, status: ok, h: s.listSubscriptions},
		{method: "POST", pattern: "/applications/{name}/subscriptions", perm: model.PermApps, summary: "Subscribe the application to an API (every version, or one) under a plan (201 new; 200 changed or unchanged)", in: typeOf[model.Subscription](), out: typeOf[store.ApplyResult](), status: created, also: []int{ok}, h: s.subscribe},
		{method: "DELETE", pattern: "/applications/{name}/subscriptions/{api}", perm: model.PermApps, summary: "End a subscription (?version= for a one-version subscription)", query: []param{{"version", "string", "the subscription's API version, if it has one"}}, status: none, h: s.unsubscribe},

		{method: "GET", pattern: "/plans", perm: model.PermRead, summary: "List plans by name", query: pageParams, out: typeOf[model.Plan](), list: true, status: ok, h: s.listPlans},
		{method: "POST", pattern: "/plans", perm: model.PermApps, summary: "Create a plan (409 if it exists)", in: typeOf[model.Plan](), out: typeOf[model.Plan](), status: created, h: s.createPlan},
		{method: "GET", pattern: "/plans/{name}", perm: model.PermRead, summary: "Get a plan", out: typeOf[model.Plan](), status: ok, h: s.getPlan},
		{method: "PUT", pattern: "/plans/{name}", perm: model.PermApps, summary: "Create or update a plan; ?dryRun=true only says what would change", query: []param{{"dryRun", "boolean", "save nothing"}}, in: typeOf[model.Plan](), out: typeOf[store.ApplyResult](), status: ok, h: s.putPlan},
		{method: "DELETE", pattern: "/plans/{name}", perm: model.PermApps, summary: "Delete a plan (409 while a subscription uses it)", status: none, h: s.deletePlan},
		{method: "GET", pattern: "/consumers", perm: model.PermRead, summary: "List API users (consumers) by name, without secrets", query: withPage(param{"environment", "string", "only the consumers this environment knows"}), out: typeOf[model.ConsumerView](), list: true, status: ok, h: s.listConsumers},
		{method: "POST", pattern: "/consumers", perm: model.PermConsumers, summary: "Create an API user (409 if it exists); generateToken answers a token once", in: typeOf[consumerRequest](), out: typeOf[model.ConsumerView](), status: created, h: s.createConsumer},
		{method: "GET", pattern: "/consumers/{name}", perm: model.PermRead, summary: "Get an API user, without secrets", out: typeOf[model.ConsumerView](), status: ok, h: s.getConsumer},
		{method: "PUT", pattern: "/consumers/{name}", perm: model.PermConsumers, summary: "Create or replace an API user; credentials left out are kept", in: typeOf[consumerRequest](), out: typeOf[model.ConsumerView](), status: ok, also: []int{created}, h: s.putConsumer},
		{method: "DELETE", pattern: "/consumers/{name}", perm: model.PermConsumers, summary: "Delete an API user", status: none, h: s.deleteConsumer},
		{method: "POST", pattern: "/consumers/{name}/tokens", perm: model.PermConsumers, summary: "Generate a token (API key) for an API user, shown this once", out: typeOf[model.ConsumerView](), status: created, h: s.createConsumerToken},
		{method: "DELETE", pattern: "/consumers/{name}/tokens/{id}", perm: model.PermConsumers, summary: "Revoke an API user's token by its id", status: none, h: s.deleteConsumerToken},
		{method: "GET", pattern: "/audit", perm: model.PermAudit, summary: "The audit log of changes, newest first", query: auditParams, out: typeOf[model.AuditEntry](), list: true, status: ok, h: s.listAudit},

		{method: "GET", pattern: "/health", auth: authNone, summary: "Liveness and store reachability (503 when the store does not answer)", out: typeOf[health](), status: ok, h: s.health},
		{method: "GET", pattern: "/version", auth: authNone, summary: "The server's version", out: typeOf[versionInfo](), status: ok, h: s.versionInfo},
		{method: "GET", pattern: "/openapi.json", auth: authNone, summary: "This document", status: ok, h: s.openAPI},
	}
}
