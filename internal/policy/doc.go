// Package policy holds the runtime's security policies: who is calling
// (authentication per listener type), from where (IP filters), what they may
// call (authorization by API filter and endpoint roles) and which browsers
// may call cross-origin (CORS). Each policy is a small immutable value
// compiled once per snapshot; Chain strings them into one http.Handler
// wrapper in the order accept → IP filter → route → authenticate → consumer
// IP filter → authorize, so a request reads only immutable maps and takes no
// lock on its way in.
package policy
