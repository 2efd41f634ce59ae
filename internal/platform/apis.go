package platform

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/spec/openapi"
	"github.com/portico-dev/portico/internal/store"
)

// restPrefix is where runtimes serve REST APIs (rest.DefaultPrefix of
// internal/endpoint/rest, which the platform does not link; a test keeps
// the two equal).
const restPrefix = "/ws/rest"

// apiContractParams are the query parameters of the apis/{name}/openapi routes.
var apiContractParams = []param{
	{"version", "string", "the package version whose pinned revisions to describe (default: the current revisions)"},
	{"environment", "string", "describe the package active in this environment; servers use its publicURL"},
	{"apiVersion", "string", "with environment: the API version, when several are active there"},
}

// rawBody is an answer written as is under its own media type: a
// document the platform renders itself, such as YAML.
type rawBody struct {
	contentType string
	body        []byte
}

// apiContract is what one API version's document is generated from.
type apiContract struct {
	name      string
	spec      *model.APISpec
	processes map[string]*model.ProcessSpec
	publicURL string // the environment's, when one was asked for
}

func (s *Server) apiOpenAPIJSON(c *call) (*reply, error) {
	return s.serveAPIContract(c, "application/json", (*openapi.Document).JSON)
}

func (s *Server) apiOpenAPIYAML(c *call) (*reply, error) {
	return s.serveAPIContract(c, "application/yaml", (*openapi.Document).YAML)
}

func (s *Server) serveAPIContract(c *call, contentType string, render func(*openapi.Document, []string) []byte) (*reply, error) {
	ac, err := s.resolveAPIContract(c.r.Context(), c.r)
	if err != nil {
		return nil, err
	}
	gen, err := openapi.Generate(openapi.Input{API: ac.spec, APIName: ac.name, Processes: ac.processes})
	if err != nil {
		// Whatever the generator's reason (a process or profile it
		// cannot describe), the request was fine and the model is not:
		// the caller fixes the components, so 400 naming the reason.
		return nil, fmt.Errorf("%w: the OpenAPI document of api/%s cannot be generated: %v", model.ErrInvalid, ac.name, err)
	}
	doc, err := openapi.NewDocument(gen)
	if err != nil {
		return nil, err
	}
	root := restPrefix + "/" + strings.Trim(ac.spec.BasePath, "/") + "/" + ac.spec.Version
	// Without a public address the server is the runtime path, relative to
	// the host that answered: where `portico serve` runs both.
	servers := []string{root}
	if ac.publicURL != "" {
		servers = openapi.ServersFromRequest(c.r, root, ac.publicURL)
	}
	return ok(rawBody{contentType: contentType, body: render(doc, servers)})
}

// resolveAPIContract finds the API spec and its processes the query asks
// for: the current revisions, a package's, or the package active in an
// environment.
func (s *Server) resolveAPIContract(ctx context.Context, r *http.Request) (*apiContract, error) {
	name := r.PathValue("name")
	if !model.ValidName(name) {
		return nil, model.Invalidf("name", "%q is not a valid API name", name)
	}
	root := model.Ref{Kind: model.KindAPI, Name: name}
	q := r.URL.Query()
	version, env, apiVersion := q.Get("version"), q.Get("environment"), q.Get("apiVersion")
	switch {
	case version != "" && env != "":
		return nil, model.Invalidf("version", "give version or environment, not both")
	case apiVersion != "" && env == "":
		return nil, model.Invalidf("apiVersion", "apiVersion picks among the versions active in an environment: give environment too")
	case version != "":
		pkg, err := s.store.FindPackage(ctx, root, version)
		if err != nil {
			return nil, err
		}
		return s.packageContract(ctx, pkg, "")
	case env != "":
		return s.environmentContract(ctx, root, env, apiVersion)
	}
	comp, err := s.store.GetComponent(ctx, root)
	if err != nil {
		return nil, err
	}
	comps, err := model.ResolvePackage(comp, func(ref model.Ref) (*model.Component, error) {
		return s.store.GetComponent(ctx, ref)
	})
	if err != nil {
		return nil, fmt.Errorf("the OpenAPI document of %s cannot be generated: %w", root, err)
	}
	return contractOf(root, comps, "")
}

// environmentContract describes the package of root active in env.
func (s *Server) environmentContract(ctx context.Context, root model.Ref, env, apiVersion string) (*apiContract, error) {
	e, err := s.store.GetEnvironment(ctx, env)
	if err != nil {
		return nil, err
	}
	var active []*model.Deployment
	page := store.Page{Limit: store.MaxPageLimit}
	for {
		items, next, err := s.store.ListDeployments(ctx, store.DeploymentFilter{Environment: env, Component: &root}, page)
		if err != nil {
			return nil, err
		}
		for _, d := range items {
			if apiVersion == "" || d.APIVersion == apiVersion {
				active = append(active, d)
			}
		}
		if next == "" {
			break
		}
		page.Cursor = next
	}
	switch {
	case len(active) == 0 && apiVersion != "":
		return nil, fmt.Errorf("%w: %s version %s is not deployed in %s", model.ErrNotFound, root, apiVersion, env)
	case len(active) == 0:
		return nil, fmt.Errorf("%w: %s is not deployed in %s", model.ErrNotFound, root, env)
	case len(active) > 1:
		var versions []string
		for _, d := range active {
			versions = append(versions, d.APIVersion)
		}
		slices.Sort(versions)
		return nil, model.Invalidf("apiVersion", "%s has several versions active in %s (%s): pick one with apiVersion", root, env, strings.Join(versions, ", "))
	}
	pkg, err := s.store.GetPackage(ctx, active[0].PackageID)
	if err != nil {
		return nil, err
	}
	return s.packageContract(ctx, pkg, e.Spec.PublicURL)
}

// packageContract describes a package by the revisions it pins.
func (s *Server) packageContract(ctx context.Context, pkg *model.Package, publicURL string) (*apiContract, error) {
	comps := make([]*model.Component, 0, len(pkg.Contents))
	for _, p := range pkg.Contents {
		ref := model.Ref{Kind: p.Kind, Name: p.Name}
		comp, err := s.store.GetRevision(ctx, ref, p.Revision)
		if errors.Is(err, model.ErrNotFound) {
			// A package's revisions are immutable; this is a damaged store.
			return nil, fmt.Errorf("package %s@%s pins %s revision %d, which the store lacks: %v", pkg.Component, pkg.Version, ref, p.Revision, err)
		}
		if err != nil {
			return nil, err
		}
		comps = append(comps, comp)
	}
	return contractOf(pkg.Component, comps, publicURL)
}

// contractOf picks root's API spec and the process specs from comps.
func contractOf(root model.Ref, comps []*model.Component, publicURL string) (*apiContract, error) {
	ac := &apiContract{name: root.Name, processes: map[string]*model.ProcessSpec{}, publicURL: publicURL}
	for _, c := range comps {
		switch spec := c.Spec.(type) {
		case *model.APISpec:
			if c.Ref() == root {
				ac.spec = spec
			}
		case *model.ProcessSpec:
			ac.processes[c.Name] = spec
		}
	}
	if ac.spec == nil {
		return nil, fmt.Errorf("%s: no API spec among the %d components resolved", root, len(comps))
	}
	return ac, nil
}
