package model

// SOAPSpec exposes an API's operations over SOAP 1.1 and/or 1.2, described
// by a generated WSDL.
type SOAPSpec struct{}

// empty reports whether the spec declares no operation (nil included).
func (s *SOAPSpec) empty() bool { return s == nil }

// validate adds the spec's problems to e; a nil spec has none.
func (s *SOAPSpec) validate(e *errs) {
	if s == nil {
		return
	}
}

// references lists the components the operations use.
func (s *SOAPSpec) references() []Ref { return nil }
