package console

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/model"
)

// pageEnv is the environment a page shows: ?environment=, else dev, else
// the first one.
func pageEnv(r *http.Request, envs []model.Environment) string {
	if e := r.URL.Query().Get("environment"); model.ValidName(e) {
		return e
	}
	for _, e := range envs {
		if e.Name == "dev" {
			return "dev"
		}
	}
	if len(envs) > 0 {
		return envs[0].Name
	}
	return "dev"
}

type dashboardData struct {
	Environments []model.Environment
	Environment  string
}

func (c *Console) dashboard(w http.ResponseWriter, r *http.Request, s *sessionCtx) {
	envs, err := s.client.AllEnvironments(r.Context())
	d := pageData{Title: "Dashboard", Nav: "dashboard"}
	if err != nil {
		d.Error = "The environments could not be listed: " + problemText(err)
	}
	d.Data = dashboardData{Environments: envs, Environment: pageEnv(r, envs)}
	c.render(w, r, http.StatusOK, "dashboard", s, d)
}

// apiRow is one API (or proxy) with its packages and where each is active.
type apiRow struct {
	Ref      model.Ref
	Title    string
	Packages []model.Package
	Active   []model.Deployment // active deployments of this API, by environment
	Links    []link
}

type link struct{ Label, URL string }

type apisData struct {
	APIs         []apiRow
	Environments []model.Environment
}

func (c *Console) apis(w http.ResponseWriter, r *http.Request, s *sessionCtx) {
	c.apisPage(w, r, s, http.StatusOK, "")
}

// apisPage renders the APIs page, with failure on top when an action failed.
func (c *Console) apisPage(w http.ResponseWriter, r *http.Request, s *sessionCtx, status int, failure string) {
	ctx := r.Context()
	d := pageData{Title: "APIs", Nav: "apis"}
	var data apisData
	var err error
	if data.Environments, err = s.client.AllEnvironments(ctx); err != nil {
		d.Error = "The environments could not be listed: " + problemText(err)
	}
	comps, err := s.client.AllComponents(ctx, model.KindAPI)
	if err != nil {
		d.Error = "The APIs could not be listed: " + problemText(err)
	}
	proxies, perr := s.client.AllComponents(ctx, model.KindProxy)
	if perr == nil {
		comps = append(comps, proxies...)
	}
	deps, err := s.client.AllDeployments(ctx, client.DeploymentQuery{})
	if err != nil {
		d.Error = "The deployments could not be listed: " + problemText(err)
	}
	for _, comp := range comps {
		ref := model.Ref{Kind: comp.Kind, Name: comp.Name}
		row := apiRow{Ref: ref}
		if pkgs, err := s.client.AllPackages(ctx, &ref); err == nil {
			row.Packages = pkgs
		}
		for _, dep := range deps {
			if dep.Component == ref && dep.Active {
				row.Active = append(row.Active, dep)
			}
		}
		spec, _ := comp.Spec.(*model.APISpec)
		if spec != nil {
			row.Title = spec.Title
			row.Links = c.apiLinks(spec)
		}
		data.APIs = append(data.APIs, row)
	}
	d.Data = data
	if failure != "" {
		d.Error = failure
	}
	c.render(w, r, status, "apis", s, d)
}

// apiLinks are the documents the runtime of dev serves for an API.
func (c *Console) apiLinks(spec *model.APISpec) []link {
	if c.gateway == "" {
		return nil
	}
	base := spec.BasePath + "/" + spec.Version
	var ls []link
	if len(spec.Endpoints) > 0 {
		ls = append(ls, link{"API docs", c.gateway + "/ws/rest/" + base + "/docs"}, link{"OpenAPI", c.gateway + "/ws/rest/" + base + "/openapi.json"})
	}
	if spec.SOAP != nil {
		ls = append(ls, link{"WSDL", c.gateway + "/ws/soap/" + base + "?wsdl"})
	}
	if spec.OData != nil {
		ls = append(ls, link{"$metadata", c.gateway + "/ws/odata/" + base + "/$metadata"})
	}
	return ls
}

func (c *Console) deploy(w http.ResponseWriter, r *http.Request, s *sessionCtx) {
	env, pkg := r.PostFormValue("environment"), r.PostFormValue("package")
	dep, changed, err := s.client.Deploy(r.Context(), client.DeployRequest{Environment: env, PackageID: pkg})
	if err != nil {
		c.backWithError(w, r, s, "Deploy failed: "+problemText(err))
		return
	}
	msg := "Deployed " + dep.Component.Name + " " + dep.Version + " to " + env + "."
	if !changed {
		msg = dep.Component.Name + " " + dep.Version + " was already active in " + env + "."
	}
	http.Redirect(w, r, "/apis?notice="+url.QueryEscape(msg), http.StatusSeeOther)
}

