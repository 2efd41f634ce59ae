package platform

import (
	"fmt"
	"strings"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/spec/openapi"
	"github.com/portico-dev/portico/internal/spec/wsdl"
)

// SOAP prefixes of the runtime (soap.Prefix11 and soap.Prefix12 of
// internal/endpoint/soap; a test keeps them equal).
const (
	soap11Prefix = "/ws/soap"
	soap12Prefix = "/ws/soap12"
)

// apiWSDL serves the WSDL 1.1 of an API's SOAP operations: always one
// self-contained file, since the platform serves no schema beside it. An
// uploaded WSDL is served as uploaded.
func (s *Server) apiWSDL(c *call) (*reply, error) {
	ac, err := s.resolveAPIContract(c.r.Context(), c.r)
	if err != nil {
		return nil, err
	}
	if ac.spec.SOAP == nil || len(ac.spec.SOAP.Operations) == 0 {
		return nil, fmt.Errorf("%w: api/%s declares no SOAP operations", model.ErrNotFound, ac.name)
	}
	svc, err := wsdl.Describe(ac.name, ac.spec, ac.processes)
	if err != nil {
		return nil, fmt.Errorf("%w: the WSDL of api/%s cannot be generated: %v", model.ErrInvalid, ac.name, err)
	}
	doc, err := svc.Render()
	if err != nil {
		return nil, fmt.Errorf("%w: the WSDL of api/%s cannot be generated: %v", model.ErrInvalid, ac.name, err)
	}
	tail := "/" + strings.Trim(ac.spec.BasePath, "/") + "/" + ac.spec.Version
	// Without a public address the addresses are the runtime paths,
	// relative to the host that answered, as in openapi.json.
	addr11, addr12 := soap11Prefix+tail, soap12Prefix+tail
	if ac.publicURL != "" {
		addr11 = openapi.ServersFromRequest(c.r, addr11, ac.publicURL)[0]
		addr12 = openapi.ServersFromRequest(c.r, addr12, ac.publicURL)[0]
	}
	return ok(rawBody{contentType: "text/xml; charset=utf-8", body: doc.WSDL(addr11, addr12, "", true)})
}
