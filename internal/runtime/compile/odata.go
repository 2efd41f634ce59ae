package compile

import (
	"fmt"
	"net/http"

	"github.com/portico-dev/portico/internal/connector/sqldb"
	"github.com/portico-dev/portico/internal/endpoint/odata"
	"github.com/portico-dev/portico/internal/model"
)

// odataStyle serves the OData entity sets of deployed APIs under /ws/odata.
type odataStyle struct {
	c        *Compiler
	services []*odata.Service
}

func newODataStyle(c *Compiler, _ *model.Snapshot) *odataStyle { return &odataStyle{c: c} }

func (s *odataStyle) add(u *unit) error {
	spec, ok := u.root.Spec.(*model.APISpec)
	if !ok || spec.OData == nil || len(spec.OData.EntitySets) == 0 {
		return nil
	}
	dbs := map[string]*sqldb.DB{}
	for _, es := range spec.OData.EntitySets {
		if es.Connection == "" || dbs[es.Connection] != nil {
			continue
		}
		comp := connectionOf(u.deployment, es.Connection)
		if comp == nil {
			return fmt.Errorf("%w: odata entity set %s: connection %q is not in the package", model.ErrInvalid, es.Name, es.Connection)
		}
		cs := comp.Spec.(*model.ConnectionSpec)
		if cs.Type != model.ConnectionDatabase {
			return fmt.Errorf("%w: odata entity set %s: connection %q is a %s connection, not database", model.ErrInvalid, es.Name, es.Connection, cs.Type)
		}
		db, err := u.lease.database(u.ctx, comp.Hash, cs.Database)
		if err != nil {
			return fmt.Errorf("connection %s: %w", es.Connection, err)
		}
		dbs[es.Connection] = db
	}
	opts := withPrefix(u.opts, odata.DefaultPrefix)
	opts.API, opts.APIVersion = u.root.Name, spec.Version
	svc, err := odata.Compile(odata.Input{Name: u.root.Name, API: spec, DBs: dbs, Procs: u.pkg.procs}, opts)
	if err != nil {
		return err
	}
	s.services = append(s.services, svc)
	return nil
}

// connectionOf finds a connection component of the deployment's package.
func connectionOf(d *model.SnapshotDeployment, name string) *model.Component {
	for i := range d.Components {
		c := &d.Components[i]
		if _, ok := c.Spec.(*model.ConnectionSpec); ok && c.Name == name {
			return c
		}
	}
	return nil
}

func (s *odataStyle) mount(mux *http.ServeMux) error {
	mux.Handle(odata.DefaultPrefix+"/", odata.NewRouter(odata.DefaultPrefix, s.services))
	return nil
}
