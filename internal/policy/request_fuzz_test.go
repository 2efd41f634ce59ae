package policy

import (
	"bufio"
	"net/http"
	"path"
	"strings"
	"testing"
)

// FuzzCheckRequest: a request target the checks let through has a path that
// path.Clean leaves alone (a trailing slash aside), so the router cannot
// clean it into another API than the one the policies saw, and its raw form
// encodes no separator.
func FuzzCheckRequest(f *testing.F) {
	for _, s := range []string{
		"/ws/rest/erp/v1/x", "/ws/rest/erp/v1/../hr", "/ws/rest/erp/v1/%2e%2e/hr", "/ws//rest", "/ws/rest/erp%2fv1",
		"/ws/rest/erp/v1/..%5chr", "/ws/rest/erp/v1/./x", "/ws/rest/erp/v1/", "/a%2E%2E/b", "/ws/rest/%252e%252e/x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, target string) {
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n")))
		if err != nil || checkRequest(r) != nil {
			return
		}
		p := r.URL.Path
		if c := path.Clean(p); c != p && c+"/" != p {
			t.Fatalf("%q passed the checks but cleans to %q", p, c)
		}
		raw := strings.ToLower(r.URL.EscapedPath())
		for _, enc := range []string{"%2f", "%5c", "%2e"} {
			if strings.Contains(raw, enc) {
				t.Fatalf("%q passed the checks with %s in it", raw, enc)
			}
		}
	})
}
