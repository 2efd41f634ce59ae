package manifest

import (
	"encoding/json"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"

	"github.com/portico-dev/portico/internal/model"
)

// userDoc is a `kind: User` document: an API user.
type userDoc struct {
	Kind        string             `json:"kind"`
	Name        string             `json:"name"`
	Description string             `json:"description,omitempty"`
	Spec        model.ConsumerSpec `json:"spec"`
}

// decodeUser reads an API user document. Its password's strength is checked
// by the control plane, which hashes it.
func decodeUser(body ast.Node) (Document, error) {
	var u userDoc
	if err := strictDecode(body, &u); err != nil {
		return Document{}, err
	}
	doc := &model.ConsumerDoc{Name: u.Name, Description: u.Description, Spec: u.Spec}
	if err := doc.Validate(); err != nil {
		return Document{}, err
	}
	return Document{User: doc}, nil
}

// EncodeUser writes an API user as an apply-able YAML document; the view
// holds no secret, and applying the document keeps the user's credentials.
func EncodeUser(v *model.ConsumerView) ([]byte, error) {
	b, err := json.Marshal(userDoc{Kind: "User", Name: v.Name, Description: v.Description, Spec: v.Spec})
	if err != nil {
		return nil, err
	}
	return yaml.JSONToYAML(b)
}
