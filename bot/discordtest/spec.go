package discordtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// specServer is where the spec's paths live (its "servers" entry); requests
// to the fake are rewritten onto it before routing.
const specServer = "https://discord.com/api/v10"

// spec validates requests against Discord's OpenAPI description.
//
// kin-openapi v0.152.0 reads this OpenAPI 3.1 document as it is: it honours
// `type` arrays and "null" types, and openapi3filter switches to its JSON
// Schema 2020-12 validator by itself for 3.1 documents, so no workaround is
// needed when loading. What is needed is in normalise: Discord types
// permission fields as integers yet accepts (and discordgo sends) them as
// numeric strings.
type spec struct {
	path   string
	router routers.Router
	// mu serialises validation: kin-openapi compiles and caches JSON Schema
	// validators lazily inside the shared document.
	mu sync.Mutex
}

// specs caches parsed specs by path for the whole test binary: parsing the
// 1.2 MB document takes about 0.2 s and every test starts a Server. The
// documents are only read after loading (under spec.mu).
var specs = struct {
	mu sync.Mutex
	m  map[string]*spec
}{m: map[string]*spec{}}

// loadSpec parses the OpenAPI file at path once per process.
func loadSpec(path string) (*spec, error) {
	specs.mu.Lock()
	defer specs.mu.Unlock()
	if sp, ok := specs.m[path]; ok {
		return sp, nil
	}
	doc, err := openapi3.NewLoader().LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("discordtest: load spec %s: %w", path, err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("discordtest: route spec %s: %w", path, err)
	}
	sp := &spec{path: path, router: router}
	specs.m[path] = sp
	return sp, nil
}

// errNoRoute marks a request for a path or method Discord does not have.
var errNoRoute = errors.New("no such route in Discord's API")

// validate checks one request, whose path is relative to the API base and
// whose body is JSON (the payload_json of a multipart request). It returns
// the spec's path template for the route (such as
// "/interactions/{interaction_id}/{interaction_token}/callback"), and an
// error wrapping errNoRoute, or a validation error.
func (sp *spec) validate(method, path, rawQuery string, header http.Header, body []byte) (string, error) {
	target := specServer + path
	if rawQuery != "" {
		target += "?" + rawQuery
	}
	if len(body) > 0 {
		var err error
		if body, err = normalise(body); err != nil {
			return "", fmt.Errorf("body is not JSON: %w", err)
		}
	}
	req, err := http.NewRequest(method, target, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("build request: %w", err)
	}
	if len(body) > 0 {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", header.Get("Authorization"))

	sp.mu.Lock()
	defer sp.mu.Unlock()
	route, params, err := sp.router.FindRoute(req)
	if err != nil {
		return "", fmt.Errorf("%w: %w", errNoRoute, err)
	}
	err = openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			AuthenticationFunc: authenticate,
			MultiError:         true,
		},
	})
	if err != nil {
		return route.Path, errors.New(shorten(err.Error()))
	}
	return route.Path, nil
}

// authenticate accepts the BotToken scheme when the request carries a bot
// token; a bot has no OAuth2 bearer token. Security alternatives with no
// scheme (interaction callbacks, webhooks) pass without calling it.
func authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	auth := in.RequestValidationInput.Request.Header.Get("Authorization")
	if in.SecuritySchemeName == "BotToken" && strings.HasPrefix(auth, "Bot ") && len(auth) > len("Bot ") {
		return nil
	}
	return fmt.Errorf("scheme %s: Authorization %q is not a bot token", in.SecuritySchemeName, redact(auth))
}

func redact(auth string) string {
	if i := strings.IndexByte(auth, ' '); i >= 0 {
		return auth[:i] + " …"
	}
	if auth == "" {
		return ""
	}
	return "…"
}

// permissionFields are the bitset fields Discord's spec types as integers
// while its API takes (and discordgo sends) decimal strings.
var permissionFields = map[string]bool{
	"default_member_permissions": true,
	"permissions":                true,
	"allow":                      true,
	"deny":                       true,
}

var decimal = regexp.MustCompile(`^(0|[1-9][0-9]{0,19})$`)

// normalise rewrites numeric strings in permission fields as JSON numbers so
// the spec's integer type accepts what Discord accepts.
func normalise(body []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("trailing data after JSON value")
	}
	return json.Marshal(walkPermissions(v))
}

func walkPermissions(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && permissionFields[k] && decimal.MatchString(s) {
				v[k] = json.Number(s)
				continue
			}
			v[k] = walkPermissions(x)
		}
	case []any:
		for i, x := range v {
			v[i] = walkPermissions(x)
		}
	}
	return v
}

// shorten drops the schema and value dumps kin-openapi appends to each
// error, keeping the reasons, so a violation fits on a screen.
func shorten(msg string) string {
	var b strings.Builder
	skip := false
	for _, line := range strings.Split(msg, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "Schema:" || t == "Value:":
			skip = true
			continue
		case strings.HasPrefix(t, "|") || strings.HasPrefix(line, "request body has an error") || !strings.HasPrefix(line, " "):
			skip = false
		}
		if skip {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(line)
	}
	out := b.String()
	if len(out) > 4000 {
		out = out[:4000] + " …"
	}
	return out
}
