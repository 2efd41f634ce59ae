package policy

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
)

// Prefixes is an immutable list of addresses and CIDRs.
type Prefixes []netip.Prefix

// ParsePrefixes reads addresses ("10.0.0.1") and CIDRs ("10.0.0.0/8").
func ParsePrefixes(list []string) (Prefixes, error) {
	out := make(Prefixes, 0, len(list))
	for _, s := range list {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return nil, fmt.Errorf("policy: %q is not an address or CIDR", s)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// Contains reports whether a is in one of the prefixes. IPv4 addresses
// mapped into IPv6 (::ffff:10.0.0.1) are compared as IPv4.
func (ps Prefixes) Contains(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// IPFilter is the environment's allow and deny lists: deny wins, and an
// empty allow list allows every address not denied.
type IPFilter struct {
	allow, deny Prefixes
}

// NewIPFilter compiles the lists.
func NewIPFilter(allow, deny []string) (*IPFilter, error) {
	a, err := ParsePrefixes(allow)
	if err != nil {
		return nil, err
	}
	d, err := ParsePrefixes(deny)
	if err != nil {
		return nil, err
	}
	return &IPFilter{allow: a, deny: d}, nil
}

// Allows reports whether a may call.
func (f *IPFilter) Allows(a netip.Addr) bool {
	if f == nil {
		return true
	}
	if f.deny.Contains(a) {
		return false
	}
	return len(f.allow) == 0 || f.allow.Contains(a)
}

// ConsumerIPFilter is a consumer's allow-list; switched on with no CIDR it
// blocks everything.
type ConsumerIPFilter struct {
	allow Prefixes
}

// Allows reports whether a may call; a nil filter allows all.
func (f *ConsumerIPFilter) Allows(a netip.Addr) bool {
	return f == nil || f.allow.Contains(a)
}

// RemoteAddr is the TCP peer of a request. The IP filters look at the peer
// only: a forwarded-for header is the caller's word and filters nothing.
func RemoteAddr(r *http.Request) (netip.Addr, bool) {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err == nil {
		return ap.Addr().Unmap(), true
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}
