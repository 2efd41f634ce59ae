package cli

import (
	"strings"

	"github.com/portico-dev/portico/internal/model"
)

// resource is what `get` and `delete` act on.
type resource int

// The resources of get and delete.
const (
	resComponent resource = iota // one kind, or every kind when the kind is ""
	resEnvironment
	resPackage
	resDeployment
	resUser
	resToken
	resConsumer
	resRevision
	resPlan
	resApplication
)

// resourceNames lists what KIND may be, for messages.
const resourceNames = "connection(s), process(es), api(s), proxy/proxies, components, environment(s), package(s), deployment(s), user(s), token(s), consumer(s), revisions, plan(s), application(s)/app(s)"

// parseResource reads the KIND argument of get and delete, in the singular or
// the plural, in any case.
func parseResource(s string) (resource, model.Kind, error) {
	switch strings.ToLower(s) {
	case "component", "components", "all":
		return resComponent, "", nil
	case "environment", "environments", "env", "envs":
		return resEnvironment, "", nil
	case "package", "packages", "pkg", "pkgs":
		return resPackage, "", nil
	case "deployment", "deployments":
		return resDeployment, "", nil
	case "user", "users":
		return resUser, "", nil
	case "token", "tokens":
		return resToken, "", nil
	case "consumer", "consumers", "api-user", "api-users":
		return resConsumer, "", nil
	case "revision", "revisions", "rev", "revs":
		return resRevision, "", nil
	case "plan", "plans":
		return resPlan, "", nil
	case "application", "applications", "app", "apps":
		return resApplication, "", nil
	}
	k, err := model.ParseKind(s)
	if err != nil {
		return 0, "", usagef("unknown kind %q (want %s)", s, resourceNames)
	}
	return resComponent, k, nil
}
