package codec

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/portico-dev/portico/internal/endpoint/problem"
)

// Body types, as model.BodyTypes spells them.
const (
	None      = "none"
	JSON      = "json"
	MultiJSON = "multijson"
	XML       = "xml"
	Text      = "text"
	Binary    = "binary"
)

// DefaultMaxBody is the request body limit when none is configured.
const DefaultMaxBody = 10 << 20

// ReadRequest reads the body of r as the documents of body type typ; split
// reports that a multijson array was split, so that a failure in one element
// can be located as "/{index}/...".
// Failures are *problem.Problem values ready to be written: 400 (bad body),
// 413 (over max bytes, chunked bodies included) and 415 (media type).
//
// Conventions: none refuses any body; json is one document; multijson
// splits a top-level array into one document per element (anything else is
// one document); xml and text hand the body over as one string document;
// binary as one base64 (standard, padded) string document.
func ReadRequest(w http.ResponseWriter, r *http.Request, typ string, max int64) (docs []any, split bool, err error) {
	if max <= 0 {
		max = DefaultMaxBody
	}
	if r.ContentLength > max {
		return nil, false, tooLarge(max)
	}
	ct := r.Header.Get("Content-Type")
	if ct != "" && !mediaTypeFits(typ, ct) {
		return nil, false, problem.New(http.StatusUnsupportedMediaType, fmt.Sprintf("Content-Type %q is not accepted here; send %s", ct, wantMedia(typ)))
	}
	if r.Body == nil || r.Body == http.NoBody {
		// The server's way of saying "no body": skip the read buffer.
		if typ == None {
			return nil, false, nil
		}
		return nil, false, problem.New(http.StatusBadRequest, fmt.Sprintf("a request body is required (%s)", wantMedia(typ)))
	}
	body := http.MaxBytesReader(w, r.Body, max)
	if typ == None {
		// One byte is enough to know a body was sent.
		var b [1]byte
		if n, _ := io.ReadFull(body, b[:]); n > 0 {
			return nil, false, problem.New(http.StatusBadRequest, "this endpoint takes no request body")
		}
		return nil, false, nil
	}
	data, err := io.ReadAll(body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, false, tooLarge(max)
		}
		return nil, false, problem.New(http.StatusBadRequest, "the request body could not be read")
	}
	if len(data) == 0 {
		return nil, false, problem.New(http.StatusBadRequest, fmt.Sprintf("a request body is required (%s)", wantMedia(typ)))
	}
	if ct == "" && (typ == JSON || typ == MultiJSON) {
		return nil, false, problem.New(http.StatusUnsupportedMediaType, "Content-Type is missing; send application/json")
	}
	switch typ {
	case JSON, MultiJSON:
		doc, err := DecodeJSON(data)
		if err != nil {
			return nil, false, problem.New(http.StatusBadRequest, err.Error())
		}
		if arr, ok := doc.([]any); ok && typ == MultiJSON {
			return arr, true, nil
		}
		return []any{doc}, false, nil
	case XML, Text:
		if !utf8.Valid(data) {
			return nil, false, problem.New(http.StatusBadRequest, "the request body is not valid UTF-8")
		}
		return []any{string(data)}, false, nil
	case Binary:
		return []any{base64.StdEncoding.EncodeToString(data)}, false, nil
	}
	return nil, false, fmt.Errorf("codec: unknown body type %q", typ)
}

func tooLarge(max int64) *problem.Problem {
	return problem.New(http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than %d bytes", max))
}

// mediaTypeFits checks Content-Type strictly for JSON (application/json or
// any +json type) and loosely for the others: XML wants something naming
// xml, text any text/* type, binary anything.
func mediaTypeFits(typ, ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return typ == Binary
	}
	switch typ {
	case JSON, MultiJSON:
		return mt == "application/json" || strings.HasSuffix(mt, "+json")
	case XML:
		return strings.HasSuffix(mt, "/xml") || strings.HasSuffix(mt, "+xml")
	case Text:
		return strings.HasPrefix(mt, "text/")
	}
	// none accepts any declared type so that an empty body with a stray
	// Content-Type is not refused; binary takes everything.
	return true
}

func wantMedia(typ string) string {
	switch typ {
	case JSON, MultiJSON:
		return "application/json"
	case XML:
		return "application/xml"
	case Text:
		return "text/plain"
	case Binary:
		return "application/octet-stream"
	}
	return "no body"
}
