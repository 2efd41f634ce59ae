// Package bench holds Portico's end-to-end benchmarks: real HTTP from a
// keep-alive client to a real server, compared with the same work done by a
// bare net/http handler in the same run. See README.md.
package bench
