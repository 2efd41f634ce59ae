package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/model"
)

// getOpts are the flags of `get`.
type getOpts struct {
	*clientOpts
	revisions bool
	revision  int
	env       string
	history   bool
	user      string
}

func newGetCommand(e *env) *cobra.Command {
	g := &getOpts{}
	cmd := &cobra.Command{
		Use:   "get KIND [NAME]",
		Short: "Show components, environments, packages, deployments, users or tokens",
		Long: `Get lists a kind, or shows one item by name. KIND is one of:
  ` + resourceNames + `

'-o yaml' writes components and environments as apply-able documents, so that
'portico get api erp -o yaml > erp.yaml && portico apply -f erp.yaml' changes nothing.`,
		Example: `  portico get apis
  portico get api erp -o yaml
  portico get api erp --revisions
  portico get revisions api erp
  portico get packages erp
  portico get deployments --env dev`,
		Args: rangeArgs(1, 3, "KIND", "[NAME]"),
	}
	cmd.Flags().BoolVar(&g.revisions, "revisions", false, "list the revisions of the named component")
	cmd.Flags().IntVar(&g.revision, "revision", 0, "show this revision of the named component")
	cmd.Flags().StringVar(&g.env, "env", "", "deployments: only this environment")
	cmd.Flags().BoolVar(&g.history, "history", false, "deployments: every event, not only what is active")
	cmd.Flags().StringVar(&g.user, "user", "", "tokens: this user's (admins only)")
	g.clientOpts = addClientFlags(cmd, e, outTable, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		res, kind, err := parseResource(args[0])
		if err != nil {
			return err
		}
		if res == resRevision {
			if len(args) != 3 {
				return usagef("want: get revisions KIND NAME")
			}
			res, g.revisions = resComponent, true
			if kind, err = model.ParseKind(args[1]); err != nil {
				return &usageError{err: err}
			}
			args = args[1:]
		}
		if len(args) > 2 {
			return usagef("want: get KIND [NAME]")
		}
		name := ""
		if len(args) == 2 {
			name = args[1]
		}
		c, err := g.client()
		if err != nil {
			return err
		}
		return g.run(cmd.Context(), c, res, kind, name)
	}
	return cmd
}

func (g *getOpts) run(ctx context.Context, c *client.Client, res resource, kind model.Kind, name string) error {
	w := g.e.stdout
	switch res {
	case resComponent:
		return g.components(ctx, c, kind, name)
	case resEnvironment:
		if name != "" {
			env, err := c.GetEnvironment(ctx, name)
			if err != nil {
				return err
			}
			return printEnvironments(w, g.output, []model.Environment{*env}, true)
		}
		envs, err := c.AllEnvironments(ctx)
		if err != nil {
			return err
		}
		return printEnvironments(w, g.output, envs, false)
	case resPackage:
		return g.packages(ctx, c, name)
	case resDeployment:
		q := client.DeploymentQuery{Environment: g.env, History: g.history}
		if name != "" {
			ref, err := resolveRoot(ctx, c, name, "")
			if err != nil {
				return err
			}
			q.Component = &ref
		}
		ds, err := c.AllDeployments(ctx, q)
		if err != nil {
			return err
		}
		return printDeployments(w, g.output, ds)
	case resUser:
		if name != "" {
			u, err := c.GetUser(ctx, name)
			if err != nil {
				return err
			}
			return printUsers(w, g.output, []model.User{*u}, true)
		}
		us, err := c.AllUsers(ctx)
		if err != nil {
			return err
		}
		return printUsers(w, g.output, us, false)
	case resConsumer:
		if name != "" {
			v, err := c.GetConsumer(ctx, name)
			if err != nil {
				return err
			}
			return printConsumers(w, g.output, []model.ConsumerView{*v}, true)
		}
		vs, err := c.AllConsumers(ctx, g.env)
		if err != nil {
			return err
		}
		return printConsumers(w, g.output, vs, false)
	case resToken:
		if name != "" {
			return usagef("get tokens takes no name (use --user for another user's tokens)")
		}
		ts, err := c.AllTokens(ctx, g.user)
		if err != nil {
			return err
		}
		return printTokens(w, g.output, ts)
	case resPlan, resApplication:
		return g.traffic(ctx, c, res, name)
	}
	return fmt.Errorf("unsupported resource")
}

func (g *getOpts) components(ctx context.Context, c *client.Client, kind model.Kind, name string) error {
	w := g.e.stdout
	if name == "" {
		if g.revisions || g.revision != 0 {
			return usagef("--revisions and --revision need a KIND and NAME")
		}
		comps, err := c.AllComponents(ctx, kind)
		if err != nil {
			return err
		}
		return printComponents(w, g.output, comps, false)
	}
	if kind == "" {
		return usagef("give the kind of %q, e.g. get api %s", name, name)
	}
	ref := model.Ref{Kind: kind, Name: name}
	switch {
	case g.revisions:
		revs, err := c.AllRevisions(ctx, ref)
		if err != nil {
			return err
		}
		return printRevisions(w, g.output, revs)
	case g.revision != 0:
		comp, err := c.GetRevision(ctx, ref, g.revision)
		if err != nil {
			return err
		}
		return printComponents(w, g.output, []model.Component{*comp}, true)
	}
	comp, err := c.GetComponent(ctx, ref)
	if err != nil {
		return err
	}
	return printComponents(w, g.output, []model.Component{*comp}, true)
}

// packages lists every package, a component's ("erp", "api/erp"), or one
// ("erp@1.0.0", or a package id).
func (g *getOpts) packages(ctx context.Context, c *client.Client, name string) error {
	w := g.e.stdout
	if name == "" {
		ps, err := c.AllPackages(ctx, nil)
		if err != nil {
			return err
		}
		return printPackages(w, g.output, ps, false)
	}
	n, version, err := splitNameVersion(name)
	if err != nil {
		return err
	}
	ref, err := resolveRoot(ctx, c, n, "")
	if errors.Is(err, model.ErrNotFound) && version == "" {
		p, idErr := c.GetPackage(ctx, name)
		if idErr == nil {
			return printPackages(w, g.output, []model.Package{*p}, true)
		}
	}
	if err != nil {
		return err
	}
	ps, err := c.AllPackages(ctx, &ref)
	if err != nil {
		return err
	}
	if version == "" {
		return printPackages(w, g.output, ps, false)
	}
	for _, p := range ps {
		if p.Version == version {
			return printPackages(w, g.output, []model.Package{p}, true)
		}
	}
	return fmt.Errorf("%w: package %s@%s does not exist (versions: %s)", model.ErrNotFound, ref, version, versionList(ps))
}

// versionList names the versions of packages, newest first, for messages.
func versionList(ps []model.Package) string {
	if len(ps) == 0 {
		return "none yet"
	}
	s := ""
	for i, p := range ps {
		if i > 0 {
			s += ", "
		}
		s += p.Version
	}
	return s
}
