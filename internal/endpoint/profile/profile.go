// Package profile compiles profiles (JSON Schema, draft 2020-12) once, when a
// snapshot is compiled, and validates documents against them per request.
package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/portico-dev/portico/internal/model"
)

// ErrRemoteRef marks a profile whose $ref (or $schema) points outside the
// profile document: the runtime never fetches schemas from the network or
// the file system.
var ErrRemoteRef = errors.New("profile references a schema outside its document")

// resourceURL names the profile document inside the compiler; refs such as
// "#/$defs/address" resolve against it and anything else — "other.json"
// included, which resolves beside it — is refused.
const resourceURL = "https://profile.portico.invalid/profile.json"

// Profile is a compiled profile. It is immutable and safe for concurrent use.
type Profile struct {
	schema *jsonschema.Schema
}

// Compile compiles a profile. A nil or empty schema yields a nil Profile,
// which accepts every document.
func Compile(schema model.Schema) (*Profile, error) {
	if len(schema) == 0 {
		return nil, nil
	}
	// Round-trip through JSON so that values decoded from YAML (uint64,
	// nested typed maps) reach the compiler as plain JSON values.
	raw, err := json.Marshal(schema)
	if err != nil {
		return nil, fmt.Errorf("profile is not a JSON document: %w", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("profile is not a JSON document: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	// Formats (email, date-time, uuid, ...) are checked: a publisher who
	// writes one in a profile expects the runtime to enforce it.
	c.AssertFormat()
	c.UseLoader(refuseLoader{})
	if err := c.AddResource(resourceURL, doc); err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	sch, err := c.Compile(resourceURL)
	if err != nil {
		var le *jsonschema.LoadURLError
		if errors.As(err, &le) {
			return nil, fmt.Errorf("%w: %s", ErrRemoteRef, le.URL)
		}
		return nil, fmt.Errorf("profile is not a valid JSON Schema: %w", err)
	}
	return &Profile{schema: sch}, nil
}

// refuseLoader refuses every URL the profile document does not hold itself.
type refuseLoader struct{}

func (refuseLoader) Load(url string) (any, error) { return nil, ErrRemoteRef }
