package scaffold

import (
	"strings"

	"github.com/portico-dev/portico/internal/model"
)

// create: POST /things → 201 with the stored row.
func (g *tableGen) create() {
	params := map[string]string{}
	var cols, vals []string
	for _, c := range g.writable(false, true) {
		cols = append(cols, g.d.quote(c.Name))
		vals = append(vals, g.assign(c, params, false))
	}
	sql := "INSERT INTO " + g.table()
	switch {
	case len(cols) > 0:
		sql += " (" + strings.Join(cols, ", ") + ") VALUES (" + strings.Join(vals, ", ") + ")"
	case g.d.name == "mysql":
		sql += " () VALUES ()"
	default:
		sql += " DEFAULT VALUES"
	}
	var steps []model.Step
	if g.d.returning {
		steps = []model.Step{sqlQuery(g.opts.Connection, sql+" RETURNING "+g.sel, params)}
	} else {
		steps = []model.Step{sqlExec(g.opts.Connection, sql, params), g.readBack()}
	}
	steps = append(steps, ret(201))
	g.add("create"+g.one, "Create a row of "+g.t.Name,
		&model.ProcessSpec{Input: profile(g.t, profileCreate), Output: profile(g.t, profileRecord), Steps: steps},
		model.Endpoint{Method: "POST", Path: g.collection(), Responses: []model.EndpointResponse{
			{Status: 201, Description: "the stored row"}, conflictResponse()}})
}

// readBack selects the row a MySQL insert made, which has no RETURNING:
// by LAST_INSERT_ID() for an auto-increment key, else by the key sent.
func (g *tableGen) readBack() model.Step {
	params := map[string]string{}
	where := g.keyWhere
	if k := g.t.PrimaryKey; len(k) == 1 && g.t.Column(k[0]).Generated {
		where = g.d.quote(k[0]) + " = LAST_INSERT_ID()"
		g.warnings = append(g.warnings, "table "+g.t.Name+": MySQL has no INSERT ... RETURNING; create"+g.one+
			" reads the new row back by LAST_INSERT_ID(), which is only reliable when the connection's pool keeps one connection (maxOpenConns: 1); MariaDB 10.5+ does not need this")
	} else {
		g.bodyKeyParams(params)
	}
	return sqlQuery(g.opts.Connection, "SELECT "+g.sel+" FROM "+g.table()+" WHERE "+where, params)
}

// update is what replace and patch share: SET the columns, by the path's
// key, then answer the row or 404.
func (g *tableGen) update(keep bool) []model.Step {
	params := map[string]string{}
	var sets []string
	for _, c := range g.writable(true, false) {
		sets = append(sets, g.d.quote(c.Name)+" = "+g.assign(c, params, keep))
	}
	if len(sets) == 0 {
		return nil
	}
	g.keyParams(params)
	sql := "UPDATE " + g.table() + " SET " + strings.Join(sets, ", ") + " WHERE " + g.keyWhere
	steps := g.keyChecks()
	if g.d.updateReturning {
		steps = append(steps, sqlQuery(g.opts.Connection, sql+" RETURNING "+g.sel, params))
	} else {
		kp := map[string]string{}
		g.keyParams(kp)
		steps = append(steps, sqlExec(g.opts.Connection, sql, params),
			sqlQuery(g.opts.Connection, "SELECT "+g.sel+" FROM "+g.table()+" WHERE "+g.keyWhere, kp))
	}
	return append(steps, notFound(g.one), ret(0))
}

// replace: PUT /things/{key}; absent fields become NULL or their default.
func (g *tableGen) replace() {
	steps := g.update(false)
	if steps == nil {
		return
	}
	g.add("replace"+g.one, "Replace a row of "+g.t.Name,
		&model.ProcessSpec{Input: profile(g.t, profileReplace), Output: profile(g.t, profileRecord), Steps: steps},
		model.Endpoint{Method: "PUT", Path: g.item(), Responses: append(g.notFoundResponse(), conflictResponse())})
}

