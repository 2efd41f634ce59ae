package compile

import (
	"context"
	"net/http"

	"github.com/portico-dev/portico/internal/endpoint"
	"github.com/portico-dev/portico/internal/model"
)

// style is one way the runtime serves deployments: REST APIs, services
// enablement, SOAP, OData, proxies. Each sees every active deployment of a
// snapshot, takes what is its own, and mounts one handler under its prefix.
// A style is built fresh for every snapshot and never shared between two.
type style interface {
	// add compiles what one deployment contributes to the style; a
	// deployment that is not of the style's kind is ignored.
	add(u *unit) error
	// mount registers the style's handlers once every deployment is added.
	mount(mux *http.ServeMux) error
}

// unit is one active deployment of the snapshot being compiled, with its
// processes compiled.
type unit struct {
	ctx        context.Context
	snap       *model.Snapshot
	deployment *model.SnapshotDeployment
	root       *model.Component
	pkg        *compiledPackage
	// opts are the endpoint options of the snapshot (no prefix, no API).
	opts  endpoint.Options
	lease *lease
}

// styles lists the styles a snapshot is served with, in mount order.
func (c *Compiler) styles(snap *model.Snapshot) []style {
	return []style{
		newRESTStyle(c, snap),
		newSimpleStyle(c),
		newSOAPStyle(c, snap),
		newODataStyle(c, snap),
		newProxyStyle(c, snap),
	}
}