func (c *Console) rollback(w http.ResponseWriter, r *http.Request, s *sessionCtx) {
	ref, err := model.ParseRef(r.PostFormValue("component"))
	if err != nil {
		c.backWithError(w, r, s, "Rollback failed: "+err.Error())
		return
	}
	env := r.PostFormValue("environment")
	dep, err := s.client.Rollback(r.Context(), client.RollbackRequest{Environment: env, Component: ref, APIVersion: r.PostFormValue("apiVersion")})
	if err != nil {
		c.backWithError(w, r, s, "Rollback failed: "+problemText(err))
		return
	}
	http.Redirect(w, r, "/apis?notice="+url.QueryEscape("Rolled "+ref.Name+" back to "+dep.Version+" in "+env+"."), http.StatusSeeOther)
}

func (c *Console) backWithError(w http.ResponseWriter, r *http.Request, s *sessionCtx, msg string) {
	c.apisPage(w, r, s, http.StatusBadRequest, msg)
}

type executionsData struct {
	Query        client.ExecutionQuery
	Environments []model.Environment
	Statuses     []string
	Items        []model.Execution
	Next         string
	NextURL      string
}

func (c *Console) executions(w http.ResponseWriter, r *http.Request, s *sessionCtx) {
	q := r.URL.Query()
	d := pageData{Title: "Executions", Nav: "executions"}
	data := executionsData{Statuses: model.ExecutionStatuses}
	data.Query = client.ExecutionQuery{Environment: q.Get("environment"), API: q.Get("api"), Process: q.Get("process"), Status: q.Get("status")}
	if envs, err := s.client.AllEnvironments(r.Context()); err == nil {
		data.Environments = envs
	}
	page, err := s.client.ListExecutions(r.Context(), data.Query, client.ListOptions{Limit: 50, Cursor: q.Get("cursor")})
	if err != nil {
		d.Error = "The executions could not be listed: " + problemText(err)
	} else {
		data.Items, data.Next = page.Items, page.NextCursor
		if page.NextCursor != "" {
			q.Set("cursor", page.NextCursor)
			data.NextURL = "/executions?" + q.Encode()
		}
	}
	d.Data = data
	c.render(w, r, http.StatusOK, "executions", s, d)
}

type executionData struct {
	X             *model.Execution
	Input, Output string
}

func (c *Console) execution(w http.ResponseWriter, r *http.Request, s *sessionCtx) {
	x, err := s.client.GetExecution(r.Context(), r.PathValue("id"))
	if err != nil {
		status := http.StatusBadGateway
		var p *client.Problem
		if errors.As(err, &p) {
			status = p.Status
		}
		c.render(w, r, status, "error", s, pageData{Title: "Execution", Nav: "executions", Error: "The execution could not be read: " + problemText(err)})
		return
	}
	c.render(w, r, http.StatusOK, "execution", s, pageData{Title: "Execution " + x.ID, Nav: "executions",
		Data: executionData{X: x, Input: pretty(x.Input), Output: pretty(x.Output)}})
}

// pretty indents a JSON document for reading.
func pretty(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return string(raw)
	}
	return b.String()
}

func (c *Console) users(w http.ResponseWriter, r *http.Request, s *sessionCtx) {
	d := pageData{Title: "Users", Nav: "users"}
	users, err := s.client.AllUsers(r.Context())
	if err != nil {
		d.Error = "The users could not be listed: " + problemText(err)
	}
	d.Data = users
	c.render(w, r, http.StatusOK, "users", s, d)
}

type envRow struct {
	Env      model.Environment
	Runtimes []model.RuntimeInstance
	Active   int
}

func (c *Console) environments(w http.ResponseWriter, r *http.Request, s *sessionCtx) {
	d := pageData{Title: "Environments and runtimes", Nav: "environments"}
	envs, err := s.client.AllEnvironments(r.Context())
	if err != nil {
		d.Error = "The environments could not be listed: " + problemText(err)
	}
	rts, err := s.client.ListRuntimes(r.Context(), "")
	if err != nil {
		d.Error = "The runtimes could not be listed: " + problemText(err)
	}
	deps, _ := s.client.AllDeployments(r.Context(), client.DeploymentQuery{})
	var rows []envRow
	for _, e := range envs {
		row := envRow{Env: e}
		for _, rt := range rts {
			if rt.Environment == e.Name {
				row.Runtimes = append(row.Runtimes, rt)
			}
		}
		for _, dep := range deps {
			if dep.Environment == e.Name && dep.Active {
				row.Active++
			}
		}
		rows = append(rows, row)
	}
	slices.SortFunc(rows, func(a, b envRow) int { return compareStr(a.Env.Name, b.Env.Name) })
	d.Data = struct {
		Rows []envRow
		Now  time.Time
	}{rows, time.Now()}
	c.render(w, r, http.StatusOK, "environments", s, d)
}

func compareStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
