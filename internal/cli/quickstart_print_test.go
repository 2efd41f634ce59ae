package cli

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/scaffold/sample"
	"github.com/portico-dev/portico/internal/store"
)

func TestShellQuote(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"http://127.0.0.1:9090/ws/rest/erp/v1/customers/1", "http://127.0.0.1:9090/ws/rest/erp/v1/customers/1"},
		{"http://h/x?a=1&b=2", "'http://h/x?a=1&b=2'"},
		{`{"name":"O'Brien"}`, `'{"name":"O'\''Brien"}'`},
		{"", "''"},
		{"a b", "'a b'"},
	} {
		if got := shellQuote(tc.in); got != tc.want {
			t.Errorf("shellQuote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// The printed lines are what a shell turns back into the intended
// arguments: run through sh, each word comes out as it went in.
func TestCurlLinesSurviveTheShell(t *testing.T) {
	t.Parallel()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on this machine to check the quoting with")
	}
	rep := &sampleReport{examples: &sample.Examples{CustomerID: 1, Country: "DE", OrderID: 7, NextCustomerID: 151, NewEmail: "ada.lovelace2@example.com"}}
	lines := curlLines("http://127.0.0.1:9090/ws/rest/erp/v1", rep)
	if len(lines) != 6 {
		t.Fatalf("%d lines", len(lines))
	}
	want := [][]string{
		{"curl", "http://127.0.0.1:9090/ws/rest/erp/v1/customers?country=DE&limit=5"},
		{"curl", "http://127.0.0.1:9090/ws/rest/erp/v1/customers/1"},
		{"curl", "-X", "POST", "-H", "Content-Type: application/json", "-d",
			`{"name":"Ada Lovelace","company":"Analytical Engines Ltd","email":"ada.lovelace2@example.com","city":"London","country":"GB"}`,
			"http://127.0.0.1:9090/ws/rest/erp/v1/customers"},
		{"curl", "-X", "PATCH", "-H", "Content-Type: application/json", "-d", `{"city":"Cambridge","phone":"+44 1223 760000"}`,
			"http://127.0.0.1:9090/ws/rest/erp/v1/customers/151"},
		{"curl", "-X", "DELETE", "http://127.0.0.1:9090/ws/rest/erp/v1/customers/151"},
		{"curl", "http://127.0.0.1:9090/ws/rest/erp/v1/order_lines?order_id=7"},
	}
	for i, l := range lines {
		// printf prints each argument on its own line; "curl" is the first word.
		out, err := exec.Command(sh, "-c", "printf '%s\\n' "+l).Output()
		if err != nil {
			t.Fatalf("sh -c %q: %v", l, err)
		}
		got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		if strings.Join(got, "\x00") != strings.Join(want[i], "\x00") {
			t.Errorf("line %d: %s\nthe shell reads %q\nwant %q", i, l, got, want[i])
		}
	}
}

func TestApplySummary(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   []store.ApplyAction
		want string
	}{
		{nil, "nothing applied"},
		{[]store.ApplyAction{store.Created, store.Created}, "2 created"},
		{[]store.ApplyAction{store.Unchanged, store.Created, store.Unchanged}, "1 created, 2 unchanged"},
	} {
		var res []store.ApplyResult
		for _, a := range tc.in {
			res = append(res, store.ApplyResult{Action: a})
		}
		if got := applySummary(res); got != tc.want {
			t.Errorf("applySummary(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
