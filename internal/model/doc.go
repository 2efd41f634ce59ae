// Package model holds Portico's domain types — components and their specs,
// revisions, packages, environments, deployments, snapshots, platform users
// and tokens — together with their validation. It performs no I/O and imports
// nothing else of Portico, so every other package can depend on it.
package model
