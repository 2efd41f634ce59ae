package model

// ODataSpec exposes an API's entity sets as an OData v4 service.
type ODataSpec struct{}

// empty reports whether the spec declares no entity set (nil included).
func (s *ODataSpec) empty() bool { return s == nil }

// validate adds the spec's problems to e; a nil spec has none.
func (s *ODataSpec) validate(e *errs) {
	if s == nil {
		return
	}
}

// references lists the components the entity sets use.
func (s *ODataSpec) references() []Ref { return nil }
