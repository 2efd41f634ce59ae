package cli

import (
	"runtime"
	"runtime/debug"

	"github.com/portico-dev/portico/internal/client"
)

// version is the release label; release builds set it with
// -ldflags "-X github.com/portico-dev/portico/internal/cli.version=1.2.3".
// Otherwise the module version Go recorded is used.
var version = ""

// buildInfo reports this binary's version, commit and Go version.
func buildInfo() client.VersionInfo {
	v := client.VersionInfo{Version: version, Commit: "unknown", GoVersion: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if ok {
		if v.Version == "" && bi.Main.Version != "" {
			v.Version = bi.Main.Version
		}
		dirty := false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Commit = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if dirty && v.Commit != "unknown" {
			v.Commit += "-dirty"
		}
	}
	if v.Version == "" {
		v.Version = "(devel)"
	}
	return v
}
