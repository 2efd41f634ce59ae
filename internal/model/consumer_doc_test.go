package model

import (
	"slices"
	"strings"
	"testing"
)

func TestConsumerDocValidate(t *testing.T) {
	t.Parallel()
	fp := strings.Repeat("AB:", 31) + "AB"
	hashes := []string{strings.Repeat("a", 64), "nothex"}
	doc := &ConsumerDoc{Name: "bad name", Spec: ConsumerSpec{
		Environments: []string{"dev", "dev"},
		Roles:        []string{"r", "r"},
		APIs:         []string{"erp", "erp/get", "erp/a/b", "-x"},
		IPFilter:     &IPFilter{Enabled: true, CIDRs: []string{"10.0.0.0/8", "::1", "10.0.0.0/33"}},
		Certificates: []ConsumerCertificate{{Fingerprint: fp}, {Fingerprint: "12:34"}, {}},
		TokenHashes:  &hashes,
	}}
	err := doc.Validate()
	var paths []string
	for _, f := range err.(*ValidationError).Fields {
		paths = append(paths, f.Path)
	}
	want := []string{"name", "spec.roles[1]", "spec.certificates[2]", "spec.ipFilter.cidrs[2]", "spec.apis[2]", "spec.apis[3]",
		"spec.environments[1]", "spec.certificates[1].fingerprint", "spec.tokenHashes[1]"}
	slices.Sort(paths)
	slices.Sort(want)
	if !slices.Equal(paths, want) {
		t.Fatalf("paths = %v\nwant    %v", paths, want)
	}
	if got := doc.Consumer().Certificates[0].Fingerprint; got != strings.Repeat("ab", 32) {
		t.Fatalf("fingerprint not normalised: %q", got)
	}
	ok := &ConsumerDoc{Name: "ok@example.com", Spec: ConsumerSpec{APIs: []string{"erp"}}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
}
