package openapi

import (
	"bytes"
	"fmt"

	yaml "go.yaml.in/yaml/v4"
)

// jsonToYAML re-renders a JSON document as block YAML in the same member
// order. It goes through go.yaml.in/yaml's node tree (kin-openapi's own
// YAML library) because its emitter quotes every string a YAML reader
// would take for a number, boolean, null or date ("1e3", "2024-01-02"),
// which goccy/go-yaml's JSONToYAML does not.
func jsonToYAML(j []byte) ([]byte, error) {
	var n yaml.Node
	// JSON is YAML: every string keeps its !!str tag from the quotes.
	if err := yaml.Unmarshal(j, &n); err != nil {
		return nil, fmt.Errorf("openapi: yaml: %w", err)
	}
	blockStyle(&n)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return nil, fmt.Errorf("openapi: yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("openapi: yaml: %w", err)
	}
	return b.Bytes(), nil
}

// blockStyle drops the flow and quoting styles the JSON syntax left, so
// the emitter writes block collections and quotes only where needed.
func blockStyle(n *yaml.Node) {
	n.Style = 0
	for _, c := range n.Content {
		blockStyle(c)
	}
}
