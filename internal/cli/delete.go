package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/model"
)

func newDeleteCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "delete KIND NAME",
		Short: "Delete a component, environment, package, user or token",
		Long: `Delete removes one item. A component still referenced by another is refused; its
revisions stay, since packages pin them. A package is named NAME@VERSION (or by its id);
a token by its id.`,
		Example: `  portico delete process listCustomers
  portico delete package erp@1.0.0
  portico delete environment staging`,
		Args: exactArgs("KIND", "NAME"),
	}
	o := addClientFlags(cmd, e)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		res, kind, err := parseResource(args[0])
		if err != nil {
			return err
		}
		c, err := o.client()
		if err != nil {
			return err
		}
		what, err := deleteOne(cmd.Context(), c, res, kind, args[1])
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s deleted\n", what)
		return nil
	}
	return cmd
}

// deleteOne deletes one item and returns how to name it.
func deleteOne(ctx context.Context, c *client.Client, res resource, kind model.Kind, name string) (string, error) {
	switch res {
	case resComponent:
		if kind == "" {
			return "", usagef("give the kind: delete api|process|connection|proxy NAME")
		}
		ref := model.Ref{Kind: kind, Name: name}
		return ref.String(), c.DeleteComponent(ctx, ref)
	case resEnvironment:
		return "environment/" + name, c.DeleteEnvironment(ctx, name)
	case resPackage:
		id, label, err := findPackageID(ctx, c, name)
		if err != nil {
			return "", err
		}
		return "package " + label, c.DeletePackage(ctx, id)
	case resUser:
		return "user/" + name, c.DeleteUser(ctx, name)
	case resToken:
		return "token " + name, c.RevokeToken(ctx, name)
	case resPlan:
		return "plan/" + name, c.DeletePlan(ctx, name)
	case resApplication:
		return "application/" + name, c.DeleteApplication(ctx, name)
	case resConsumer:
		return "consumer/" + name, c.DeleteConsumer(ctx, name)
	}
	return "", usagef("cannot delete %s (deployments are undone with 'portico undeploy' or 'portico rollback')", name)
}

// findPackageID reads NAME@VERSION, or takes s as a package id.
func findPackageID(ctx context.Context, c *client.Client, s string) (id, label string, err error) {
	name, version, err := splitNameVersion(s)
	if err != nil {
		return "", "", err
	}
	if version == "" {
		p, err := c.GetPackage(ctx, s)
		if err != nil {
			return "", "", fmt.Errorf("package %q (name a package as NAME@VERSION, or by its id): %w", s, err)
		}
		return p.ID, p.Component.String() + "@" + p.Version, nil
	}
	ref, err := resolveRoot(ctx, c, name, "")
	if err != nil {
		return "", "", err
	}
	ps, err := c.AllPackages(ctx, &ref)
	if err != nil {
		return "", "", err
	}
	for _, p := range ps {
		if p.Version == version {
			return p.ID, ref.String() + "@" + version, nil
		}
	}
	return "", "", fmt.Errorf("%w: package %s@%s does not exist (versions: %s)", model.ErrNotFound, ref, version, versionList(ps))
}
