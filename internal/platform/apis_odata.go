package platform

import (
	"fmt"
	"strings"

	"github.com/portico-dev/portico/internal/endpoint/odata/query"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/spec/csdl"
)

// apiMetadata answers the OData $metadata of an API: CSDL XML, or CSDL JSON
// with ?$format=json (or ?format=json), as the runtime serves it.
func (s *Server) apiMetadata(c *call) (*reply, error) {
	ac, err := s.resolveAPIContract(c.r.Context(), c.r)
	if err != nil {
		return nil, err
	}
	if ac.spec.OData == nil || len(ac.spec.OData.EntitySets) == 0 {
		return nil, fmt.Errorf("%w: api/%s declares no OData entity set", model.ErrNotFound, ac.name)
	}
	svc, err := query.NewService(ac.spec.OData)
	if err != nil {
		return nil, fmt.Errorf("%w: the $metadata of api/%s cannot be generated: %v", model.ErrInvalid, ac.name, err)
	}
	q := c.r.URL.Query()
	format := strings.ToLower(q.Get("$format") + q.Get("format"))
	if format == "json" || strings.HasPrefix(format, "application/json") {
		body, err := csdl.JSON(svc)
		if err != nil {
			return nil, err
		}
		return ok(rawBody{contentType: "application/json", body: body})
	}
	body, err := csdl.XML(svc)
	if err != nil {
		return nil, err
	}
	return ok(rawBody{contentType: "application/xml", body: body})
}
