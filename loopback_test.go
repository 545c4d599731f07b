package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net/netip"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// No test reaches beyond 127.0.0.1. A literal private, metadata or public
// address in a test is one broken check away from real traffic, so each
// must sit in a function listed here, and each listed function must show
// why it cannot dial: it routes every fetch through the ingest tests'
// guard (which refuses all but loopback before connect and records
// "would have connected to 10.0.0.1"), or it never dials at all.
var literalAddressAllowed = map[string]map[string]addressUse{
	"ingest/fetch_test.go": {
		"TestFetchRefusals":       throughGuard,
		"TestFetchRefusalMessage": throughGuard,
		"TestIsInternal":          neverDials, // a table for the address predicate
	},
	"ingest/netguard_test.go": {
		"TestNetGuardRefusesWithoutTheCheck": throughGuard,
	},
	"loopback_test.go": {
		"TestLiteralAddressScannerFails": neverDials, // the scanner's own sample
	},
}

type addressUse int

const (
	throughGuard addressUse = iota + 1 // uses guarded(...) or the netGuard itself
	neverDials                         // calls nothing that opens a connection
)

// dialingCalls are the calls that open connections or send requests.
var dialingCalls = []string{"Fetch", "Dial", "DialContext", "DialTimeout", "Get", "Head", "Post", "PostForm", "Do", "RoundTrip", "Listen", "ListenPacket"}

