package compile

import (
	"net/http"

	"github.com/portico-dev/portico/internal/endpoint/soap"
	"github.com/portico-dev/portico/internal/model"
)

// soapStyle serves the SOAP operations of every deployed API under
// /ws/soap (1.1) and /ws/soap12 (1.2), each with its WSDL.
type soapStyle struct {
	c         *Compiler
	publicURL string
	apis      []*soap.API
}

func newSOAPStyle(c *Compiler, snap *model.Snapshot) *soapStyle {
	return &soapStyle{c: c, publicURL: snap.Spec.PublicURL}
}

func (s *soapStyle) add(u *unit) error {
	spec, ok := u.root.Spec.(*model.APISpec)
	if !ok || spec.SOAP == nil || len(spec.SOAP.Operations) == 0 {
		return nil
	}
	opts := withPrefix(u.opts, soap.Prefix11)
	opts.API, opts.APIVersion = u.root.Name, spec.Version
	api, err := soap.Compile(u.root.Name, spec, u.pkg.procs, opts, s.publicURL)
	if err != nil {
		return err
	}
	s.apis = append(s.apis, api)
	return nil
}

func (s *soapStyle) mount(mux *http.ServeMux) error {
	if len(s.apis) == 0 {
		return nil
	}
	rt, err := soap.NewRouter(s.apis)
	if err != nil {
		return err
	}
	mux.Handle(soap.Prefix11+"/", rt)
	mux.Handle(soap.Prefix12+"/", rt)
	return nil
}
