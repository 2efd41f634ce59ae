package scaffold

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/portico-dev/portico/internal/model"
)

// reservedQuery are the list endpoint's own query parameters; a column of
// that name filters through filter_{name}.
var reservedQuery = map[string]bool{"limit": true, "offset": true, "sort": true, "moreDataToken": true}

// filterable reports whether equality filters and sorting make sense on t.
func filterable(t JSONType) bool { return t != TypeJSON && t != TypeBinary }

func queryType(t JSONType) string {
	switch t {
	case TypeInteger, TypeNumber, TypeBoolean:
		return string(t)
	}
	return "string"
}

// list: GET /things?col=v&sort=-col&limit=n&offset=m. Sorting chooses
// among whitelisted columns with CASE expressions, so the request's text
// never becomes SQL.
func (g *tableGen) list() {
	o := g.opts
	params := map[string]string{
		"sort":   "$props.sort",
		"limit":  "$props.query_limit // " + strconv.Itoa(o.DefaultLimit),
		"offset": "$props.query_offset // 0",
	}
	var where, order, allowed []string
	var query []model.QueryParam
	var checks []model.Step
	for i := range g.t.Columns {
		c := &g.t.Columns[i]
		if !filterable(c.Type) {
			continue
		}
		id := g.ids[c.Name]
		name := id
		if reservedQuery[name] {
			name = "filter_" + id
		}
		query = append(query, model.QueryParam{Name: name, Type: queryType(c.Type), Description: "only rows whose " + c.Name + " equals this"})
		params["f_"+id] = "$props.query_" + name
		where = append(where, "("+g.d.isNull(c, "f_"+id)+" OR "+g.d.quote(c.Name)+" = :f_"+id+")")
		if re, what := typePattern(c.Type); re != "" && queryType(c.Type) == "string" {
			checks = append(checks, model.Step{Name: "check-" + strings.ReplaceAll(name, "_", "-"), Decide: &model.DecideStep{
				If:   fmt.Sprintf("props.query_%s != nil && !(props.query_%s matches %s)", name, name, strconv.Quote(re)),
				Then: []model.Step{{Fail: &model.FailStep{Status: 400, Code: "badFilter", Message: name + " must be " + what}}},
			}})
		}
		q := g.d.quote(c.Name)
		order = append(order,
			"CASE WHEN :sort = "+g.d.literal(c.Name)+" THEN "+q+" END ASC",
			"CASE WHEN :sort = "+g.d.literal("-"+c.Name)+" THEN "+q+" END DESC")
		allowed = append(allowed, strconv.Quote(c.Name), strconv.Quote("-"+c.Name))
	}
	for _, k := range g.t.PrimaryKey { // a stable order for paging
		order = append(order, g.d.quote(k))
	}
	sql := "SELECT " + g.sel + " FROM " + g.table()
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	if len(order) > 0 {
		sql += " ORDER BY " + strings.Join(order, ", ")
	} else {
		delete(params, "sort")
	}
	sql += " LIMIT :limit OFFSET :offset"
	max := strconv.Itoa(o.MaxLimit)
	steps := []model.Step{
		{Name: "sort-order", Set: &model.SetStep{Properties: map[string]string{
			"sort": `$props.query_sort | if . == null or . == "" then null elif endswith(":desc") then "-" + .[:-5] elif endswith(":asc") then .[:-4] else . end`,
		}}},
		{Name: "check-sort", Decide: &model.DecideStep{
			If:   "props.sort != nil && !(props.sort in [" + strings.Join(allowed, ", ") + "])",
			Then: []model.Step{{Fail: &model.FailStep{Status: 400, Code: "badSort", Message: "sort takes a column name, optionally with - in front or :asc/:desc after"}}},
		}},
		{Name: "check-page", Decide: &model.DecideStep{
			If:   "(props.query_limit ?? 1) < 1 || (props.query_limit ?? 1) > " + max + " || (props.query_offset ?? 0) < 0",
			Then: []model.Step{{Fail: &model.FailStep{Status: 400, Code: "badPage", Message: "limit must be between 1 and " + max + " and offset must not be negative"}}},
		}},
	}
	steps = append(steps, checks...)
	steps = append(steps, sqlQuery(g.opts.Connection, sql, params), ret(0))
	query = append(query,
		model.QueryParam{Name: "sort", Description: "column to sort by: name, -name (descending), name:asc or name:desc"},
		model.QueryParam{Name: "limit", Type: "integer", Description: fmt.Sprintf("rows per page, 1 to %d (default %d)", o.MaxLimit, o.DefaultLimit)},
		model.QueryParam{Name: "offset", Type: "integer", Description: "rows to skip (default 0)"},
	)
	g.add("list"+g.many, "List "+g.t.Name, &model.ProcessSpec{Output: profile(g.t, profileRecord), Steps: steps},
		model.Endpoint{Method: "GET", Path: g.collection(), Output: "multijson", Query: query,
			Responses: []model.EndpointResponse{{Status: 400, Description: "a filter, sort or page parameter is not valid"}}})
}

// get: GET /things/{key}, 404 when no row.
func (g *tableGen) get() {
	params := map[string]string{}
	g.keyParams(params)
	steps := append(g.keyChecks(),
		sqlQuery(g.opts.Connection, "SELECT "+g.sel+" FROM "+g.table()+" WHERE "+g.keyWhere, params),
		notFound(g.one), ret(0))
	g.add("get"+g.one, "Get one row of "+g.t.Name+" by key", &model.ProcessSpec{Output: profile(g.t, profileRecord), Steps: steps},
		model.Endpoint{Method: "GET", Path: g.item(), Responses: g.notFoundResponse()})
}
