package cli

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/spf13/cobra"

	// The drivers the sqldb connector uses, for introspection.
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/manifest"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/scaffold"
)

// genDBOpts are the flags of `gen db`.
type genDBOpts struct {
	*clientOpts
	connection, api, base, version, title string
	tables                                []string
	all, rest, soap, odata, apply         bool
	outDir, dsn, driver                   string
}

func newGenDBCommand(e *env) *cobra.Command {
	g := &genDBOpts{}
	cmd := &cobra.Command{
		Use:   "db --connection NAME (--tables a,b | --all) --api NAME --base PATH --version V [-o DIR | --apply]",
		Short: "Generate a CRUD REST API over database tables",
		Long: `gen db reads the tables of a database (SQLite, PostgreSQL, MySQL/MariaDB) and writes
ordinary components you can edit: per table, processes to list (filters, sort, paging), get,
create, replace, patch, delete and upsert rows, and one API whose REST endpoints run them.
The processes use the existing database connection NAME.

The database is reached with the DSN of that connection, fetched from the control plane.
The platform API redacts secrets, so give the DSN with --dsn (and --driver) when the
connection's DSN holds a password.

Without -o or --apply the YAML goes to stdout; -o DIR writes one file per component;
--apply saves them all in one apply. Warnings (tables without a primary key, unsupported
column types) go to stderr.`,
		Example: `  portico gen db --connection erp --all --api erp --base erp --version v1 -o gen/
  portico gen db --connection erp --tables customers,orders --api erp --base erp --version v1 --apply
  portico gen db --connection erp --all --api erp --base erp --version v1 \
      --driver postgres --dsn 'postgres://app:secret@db:5432/erp' --apply`,
		Args: exactArgs(),
	}
	f := cmd.Flags()
	f.StringVar(&g.connection, "connection", "", "the database connection the processes use (required)")
	f.StringSliceVar(&g.tables, "tables", nil, "tables to expose, comma-separated")
	f.BoolVar(&g.all, "all", false, "expose every table")
	f.StringVar(&g.api, "api", "", "name of the API component (required)")
	f.StringVar(&g.base, "base", "", "the API's base path, e.g. erp (required)")
	f.StringVar(&g.version, "version", "", "the API's version, e.g. v1 (required)")
	f.StringVar(&g.title, "title", "", "the API's title")
	f.BoolVar(&g.rest, "rest", true, "generate REST endpoints")
	f.BoolVar(&g.soap, "soap", false, "also expose the CRUD processes as SOAP operations (WSDL at /ws/soap/{base}/{version}?wsdl)")
	f.BoolVar(&g.odata, "odata", false, "generate OData entity sets (one per table, navigation from foreign keys)")
	f.StringVarP(&g.outDir, "out", "o", "", "write one YAML file per component into this directory")
	f.BoolVar(&g.apply, "apply", false, "apply the components to the control plane")
	f.StringVar(&g.dsn, "dsn", "", "database DSN to introspect (default: the connection's, from the control plane)")
	f.StringVar(&g.driver, "driver", "", "database driver with --dsn: sqlite, postgres or mysql")
	g.clientOpts = addClientFlags(cmd, e)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error { return g.run(cmd.Context(), e) }
	return cmd
}

func (g *genDBOpts) check() error {
	for _, n := range []struct{ flag, v string }{{"connection", g.connection}, {"api", g.api}, {"base", g.base}, {"version", g.version}} {
		if n.v == "" {
			return usagef("flag --%s is required", n.flag)
		}
	}
	switch {
	case g.all == (len(g.tables) > 0):
		return usagef("give either --tables or --all")
	case g.outDir != "" && g.apply:
		return usagef("give -o or --apply, not both")
	case g.dsn != "" && g.driver == "":
		return usagef("--dsn needs --driver (sqlite, postgres or mysql)")
	}
	for _, style := range []struct {
		on   bool
		name string
	}{{g.soap, scaffold.StyleSOAP}, {g.odata, scaffold.StyleOData}} {
		if style.on {
			if _, err := scaffold.NewGenerator(style.name); err != nil {
				return usagef("--%s: %v", style.name, err)
			}
		}
	}
	if !g.rest && !g.odata {
		return usagef("nothing to generate: give --rest or --odata")
	}
	return nil
}