// patch: PATCH /things/{key}; only the fields sent change.
func (g *tableGen) patch() {
	steps := g.update(true)
	if steps == nil {
		return
	}
	g.add("patch"+g.one, "Change some fields of a row of "+g.t.Name,
		&model.ProcessSpec{Input: profile(g.t, profilePatch), Output: profile(g.t, profileRecord), Steps: steps},
		model.Endpoint{Method: "PATCH", Path: g.item(), Responses: append(g.notFoundResponse(), conflictResponse())})
}

// delete: DELETE /things/{key} → 204, or 404.
func (g *tableGen) delete() {
	params := map[string]string{}
	g.keyParams(params)
	steps := append(g.keyChecks(),
		sqlExec(g.opts.Connection, "DELETE FROM "+g.table()+" WHERE "+g.keyWhere, params),
		model.Step{Name: "not-found", Decide: &model.DecideStep{
			If:   "props.rowsaffected == 0",
			Then: []model.Step{{Fail: &model.FailStep{Status: 404, Code: "notFound", Message: "no such " + g.one}}},
		}},
		ret(204))
	g.add("delete"+g.one, "Delete a row of "+g.t.Name, &model.ProcessSpec{Steps: steps},
		model.Endpoint{Method: "DELETE", Path: g.item(), Output: "none", Responses: append(g.notFoundResponse(), conflictResponse())})
}

// upsert: PUT /things with the key in the body: insert, or replace the
// row that has that key.
func (g *tableGen) upsert() {
	for _, k := range g.t.PrimaryKey {
		if g.t.Column(k).Always {
			g.warnings = append(g.warnings, "table "+g.t.Name+": key "+k+" is GENERATED ALWAYS, so no upsert is generated")
			return
		}
	}
	params := map[string]string{}
	var cols, vals, sets []string
	for _, c := range g.writable(true, true) {
		q := g.d.quote(c.Name)
		cols = append(cols, q)
		if g.t.IsKey(c.Name) {
			params["v_"+g.ids[c.Name]] = g.valueParam(c)
			vals = append(vals, g.d.value(c, "v_"+g.ids[c.Name]))
			continue
		}
		vals = append(vals, g.assign(c, params, false))
		if g.d.name == "mysql" {
			sets = append(sets, q+" = VALUES("+q+")")
		} else {
			sets = append(sets, q+" = excluded."+q)
		}
	}
	sql := "INSERT INTO " + g.table() + " (" + strings.Join(cols, ", ") + ") VALUES (" + strings.Join(vals, ", ") + ")"
	var steps []model.Step
	if g.d.name == "mysql" {
		if len(sets) == 0 {
			k := g.d.quote(g.t.PrimaryKey[0])
			sets = append(sets, k+" = "+k)
		}
		kp := map[string]string{}
		g.bodyKeyParams(kp)
		steps = []model.Step{
			sqlExec(g.opts.Connection, sql+" ON DUPLICATE KEY UPDATE "+strings.Join(sets, ", "), params),
			sqlQuery(g.opts.Connection, "SELECT "+g.sel+" FROM "+g.table()+" WHERE "+g.keyWhere, kp),
		}
	} else {
		keys := make([]string, len(g.t.PrimaryKey))
		for i, k := range g.t.PrimaryKey {
			keys[i] = g.d.quote(k)
		}
		if len(sets) == 0 {
			sets = append(sets, keys[0]+" = excluded."+keys[0])
		}
		steps = []model.Step{sqlQuery(g.opts.Connection,
			sql+" ON CONFLICT ("+strings.Join(keys, ", ")+") DO UPDATE SET "+strings.Join(sets, ", ")+" RETURNING "+g.sel, params)}
	}
	steps = append(steps, ret(0))
	g.add("upsert"+g.one, "Create or replace a row of "+g.t.Name+" by the key in the body",
		&model.ProcessSpec{Input: profile(g.t, profileUpsert), Output: profile(g.t, profileRecord), Steps: steps},
		model.Endpoint{Method: "PUT", Path: g.collection(), Responses: []model.EndpointResponse{conflictResponse()}})
}
