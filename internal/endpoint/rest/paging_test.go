package rest_test

import (
	"regexp"
	"strings"
	"testing"
)

var linkRE = regexp.MustCompile(`^<([^>]+)>; rel="next"$`)

// next returns the Link target and checks it agrees with X-More-Data-Token.
func next(t *testing.T, a answer) string {
	t.Helper()
	link := a.header.Get("Link")
	if link == "" {
		if tok := a.header.Get("X-More-Data-Token"); tok != "" {
			t.Fatalf("X-More-Data-Token %q without a Link", tok)
		}
		return ""
	}
	m := linkRE.FindStringSubmatch(link)
	if m == nil {
		t.Fatalf("Link = %q, want <url>; rel=\"next\"", link)
	}
	if tok := a.header.Get("X-More-Data-Token"); !strings.HasSuffix(m[1], "moreDataToken="+tok) {
		t.Fatalf("Link %q does not carry X-More-Data-Token %q", link, tok)
	}
	return m[1]
}

func TestPagingFollowsLinks(t *testing.T) {
	t.Parallel()
	base := newServer(t)
	want := []string{`[{"n":0},{"n":1}]`, `[{"n":2},{"n":3}]`, `[{"n":4}]`}
	url := "/ws/rest/shop/v1/list?b=2&a=1"
	for i, w := range want {
		if url == "" {
			t.Fatalf("page %d: no Link on the previous page", i)
		}
		a := do(t, "GET", base+url, nil, "", false)
		if a.status != 200 || strings.TrimSpace(string(a.body)) != w {
			t.Fatalf("page %d: %d %s, want 200 %s", i, a.status, a.body, w)
		}
		url = next(t, a)
		if url != "" && !strings.HasPrefix(url, "/ws/rest/shop/v1/list?a=1&b=2&moreDataToken=") {
			t.Fatalf("page %d: Link %q lost the query", i, url)
		}
	}
	if url != "" {
		t.Fatalf("last page has a Link %q", url)
	}
}

func TestPagingRefusesForeignTokens(t *testing.T) {
	t.Parallel()
	base := newServer(t)
	first := do(t, "GET", base+"/ws/rest/shop/v1/list?a=1", nil, "", false)
	tok := first.header.Get("X-More-Data-Token")
	if tok == "" {
		t.Fatal("no token on the first page")
	}
	flip := []byte(tok)
	flip[len(flip)-1] ^= 1
	flip0 := []byte(tok)
	if flip0[0] == 'A' {
		flip0[0] = 'B'
	} else {
		flip0[0] = 'A'
	}
	cases := []struct {
		name, url string
		status    int
	}{
		{"same request", "/ws/rest/shop/v1/list?a=1&moreDataToken=" + tok, 200},
		{"mac changed", "/ws/rest/shop/v1/list?a=1&moreDataToken=" + string(flip), 400},
		{"offset changed", "/ws/rest/shop/v1/list?a=1&moreDataToken=" + string(flip0), 400},
		{"other query", "/ws/rest/shop/v1/list?a=2&moreDataToken=" + tok, 400},
		{"no query", "/ws/rest/shop/v1/list?moreDataToken=" + tok, 400},
		{"other path", "/ws/rest/shop/v1/customers/1?a=1&moreDataToken=" + tok, 400},
		{"garbage", "/ws/rest/shop/v1/list?a=1&moreDataToken=%21%21", 400},
		{"truncated", "/ws/rest/shop/v1/list?a=1&moreDataToken=" + tok[:len(tok)-2], 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			a := do(t, "GET", base+c.url, nil, "", false)
			if a.status != c.status {
				t.Fatalf("status = %d, want %d; body %s", a.status, c.status, a.body)
			}
			if c.status == 400 {
				if got, _ := at(a.body, "/detail"); got != "moreDataToken is not valid for this request" {
					t.Errorf("detail = %v", got)
				}
			}
		})
	}
}
