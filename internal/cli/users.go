package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/model"
)

// newUsersCommand groups the platform-user verbs (admins only, except
// changing one's own password).
func newUsersCommand(e *env) *cobra.Command {
	cmd := groupCommand("users", "Manage platform users (admin)")
	cmd.Aliases = []string{"user"}
	cmd.AddCommand(
		newUsersListCommand(e),
		newUsersCreateCommand(e),
		newUsersSetRoleCommand(e),
		newUsersFlagCommand(e, "disable", "Disable a user (their tokens stop working)", true),
		newUsersFlagCommand(e, "enable", "Enable a disabled user", false),
		newUsersPasswdCommand(e),
		newNamedDeleteCommand(e, "user", "USERNAME", "Delete a user and their tokens", (*client.Client).DeleteUser),
		newConsumersCommand(e, "api"), // API users: portico users api ...
	)
	return cmd
}

func newUsersListCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "list", Short: "List users", Args: exactArgs()}
	o := addClientFlags(cmd, e, outTable, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		us, err := c.AllUsers(cmd.Context())
		if err != nil {
			return err
		}
		return printUsers(e.stdout, o.output, us, false)
	}
	return cmd
}

func newUsersCreateCommand(e *env) *cobra.Command {
	var role string
	var passwordStdin bool
	cmd := &cobra.Command{
		Use:     "create USERNAME --role ROLE [--password-stdin]",
		Short:   "Create a user (asks for the password, or reads it from stdin)",
		Example: `  echo "$PW" | portico users create alice --role publisher --password-stdin`,
		Args:    exactArgs("USERNAME"),
	}
	cmd.Flags().StringVar(&role, "role", "", "admin, publisher, operator or viewer (required)")
	cmd.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the password from stdin")
	o := addClientFlags(cmd, e, outText, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := requireFlags(cmd, "role"); err != nil {
			return err
		}
		r, err := userRole(role)
		if err != nil {
			return err
		}
		c, err := o.client()
		if err != nil {
			return err
		}
		pw, err := readPassword(e, "Password for "+args[0]+": ", passwordStdin, true)
		if err != nil {
			return err
		}
		u, err := c.CreateUser(cmd.Context(), client.CreateUserRequest{Username: args[0], Role: r, Password: pw})
		if err != nil {
			return fmt.Errorf("create user %s: %w", args[0], err)
		}
		return printUser(e, o.output, u, "created")
	}
	return cmd
}

func newUsersSetRoleCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "set-role USERNAME ROLE", Short: "Change a user's role", Args: exactArgs("USERNAME", "ROLE")}
	o := addClientFlags(cmd, e, outText, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		r, err := userRole(args[1])
		if err != nil {
			return err
		}
		return patchUser(cmd, o, args[0], client.UserPatch{Role: &r}, "now has role "+string(r))
	}
	return cmd
}

func newUsersFlagCommand(e *env, verb, short string, disabled bool) *cobra.Command {
	cmd := &cobra.Command{Use: verb + " USERNAME", Short: short, Args: exactArgs("USERNAME")}
	o := addClientFlags(cmd, e, outText, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return patchUser(cmd, o, args[0], client.UserPatch{Disabled: &disabled}, verb+"d")
	}
	return cmd
}

func newUsersPasswdCommand(e *env) *cobra.Command {
	var passwordStdin bool
	cmd := &cobra.Command{
		Use:   "passwd [USERNAME] [--password-stdin]",
		Short: "Change a password (your own by default)",
		Args:  rangeArgs(0, 1, "[USERNAME]"),
	}
	cmd.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the new password from stdin")
	o := addClientFlags(cmd, e, outText, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		username := ""
		if len(args) == 1 {
			username = args[0]
		} else {
			c, err := o.client()
			if err != nil {
				return err
			}
			id, err := c.Whoami(cmd.Context())
			if err != nil {
				return err
			}
			username = id.Username
		}
		pw, err := readPassword(e, "New password for "+username+": ", passwordStdin, true)
		if err != nil {
			return err
		}
		return patchUser(cmd, o, username, client.UserPatch{Password: &pw}, "has a new password")
	}
	return cmd
}

// userRole checks a role a user may hold.
func userRole(s string) (model.Role, error) {
	r := model.Role(s)
	if !r.UserRole() {
		return "", usagef("unknown user role %q (want admin, publisher, operator or viewer)", s)
	}
	return r, nil
}

// patchUser applies patch and reports what happened.
func patchUser(cmd *cobra.Command, o *clientOpts, username string, patch client.UserPatch, what string) error {
	c, err := o.client()
	if err != nil {
		return err
	}
	u, err := c.UpdateUser(cmd.Context(), username, patch)
	if err != nil {
		return fmt.Errorf("update user %s: %w", username, err)
	}
	return printUser(o.e, o.output, u, what)
}

// printUser writes one user, or "user/NAME what" as text.
func printUser(e *env, format string, u *model.User, what string) error {
	if format == outText {
		_, err := fmt.Fprintf(e.stdout, "user/%s %s\n", u.Username, what)
		return err
	}
	return printUsers(e.stdout, format, []model.User{*u}, true)
}