func (g *genDBOpts) run(ctx context.Context, e *env) error {
	if err := g.check(); err != nil {
		return err
	}
	driver, dsn, err := g.source(ctx)
	if err != nil {
		return err
	}
	db, err := openIntrospection(driver, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	in, err := scaffold.Introspect(ctx, db, driver, g.tables)
	if err != nil {
		return fmt.Errorf("introspect %s database: %w", driver, err)
	}
	res, err := g.generate(in)
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(e.stderr, "warning: "+w)
	}
	switch {
	case g.apply:
		c, err := g.client()
		if err != nil {
			return err
		}
		results, err := c.Apply(ctx, client.ApplyRequest{Components: res.Components})
		if err != nil {
			return applyError(err)
		}
		printApplyResults(e, results, false)
		return nil
	case g.outDir != "":
		return writeComponentFiles(e, g.outDir, res.Components)
	}
	docs := make([][]byte, 0, len(res.Components))
	for _, c := range res.Components {
		b, err := manifest.EncodeComponent(c)
		if err != nil {
			return err
		}
		docs = append(docs, b)
	}
	_, err = e.stdout.Write(manifest.Join(docs))
	return err
}

// source is the driver and DSN to introspect: the flags, else the
// connection's spec from the control plane.
func (g *genDBOpts) source(ctx context.Context) (driver, dsn string, err error) {
	if g.dsn != "" {
		return g.driver, g.dsn, nil
	}
	c, err := g.client()
	if err != nil {
		return "", "", err
	}
	comp, err := c.GetComponent(ctx, model.Ref{Kind: model.KindConnection, Name: g.connection})
	if err != nil {
		return "", "", fmt.Errorf("connection %s: %w", g.connection, err)
	}
	spec, ok := comp.Spec.(*model.ConnectionSpec)
	if !ok || spec.Database == nil {
		return "", "", usagef("connection %s is not a database connection", g.connection)
	}
	dsn = spec.Database.DSN.Reveal()
	if strings.Contains(dsn, string(model.RedactedSecret)) {
		return "", "", usagef("the control plane redacts the DSN of connection %s: give it with --dsn and --driver %s", g.connection, spec.Database.Driver)
	}
	if g.driver != "" && g.driver != spec.Database.Driver {
		return "", "", usagef("--driver %s does not match connection %s (%s)", g.driver, g.connection, spec.Database.Driver)
	}
	return spec.Database.Driver, dsn, nil
}

// openIntrospection opens the database with the drivers the runtime uses.
func openIntrospection(driver, dsn string) (*sql.DB, error) {
	switch driver {
	case "sqlite":
		return sql.Open("sqlite", dsn)
	case "postgres":
		return sql.Open("pgx", dsn)
	case "mysql":
		cfg, err := mysql.ParseDSN(dsn)
		if err != nil {
			return nil, usagef("mysql DSN: %v", err)
		}
		conn, err := mysql.NewConnector(cfg)
		if err != nil {
			return nil, usagef("mysql DSN: %v", err)
		}
		return sql.OpenDB(conn), nil
	}
	return nil, usagef("--driver %q is not supported (want sqlite, postgres or mysql)", driver)
}

// writeComponentFiles writes kind-name.yaml per component into dir.
func writeComponentFiles(e *env, dir string, comps []*model.Component) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, c := range comps {
		b, err := manifest.EncodeComponent(c)
		if err != nil {
			return err
		}
		path := filepath.Join(dir, string(c.Kind)+"-"+c.Name+".yaml")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "wrote "+path)
	}
	return nil
}

// generate runs the styles asked for; with --rest and --odata, one API
// carries both the REST endpoints and the OData entity sets.
func (g *genDBOpts) generate(in *scaffold.Database) (*scaffold.Result, error) {
	opts := scaffold.Options{Connection: g.connection, API: g.api, BasePath: g.base, Version: g.version, Title: g.title}
	style := scaffold.StyleREST
	switch {
	case g.soap:
		// The SOAP operations run the REST endpoints' processes.
		style = scaffold.StyleSOAP
	case !g.rest:
		style = scaffold.StyleOData
	}
	gen, err := scaffold.NewGenerator(style)
	if err != nil {
		return nil, err
	}
	res, err := gen.Generate(in, opts)
	if err != nil || !g.odata || style == scaffold.StyleOData {
		return res, err
	}
	spec, warnings, err := scaffold.OData(in, opts)
	if err != nil {
		return nil, err
	}
	res.Warnings = append(res.Warnings, warnings...)
	for _, c := range res.Components {
		if api, ok := c.Spec.(*model.APISpec); ok {
			api.OData = spec
			if err := api.Validate(); err != nil {
				return nil, fmt.Errorf("generated api/%s: %w", c.Name, err)
			}
		}
	}
	return res, nil
}
