package soap_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzRequest sends arbitrary bodies through the whole decoding path:
// every answer is a 200 with a response or a well-formed SOAP Fault, and
// no entity is ever expanded.
func FuzzRequest(f *testing.F) {
	for _, seed := range []string{
		env11(`<echoItem xmlns="urn:test:shop"><n>1</n><tags>a</tags><address><city>x</city></address></echoItem>`),
		env12(`<getItem xmlns="urn:test:shop"><id>7</id><limit>2</limit></getItem>`),
		env11(`<echoItem xmlns="urn:test:shop" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><n>1</n><note i:nil="true"/></echoItem>`),
		billionLaughs,
		xxe,
		`<a><b></a>`,
		`<?xml version="1.0" encoding="UTF-16"?><a/>`,
		env11(strings.Repeat("<x>", 80) + strings.Repeat("</x>", 80)),
		"",
	} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	h := newHandler(f, &records{})
	f.Fuzz(func(t *testing.T, body string, v12 bool) {
		url, ct := "/ws/soap/shop/v1", "text/xml"
		if v12 {
			url, ct = "/ws/soap12/shop/v1", "application/soap+xml"
		}
		r := httptest.NewRequest(http.MethodPost, url, strings.NewReader(body))
		r.Header.Set("Content-Type", ct)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		out := w.Body.Bytes()
		switch {
		case w.Code == http.StatusOK:
		case w.Code >= 400 && bytes.Contains(out, []byte(":Fault>")):
		default:
			t.Fatalf("status %d: %s", w.Code, out)
		}
		if strings.Contains(body, "<!ENTITY") && w.Code == http.StatusOK {
			t.Fatalf("a document declaring entities was accepted: %s", out)
		}
		d := xml.NewDecoder(bytes.NewReader(out))
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("the answer is not well-formed XML (%v): %s", err, out)
			}
		}
	})
}
