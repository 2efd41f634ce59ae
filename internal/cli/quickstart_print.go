package cli

import (
	"fmt"

	"net/url"
	"strings"

	"github.com/portico-dev/portico/internal/store"
)

// printQuickstart prints what quickstart set up, where to find it and
// requests to paste. Every URL is the real address of this run.
func printQuickstart(e *env, s *started, rep *sampleReport) {
	w := e.stdout
	api := s.gatewayURL + "/ws/rest/" + rep.pkg.BasePath + "/" + rep.pkg.APIVersion
	c := rep.counts
	rows := fmt.Sprintf("%d customers, %d products, %d orders, %d order lines", c.Customers, c.Products, c.Orders, c.OrderLines)
	fmt.Fprintln(w, "\nERP sample:")
	if rep.dbCreated {
		fmt.Fprintf(w, "  database    %s: created with %s\n", rep.dbPath, rows)
	} else {
		fmt.Fprintf(w, "  database    %s: already there (%s), left as it is\n", rep.dbPath, rows)
	}
	fmt.Fprintf(w, "  components  connection %s, the CRUD processes of its 4 tables and api %s: %s\n", sampleConnection, sampleAPI, applySummary(rep.applied))
	if len(rep.kept) > 0 {
		names := make([]string, len(rep.kept))
		for i, r := range rep.kept {
			names[i] = r.String()
		}
		fmt.Fprintf(w, "              kept as they are, since they differ from the generated ones: %s\n", strings.Join(names, ", "))
	}
	switch rep.pkgAction {
	case "kept":
		fmt.Fprintf(w, "  package     %s %s exists with other revisions than the current components; kept (packages never change)\n", rep.pkg.Component, rep.pkg.Version)
	default:
		fmt.Fprintf(w, "  package     %s %s %s\n", rep.pkg.Component, rep.pkg.Version, rep.pkgAction)
	}
	fmt.Fprintf(w, "  deployment  %s; the runtime serves snapshot revision %d\n", rep.deployed, rep.revision)

	fmt.Fprintln(w)
	fmt.Fprintf(w, "  API         %s\n", api)
	fmt.Fprintf(w, "  OpenAPI     %s/openapi.json\n", api)
	fmt.Fprintf(w, "  Docs        %s/docs\n", api)
	fmt.Fprintf(w, "  WSDL        %s/ws/soap/%s/%s?wsdl (SOAP 1.1 and 1.2)\n", s.gatewayURL, rep.pkg.BasePath, rep.pkg.APIVersion)
	odataRoot := s.gatewayURL + "/ws/odata/" + rep.pkg.BasePath + "/" + rep.pkg.APIVersion + "/"
	fmt.Fprintf(w, "  OData       %s\n", odataRoot)
	fmt.Fprintf(w, "  $metadata   %s$metadata\n", odataRoot)
	fmt.Fprintf(w, "  Platform    %s/api/v1\n", s.platformURL)
	fmt.Fprintf(w, "  Console     %s/ (sign in as admin; live dashboard, deploy and roll back)\n", s.platformURL)
	login := "portico login --username admin"
	if s.platformURL != defaultServer {
		login = "portico login --server " + s.platformURL + " --username admin"
	}
	password := "PORTICO_ADMIN_PASSWORD, or the one printed on the first start"
	if s.generated != "" {
		password = "the admin password above"
	}
	fmt.Fprintf(w, "  Sign in     %s (password: %s)\n", login, password)

	fmt.Fprintln(w, "\nTry it:")
	for _, l := range curlLines(api, rep) {
		fmt.Fprintf(w, "  %s\n", l)
	}
	fmt.Fprintln(w, "Stop with Ctrl+C.")
}

// applySummary counts the apply's actions: "31 created", "31 unchanged".
func applySummary(results []store.ApplyResult) string {
	counts := map[store.ApplyAction]int{}
	for _, r := range results {
		counts[r.Action]++
	}
	var parts []string
	for _, a := range []store.ApplyAction{store.Created, store.Updated, store.Unchanged} {
		if counts[a] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[a], a))
		}
	}
	if len(parts) == 0 {
		return "nothing applied"
	}
	return strings.Join(parts, ", ")
}

// curlLines are requests that work when pasted, in an order that leaves
// the data as it was: list, get, create, change and delete a customer, and
// an order's lines. Ids and the new email come from the database as it is.
func curlLines(api string, rep *sampleReport) []string {
	ex := rep.examples
	customers := api + "/customers"
	created := fmt.Sprintf("%s/%d", customers, ex.NextCustomerID)
	body := fmt.Sprintf(`{"name":"Ada Lovelace","company":"Analytical Engines Ltd","email":%q,"city":"London","country":"GB"}`, ex.NewEmail)
	q := url.Values{"country": {ex.Country}, "limit": {"5"}}
	return []string{
		curl("GET", customers+"?"+encodeQuery(q, "country", "limit"), ""),
		curl("GET", fmt.Sprintf("%s/%d", customers, ex.CustomerID), ""),
		curl("POST", customers, body),
		curl("PATCH", created, `{"city":"Cambridge","phone":"+44 1223 760000"}`),
		curl("DELETE", created, ""),
		curl("GET", fmt.Sprintf("%s/order_lines?order_id=%d", api, ex.OrderID), ""),
	}
}

// encodeQuery encodes q in the order of keys (url.Values sorts them).
func encodeQuery(q url.Values, keys ...string) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = url.QueryEscape(k) + "=" + url.QueryEscape(q.Get(k))
	}
	return strings.Join(parts, "&")
}

// curl is one curl command line, quoted for a POSIX shell.
func curl(method, target, body string) string {
	var b strings.Builder
	b.WriteString("curl")
	if method != "GET" {
		b.WriteString(" -X " + method)
	}
	if body != "" {
		b.WriteString(" -H 'Content-Type: application/json' -d " + shellQuote(body))
	}
	b.WriteString(" " + shellQuote(target))
	return b.String()
}

// shellQuote quotes s for a POSIX shell when it holds anything but plain
// URL characters.
func shellQuote(s string) string {
	plain := strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/:.-_", r))
	}) < 0
	if plain && s != "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
