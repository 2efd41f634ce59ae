// Command testreport reads `go test -json` on stdin, prints the usual
// per-package lines and failures, lists every skipped test with its reason,
// and ends with one "N passed, N failed, N skipped" line. It exits non-zero
// when a test or a package failed, or when -no-skip is set and a test skipped.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

type key struct{ pkg, test string }

func main() {
	noSkip := flag.Bool("no-skip", false, "fail when any test skipped (CI)")
	flag.Parse()
	os.Exit(run(os.Stdin, os.Stdout, *noSkip))
}

func run(in io.Reader, out io.Writer, noSkip bool) int {
	outputs := map[key][]string{}
	var passed, failed, skipped int
	var failures, skips []string
	pkgFailed := false
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil {
			// Build errors and the like arrive as plain text.
			fmt.Fprintln(out, string(line))
			continue
		}
		k := key{e.Package, e.Test}
		switch e.Action {
		case "output":
			if e.Test == "" {
				if strings.HasPrefix(e.Output, "ok ") || strings.HasPrefix(e.Output, "FAIL") ||
					strings.HasPrefix(e.Output, "?") || strings.HasPrefix(e.Output, "---") ||
					strings.Contains(e.Output, "[build failed]") || strings.HasPrefix(e.Output, "panic") {
					fmt.Fprint(out, e.Output)
				}
			}
			outputs[k] = append(outputs[k], e.Output)
		case "pass":
			if e.Test != "" {
				passed++
			}
			delete(outputs, k)
		case "skip":
			if e.Test != "" {
				skipped++
				skips = append(skips, fmt.Sprintf("%s %s: %s", e.Package, e.Test, skipReason(outputs[k])))
			}
			delete(outputs, k)
		case "fail":
			if e.Test != "" {
				failed++
				failures = append(failures, fmt.Sprintf("--- FAIL: %s %s\n%s", e.Package, e.Test, strings.Join(outputs[k], "")))
			} else {
				pkgFailed = true
				if o := outputs[k]; len(o) > 0 {
					failures = append(failures, fmt.Sprintf("--- FAIL: package %s\n%s", e.Package, strings.Join(o, "")))
				}
			}
			delete(outputs, k)
		}
	}
	if len(failures) > 0 {
		fmt.Fprintln(out, "\nFailures:")
		for _, f := range failures {
			fmt.Fprintln(out, f)
		}
	}
	if len(skips) > 0 {
		sort.Strings(skips)
		fmt.Fprintln(out, "\nSkipped tests:")
		for _, s := range skips {
			fmt.Fprintln(out, "  SKIP", s)
		}
	}
	fmt.Fprintf(out, "\n%d passed, %d failed, %d skipped\n", passed, failed, skipped)
	switch {
	case failed > 0 || pkgFailed:
		return 1
	case noSkip && skipped > 0:
		fmt.Fprintln(out, "tests were skipped, which CI does not allow")
		return 1
	}
	return 0
}

// skipReason finds the message given to t.Skip in a test's output.
func skipReason(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l == "" || strings.HasPrefix(l, "--- SKIP") || strings.HasPrefix(l, "=== ") {
			continue
		}
		return l
	}
	return "(no reason given)"
}
