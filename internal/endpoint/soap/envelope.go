package soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Envelope namespaces.
const (
	NS11  = "http://schemas.xmlsoap.org/soap/envelope/"
	NS12  = "http://www.w3.org/2003/05/soap-envelope"
	nsXSI = "http://www.w3.org/2001/XMLSchema-instance"
)

// Limits of a request document, besides the body size.
const (
	// MaxDepth bounds element nesting: the envelope, body and operation
	// take three levels, the document the rest.
	MaxDepth = 64
	// MaxElements bounds the elements of one request.
	MaxElements = 100_000
)

// node is one element of a parsed request: a small tree built once, so
// that the operation's types can walk it in any order.
type node struct {
	space, local string
	attrs        []xml.Attr
	text         string
	children     []*node
}

// attr returns the value of the attribute space:local, or "".
func (n *node) attr(space, local string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Local == local && a.Name.Space == space {
			return a.Value, true
		}
	}
	return "", false
}

// errDTD refuses a document type declaration: no entity is ever declared,
// let alone expanded (XXE, billion laughs).
var errDTD = errors.New("DTDs and entity declarations are not accepted")

// parseError is a request that is not well-formed XML, or breaks a limit.
type parseError struct{ msg string }

func (e *parseError) Error() string { return e.msg }

// parse reads one XML document into a tree. It refuses DTDs (any
// directive), non-UTF-8 encodings, documents deeper than MaxDepth or with
// more than MaxElements elements, and anything after the root element.
func parse(data []byte) (*node, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.CharsetReader = func(charset string, _ io.Reader) (io.Reader, error) {
		return nil, fmt.Errorf("encoding %q is not accepted; send UTF-8", charset)
	}
	var root *node
	var stack []*node
	var text strings.Builder
	count := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &parseError{"the request is not well-formed XML: " + strings.TrimPrefix(err.Error(), "XML syntax error ")}
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, &parseError{errDTD.Error()}
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				return nil, &parseError{"the request has more than one root element"}
			}
			if len(stack) >= MaxDepth {
				return nil, &parseError{fmt.Sprintf("the request nests elements deeper than %d levels", MaxDepth)}
			}
			if count++; count > MaxElements {
				return nil, &parseError{fmt.Sprintf("the request has more than %d elements", MaxElements)}
			}
			n := &node{space: t.Name.Space, local: t.Name.Local, attrs: t.Attr}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else {
				root = n
			}
			stack = append(stack, n)
			text.Reset()
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, &parseError{"the request has text outside its root element"}
				}
				continue
			}
			text.Write(t)
		case xml.EndElement:
			n := stack[len(stack)-1]
			if len(n.children) == 0 {
				n.text = text.String()
			}
			text.Reset()
			stack = stack[:len(stack)-1]
		}
	}
	if root == nil {
		return nil, &parseError{"the request body holds no XML element"}
	}
	return root, nil
}

// envelope is a parsed SOAP request.
type envelope struct {
	version string // "1.1" or "1.2", by the envelope's namespace
	header  *node
	body    *node
}

// faultError is a request refused with a fault code of its own.
type faultError struct {
	code string // codeClient, codeVersionMismatch, codeMustUnderstand
	msg  string
}

func (e *faultError) Error() string { return e.msg }

// Fault codes, named as SOAP 1.1 does; SOAP 1.2 spells Client Sender and
// Server Receiver.
const (
	codeClient          = "Client"
	codeServer          = "Server"
	codeVersionMismatch = "VersionMismatch"
	codeMustUnderstand  = "MustUnderstand"
)

// readEnvelope checks the structure of a SOAP envelope of the version the
// endpoint serves.
func readEnvelope(root *node, want string) (*envelope, error) {
	if root.local != "Envelope" {
		return nil, &faultError{codeClient, fmt.Sprintf("the request is not a SOAP envelope (root element %s)", qname(root))}
	}
	env := &envelope{}
	switch root.space {
	case NS11:
		env.version = "1.1"
	case NS12:
		env.version = "1.2"
	default:
		return nil, &faultError{codeVersionMismatch, fmt.Sprintf("the envelope namespace %q is not SOAP %s's (%s)", root.space, want, nsOf(want))}
	}
	if env.version != want {
		return nil, &faultError{codeVersionMismatch, fmt.Sprintf("a SOAP %s envelope was sent to the SOAP %s endpoint; send it to /ws/%s/...", env.version, want, pathOf(env.version))}
	}
	ns := root.space
	for i, c := range root.children {
		switch {
		case c.space == ns && c.local == "Header" && i == 0 && env.body == nil:
			env.header = c
		case c.space == ns && c.local == "Body" && env.body == nil:
			env.body = c
		default:
			return nil, &faultError{codeClient, fmt.Sprintf("unexpected element %s in the envelope (want an optional Header, then Body)", qname(c))}
		}
	}
	if env.body == nil {
		return nil, &faultError{codeClient, "the envelope has no Body"}
	}
	if env.header != nil {
		for _, h := range env.header.children {
			if v, _ := h.attr(ns, "mustUnderstand"); v == "1" || v == "true" {
				return nil, &faultError{codeMustUnderstand, fmt.Sprintf("header %s is marked mustUnderstand and is not understood here", qname(h))}
			}
		}
	}
	if len(env.body.children) != 1 {
		return nil, &faultError{codeClient, fmt.Sprintf("the Body must hold exactly one operation element (found %d)", len(env.body.children))}
	}
	return env, nil
}

func nsOf(version string) string {
	if version == "1.2" {
		return NS12
	}
	return NS11
}

func pathOf(version string) string {
	if version == "1.2" {
		return "soap12"
	}
	return "soap"
}

func qname(n *node) string {
	if n.space == "" {
		return n.local
	}
	return "{" + n.space + "}" + n.local
}
