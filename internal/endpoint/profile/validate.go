package profile

import (
	"errors"
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Violation is one place where a document breaks its profile.
type Violation struct {
	// Pointer is the RFC 6901 JSON pointer of the failing value ("" is the
	// document itself).
	Pointer string `json:"pointer"`
	Message string `json:"message"`
}

// ValidationError lists the violations of one document, first the
// shallowest, so that Error names the most useful one.
type ValidationError struct {
	Violations []Violation
}

// Error implements the error interface.
func (e *ValidationError) Error() string {
	if len(e.Violations) == 0 {
		return "document does not match its profile"
	}
	v := e.Violations[0]
	p := v.Pointer
	if p == "" {
		p = "/"
	}
	return fmt.Sprintf("%s: %s", p, v.Message)
}

// Prefixed returns a copy whose pointers start with prefix, used to place
// one element's errors inside a multi-document body ("/2/email").
func (e *ValidationError) Prefixed(prefix string) *ValidationError {
	out := &ValidationError{Violations: make([]Violation, len(e.Violations))}
	for i, v := range e.Violations {
		out.Violations[i] = Violation{Pointer: prefix + v.Pointer, Message: v.Message}
	}
	return out
}

// printer renders library messages; it is read-only after creation.
var printer = message.NewPrinter(language.English)

// maxViolations bounds the list a hostile document could make very long.
const maxViolations = 20

// Validate checks doc, a JSON value as encoding/json or the endpoint decoder
// produce it, and returns a *ValidationError when it breaks the profile. A
// nil Profile accepts everything.
func (p *Profile) Validate(doc any) error {
	if p == nil {
		return nil
	}
	err := p.schema.Validate(doc)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		// Validate only fails with a ValidationError, or with an
		// InvalidJSONTypeError for a Go value that is not JSON.
		return &ValidationError{Violations: []Violation{{Message: err.Error()}}}
	}
	out := &ValidationError{}
	collect(ve, out)
	return out
}

// collect gathers the leaves of the library's error tree: the inner nodes
// only say "allOf failed" or "properties failed".
func collect(e *jsonschema.ValidationError, out *ValidationError) {
	if len(out.Violations) >= maxViolations {
		return
	}
	if req, ok := e.ErrorKind.(*kind.Required); ok {
		// A missing property is best located where it should be.
		base := pointer(e.InstanceLocation)
		for _, m := range req.Missing {
			out.Violations = append(out.Violations, Violation{Pointer: base + pointer([]string{m}), Message: "is required"})
		}
		return
	}
	if len(e.Causes) == 0 {
		out.Violations = append(out.Violations, Violation{
			Pointer: pointer(e.InstanceLocation),
			Message: e.ErrorKind.LocalizedString(printer),
		})
		return
	}
	for _, c := range e.Causes {
		collect(c, out)
	}
}

// pointer builds an RFC 6901 pointer from unescaped tokens.
func pointer(tokens []string) string {
	var sb strings.Builder
	for _, t := range tokens {
		sb.WriteByte('/')
		t = strings.ReplaceAll(t, "~", "~0")
		sb.WriteString(strings.ReplaceAll(t, "/", "~1"))
	}
	return sb.String()
}