func TestTestsDialOnlyLoopback(t *testing.T) {
	seen := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "vendor") {
				return fs.SkipDir
			}
			return nil
		}
		if !isTestCode(path) {
			return nil
		}
		path = filepath.ToSlash(path)
		findings, err := literalAddresses(path, nil)
		if err != nil {
			return err
		}
		for _, f := range findings {
			seen[path+" "+f.fn] = true
			use, ok := literalAddressAllowed[path][f.fn]
			if !ok {
				t.Errorf("%s: literal address %s in %s: a test may dial only loopback; use 127.0.0.1 or fetch it through the ingest tests' guarded Fetcher and list the function in literalAddressAllowed", f.pos, f.addr, f.fnName())
				continue
			}
			if msg := use.violated(f.body); msg != "" {
				t.Errorf("%s: %s is allowed literal addresses because it %s, but %s", f.pos, f.fn, use, msg)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The list stays narrow: an entry whose function no longer holds an
	// address goes.
	for file, fns := range literalAddressAllowed {
		for fn := range fns {
			if !seen[file+" "+fn] {
				t.Errorf("literalAddressAllowed lists %s %s, which holds no literal address any more: remove the entry", file, fn)
			}
		}
	}
}

// The check can fail: a sample test dialling a private address is found,
// in string literals and in net.IPv4/netip.AddrFrom4 forms, while
// loopback, times and version numbers are not.
func TestLiteralAddressScannerFails(t *testing.T) {
	const sample = `package x
func TestDials(t *testing.T) {
	http.Get("http://10.0.0.1/")
	d.Dial("tcp", "[fd00::1]:80")
	_ = net.IPv4(169, 254, 169, 254)
	_ = netip.AddrFrom4([4]byte{192, 168, 1, 1})
	_ = []string{"127.0.0.1:0", "[::1]:80", "::ffff:127.0.0.1", "12:30:45", "v1.2.3", "::", "ask:page::1"}
}`
	findings, err := literalAddresses("sample_test.go", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range findings {
		got = append(got, f.fn+" "+f.addr)
	}
	want := []string{"TestDials 10.0.0.1", "TestDials fd00::1", "TestDials 169.254.169.254", "TestDials 192.168.1.1"}
	if !slices.Equal(got, want) {
		t.Errorf("scanner found %q, want %q: a test dialling a private address would go unnoticed", got, want)
	}
	if msg := neverDials.violated(findings[0].body); msg == "" {
		t.Error("neverDials accepted a function that calls http.Get")
	}
}

// isTestCode reports whether path is code that only tests run: test files
// and the fake-Discord package.
func isTestCode(path string) bool {
	if !strings.HasSuffix(path, ".go") {
		return false
	}
	return strings.HasSuffix(path, "_test.go") || strings.HasPrefix(filepath.ToSlash(path), "bot/discordtest/")
}

type addressFinding struct {
	pos  token.Position
	addr string
	fn   string // enclosing top-level function, "" at package level
	body *ast.BlockStmt
}

func (f addressFinding) fnName() string {
	if f.fn == "" {
		return "a package-level declaration"
	}
	return f.fn
}

var (
	ipv4Literal = regexp.MustCompile(`(?:^|[^0-9.])((?:[0-9]{1,3}\.){3}[0-9]{1,3})(?:$|[^0-9.])`)
	ipv6Literal = regexp.MustCompile(`[0-9A-Za-z:.]*:[0-9A-Za-z:.]*:[0-9A-Za-z:.]*`) // whole words: not the "e::1" of "page::1"
)

// literalAddresses lists the non-loopback IP addresses written in the Go
// file path (src, if given, instead of the file): in string literals, and
// as net.IPv4(a, b, c, d) or netip.AddrFrom4([4]byte{a, b, c, d}).
func literalAddresses(path string, src []byte) ([]addressFinding, error) {
	fset := token.NewFileSet()
	var file *ast.File
	var err error
	if src != nil {
		file, err = parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	} else {
		file, err = parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	}
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	var out []addressFinding
	for _, decl := range file.Decls {
		fn, body := "", (*ast.BlockStmt)(nil)
		if fd, ok := decl.(*ast.FuncDecl); ok {
			fn, body = fd.Name.Name, fd.Body
		}
		ast.Inspect(decl, func(n ast.Node) bool {
			var addrs []string
			switch n := n.(type) {
			case *ast.BasicLit:
				if n.Kind == token.STRING {
					if s, err := strconv.Unquote(n.Value); err == nil {
						addrs = addressesIn(s)
					}
				}
			case *ast.CallExpr:
				if name := calleeName(n); name == "IPv4" || name == "AddrFrom4" {
					addrs = fourOctets(n)
				}
			}
			for _, a := range addrs {
				out = append(out, addressFinding{pos: fset.Position(n.Pos()), addr: a, fn: fn, body: body})
			}
			return true
		})
	}
	return out, nil
}

// addressesIn returns the non-loopback IP addresses written in s.
func addressesIn(s string) []string {
	var found []string
	for _, m := range ipv4Literal.FindAllStringSubmatch(s, -1) {
		found = append(found, m[1])
	}
	for _, m := range ipv6Literal.FindAllString(s, -1) {
		if strings.ContainsAny(m, "0123456789abcdefABCDEF") {
			found = append(found, m)
		}
	}
	var out []string
	for _, f := range found {
		a, err := netip.ParseAddr(f)
		if err != nil || a.Unmap().IsLoopback() {
			continue
		}
		out = append(out, a.String())
	}
	return out
}

// fourOctets reads net.IPv4(a, b, c, d) and netip.AddrFrom4([4]byte{...}).
func fourOctets(call *ast.CallExpr) []string {
	args := call.Args
	if len(args) == 1 {
		if cl, ok := args[0].(*ast.CompositeLit); ok {
			args = cl.Elts
		}
	}
	if len(args) != 4 {
		return nil
	}
	var b [4]byte
	for i, a := range args {
		lit, ok := a.(*ast.BasicLit)
		if !ok || lit.Kind != token.INT {
			return nil
		}
		v, err := strconv.ParseUint(lit.Value, 0, 8)
		if err != nil {
			return nil
		}
		b[i] = byte(v)
	}
	if a := netip.AddrFrom4(b); !a.IsLoopback() {
		return []string{a.String()}
	}
	return nil
}

func calleeName(call *ast.CallExpr) string {
	switch f := call.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

func (u addressUse) String() string {
	if u == throughGuard {
		return "fetches through the ingest tests' network guard"
	}
	return "never dials"
}

// violated says how body breaks the promise u, or "" if it keeps it.
func (u addressUse) violated(body *ast.BlockStmt) string {
	if body == nil {
		return "the address is outside any function"
	}
	var guard bool
	var dials []string
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			if n.Name == "guarded" || n.Name == "netGuard" {
				guard = true
			}
		case *ast.CallExpr:
			if name := calleeName(n); slices.Contains(dialingCalls, name) {
				dials = append(dials, name)
			}
		}
		return true
	})
	switch {
	case u == throughGuard && !guard:
		return "it no longer uses guarded(...)"
	case u == neverDials && len(dials) > 0:
		return "it calls " + strings.Join(dials, ", ")
	}
	return ""
}
