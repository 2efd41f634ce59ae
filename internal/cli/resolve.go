package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/model"
)

// rootKinds are the kinds that can be packaged and deployed, in the order a
// plain name is looked up.
var rootKinds = []model.Kind{model.KindAPI, model.KindProxy, model.KindProcess}

// splitNameVersion reads NAME[@VERSION] ("erp@1.0.0", "api/erp").
func splitNameVersion(s string) (name, version string, err error) {
	name, version, hasAt := strings.Cut(s, "@")
	if name == "" {
		return "", "", usagef("%q: the name is missing (want NAME or NAME@VERSION)", s)
	}
	if hasAt && version == "" {
		return "", "", usagef("%q: the version after @ is missing (want NAME@VERSION, e.g. erp@1.0.0)", s)
	}
	if hasAt && !model.ValidPackageVersion(version) {
		return "", "", usagef("%q: %q is not a package version (e.g. 1.0.0)", s, version)
	}
	return name, version, nil
}

// parseRootName reads "api/erp" or "erp" with an optional --kind. known is
// false when a plain name without --kind still has to be looked up.
func parseRootName(name, kind string) (ref model.Ref, known bool, err error) {
	if k, n, ok := strings.Cut(name, "/"); ok {
		if kind != "" {
			return model.Ref{}, false, usagef("give the kind once: either %q or --kind %s", name, kind)
		}
		kind, name = k, n
	}
	if !model.ValidName(name) {
		return model.Ref{}, false, usagef("%q is not a valid component name", name)
	}
	if kind == "" {
		return model.Ref{Name: name}, false, nil
	}
	k, err := model.ParseKind(kind)
	if err != nil {
		return model.Ref{}, false, &usageError{err: err}
	}
	if !k.IsRoot() {
		return model.Ref{}, false, usagef("a %s cannot be packaged or deployed (want api, proxy or process)", k)
	}
	return model.Ref{Kind: k, Name: name}, true, nil
}

// resolveRoot finds the root component a user means by name: "api/erp" as
// written, or a plain "erp" that exactly one root kind has (among current
// components, then among packages of deleted ones).
func resolveRoot(ctx context.Context, c *client.Client, name, kind string) (model.Ref, error) {
	ref, known, err := parseRootName(name, kind)
	if err != nil || known {
		return ref, err
	}
	found, err := rootsNamed(ctx, c, ref.Name)
	if err != nil {
		return model.Ref{}, err
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return model.Ref{}, fmt.Errorf("%w: no api, proxy or process named %q (list them with `portico get components`)", model.ErrNotFound, ref.Name)
	}
	alts := make([]string, len(found))
	for i, r := range found {
		alts[i] = r.String()
	}
	return model.Ref{}, usagef("%q is ambiguous: it names %s; write one of them (or use --kind)", ref.Name, strings.Join(alts, " and "))
}

// rootsNamed lists the root kinds that have a component, or else a package,
// called name.
func rootsNamed(ctx context.Context, c *client.Client, name string) ([]model.Ref, error) {
	var found []model.Ref
	for _, k := range rootKinds {
		ref := model.Ref{Kind: k, Name: name}
		_, err := c.GetComponent(ctx, ref)
		if errors.Is(err, model.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		found = append(found, ref)
	}
	if len(found) > 0 {
		return found, nil
	}
	for _, k := range rootKinds {
		ref := model.Ref{Kind: k, Name: name}
		p, err := c.ListPackages(ctx, &ref, client.ListOptions{Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(p.Items) > 0 {
			found = append(found, ref)
		}
	}
	return found, nil
}
