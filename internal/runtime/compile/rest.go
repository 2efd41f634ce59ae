package compile

import (
	"net/http"

	"github.com/portico-dev/portico/internal/endpoint/rest"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/spec/openapi"
)

// restStyle serves the REST endpoints of every deployed API under /ws/rest,
// each API with its OpenAPI document and docs page.
type restStyle struct {
	c         *Compiler
	publicURL string
	apis      []*rest.API
}

func newRESTStyle(c *Compiler, snap *model.Snapshot) *restStyle {
	return &restStyle{c: c, publicURL: snap.Spec.PublicURL}
}

func (s *restStyle) add(u *unit) error {
	spec, ok := u.root.Spec.(*model.APISpec)
	if !ok || len(spec.Endpoints) == 0 {
		return nil
	}
	aopts := withPrefix(u.opts, rest.DefaultPrefix)
	aopts.API, aopts.APIVersion = u.root.Name, spec.Version
	api, err := rest.Compile(spec, u.pkg.procs, aopts)
	if err != nil {
		return err
	}
	s.mountContract(api, u.root.Name, spec, u.pkg)
	s.apis = append(s.apis, api)
	return nil
}

func (s *restStyle) mount(mux *http.ServeMux) error {
	mux.Handle(rest.DefaultPrefix+"/", rest.NewRouter(s.apis))
	return nil
}

// mountContract serves the API's OpenAPI document and docs page beside its
// endpoints. A contract that cannot be generated is logged and left out:
// the endpoints themselves still serve.
func (s *restStyle) mountContract(api *rest.API, name string, spec *model.APISpec, pkg *compiledPackage) {
	procs := make(map[string]*model.ProcessSpec, len(pkg.procs))
	for n, p := range pkg.procs {
		procs[n] = p.Spec
	}
	h, err := openapi.New(openapi.Input{API: spec, APIName: name, Processes: procs}, api.Root(), s.publicURL)
	if err == nil {
		err = api.Mount(h.Patterns(), h)
	}
	if err != nil {
		s.c.log.Warn("the API's OpenAPI document is not served", "api", name, "version", spec.Version, "err", err)
	}
}
