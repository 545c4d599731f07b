package discordtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"sitrep/internal/textclip"
)

// Request is one REST request the fake received.
type Request struct {
	Method string
	// Path is below the API base and without query, e.g. "/channels/1/messages".
	Path  string
	Query url.Values
	// Route is the spec's template for Path, e.g.
	// "/channels/{channel_id}/messages"; empty without validation or when
	// Discord has no such route.
	Route  string
	Header http.Header
	// Body is the JSON body, or the payload_json part of a multipart body;
	// nil when the request had none.
	Body json.RawMessage
	// Files are the files of a multipart body, in order.
	Files []File
	// Status is the HTTP status the fake answered with.
	Status   int
	Received time.Time
}

// File is a file attached to a multipart request.
type File struct {
	Field       string // form field, "files[0]"…
	Name        string
	ContentType string
	Data        []byte
}

// Decode unmarshals the request's JSON body into v, for example a
// *discordgo.InteractionResponse or a *discordgo.MessageSend.
func (r Request) Decode(v any) error {
	if len(r.Body) == 0 {
		return fmt.Errorf("discordtest: %s %s has no body", r.Method, r.Path)
	}
	if err := json.Unmarshal(r.Body, v); err != nil {
		return fmt.Errorf("discordtest: decode body of %s %s: %w", r.Method, r.Path, err)
	}
	return nil
}

// RouteFunc answers a request to a route added with Handle: params holds the
// pattern's "{name}" segments. It returns the status and a body to encode as
// JSON (nil for none).
type RouteFunc func(r Request, params map[string]string) (status int, body any)

type route struct {
	method, pattern string
	fn              func(*Request, map[string]string) (int, any)
}

// Handle answers method and pattern (as in WaitRequest, "{name}" segments
// match one segment) with fn, before the built-in routes, so a test can add
// a route the fake lacks or make one fail. Requests are still validated and
// recorded.
func (s *Server) Handle(method, pattern string, fn RouteFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.routes = append(s.routes, route{method, pattern, func(r *Request, p map[string]string) (int, any) { return fn(*r, p) }})
}

// Failure makes requests to a route fail, as Discord sometimes does.
type Failure struct {
	// Status is the HTTP status answered: 500, 502, 503 with Discord's
	// generic error body, 429 with a rate-limit body.
	Status int
	// Times is how many requests fail before the route works again; 0
	// fails them all until Fail is called again.
	Times int
	// RetryAfter is the wait a 429 asks for (retry_after).
	RetryAfter time.Duration
}

type failure struct {
	method, pattern string
	f               Failure
	left            int
}

// Fail makes the requests for method and pattern (as in WaitRequest) fail
// as f says, after validation and recording; a zero Failure undoes it.
func (s *Server) Fail(method, pattern string, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.failures[:0]
	for _, old := range s.failures {
		if old.method != method || old.pattern != pattern {
			kept = append(kept, old)
		}
	}
	s.failures = kept
	if f.Status != 0 {
		s.failures = append(s.failures, &failure{method: method, pattern: pattern, f: f, left: f.Times})
	}
}

// injectedFailure returns the failure due for req, if any.
func (s *Server) injectedFailure(req *Request) (int, any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, fl := range s.failures {
		if fl.method != req.Method || matchPath(fl.pattern, req.Path) == nil {
			continue
		}
		if fl.f.Times > 0 {
			if fl.left == 0 {
				continue
			}
			fl.left--
		}
		if fl.f.Status == http.StatusTooManyRequests {
			return fl.f.Status, map[string]any{"message": "You are being rate limited.",
				"retry_after": fl.f.RetryAfter.Seconds(), "global": false}, true
		}
		return fl.f.Status, discordError(0, http.StatusText(fl.f.Status)), true
	}
	return 0, nil, false
}

var (
	apiPrefix = regexp.MustCompile(`^/api/v[0-9]+(/.*)$`)
	fileField = regexp.MustCompile(`^files\[[0-9]+\]$`)
)

// serveREST validates, answers and records one REST request.
func (s *Server) serveREST(w http.ResponseWriter, r *http.Request) {
	received := time.Now()
	m := apiPrefix.FindStringSubmatch(r.URL.Path)
	if m == nil {
		s.violate(fmt.Errorf("%s %s: not under /api/v<N>/", r.Method, r.URL.Path))
		writeJSON(w, http.StatusNotFound, discordError(0, "404: Not Found"))
		return
	}
	req := &Request{
		Method:   r.Method,
		Path:     m[1],
		Query:    r.URL.Query(),
		Header:   r.Header.Clone(),
		Received: received,
	}
	status, body := s.handle(r, req)
	req.Status = status

	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.notifyLocked()
	s.mu.Unlock()
	writeJSON(w, status, body)
}

// handle reads, validates and answers req.
func (s *Server) handle(r *http.Request, req *Request) (int, any) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		s.violate(fmt.Errorf("%s %s: read body: %w", req.Method, req.Path, err))
		return http.StatusBadRequest, discordError(0, "400: Bad Request")
	}
	if len(raw) > 0 {
		mediaType, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		switch {
		case err != nil:
			s.violate(fmt.Errorf("%s %s: body with Content-Type %q: %w", req.Method, req.Path, r.Header.Get("Content-Type"), err))
			return http.StatusBadRequest, discordError(50035, "Invalid Form Body")
		case mediaType == "application/json":
			req.Body = raw
		case mediaType == "multipart/form-data":
			if req.Body, req.Files, err = parseMultipart(raw, params["boundary"]); err != nil {
				s.violate(fmt.Errorf("%s %s: %w", req.Method, req.Path, err))
				return http.StatusBadRequest, discordError(50035, "Invalid Form Body")
			}
		default:
			s.violate(fmt.Errorf("%s %s: Content-Type %s: want application/json or multipart/form-data", req.Method, req.Path, mediaType))
			return http.StatusBadRequest, discordError(50035, "Invalid Form Body")
		}
	}
	if s.spec != nil {
		tmpl, err := s.spec.validate(req.Method, req.Path, r.URL.RawQuery, r.Header, req.Body)
		req.Route = tmpl
		switch {
		case errors.Is(err, errNoRoute):
			s.violate(fmt.Errorf("%s %s: %w", req.Method, req.Path, err))
			return http.StatusNotFound, discordError(0, "404: Not Found")
		case err != nil:
			s.violate(fmt.Errorf("%s %s (route %s) breaks Discord's spec: %w\nbody: %s", req.Method, req.Path, tmpl, err, clip(req.Body)))
			return http.StatusBadRequest, discordError(50035, "Invalid Form Body")
		}
	}
	if err := checkContentLength(req.Body); err != nil {
		s.violate(fmt.Errorf("%s %s: %w", req.Method, req.Path, err))
		return http.StatusBadRequest, discordError(50035, "Invalid Form Body")
	}
	// discordgo sends its token with every request, even where Discord
	// needs none (interaction callbacks, webhooks).
	if !strings.HasPrefix(req.Header.Get("Authorization"), "Bot ") {
		s.violate(fmt.Errorf("%s %s: no bot token in Authorization", req.Method, req.Path))
		return http.StatusUnauthorized, discordError(0, "401: Unauthorized")
	}

	if status, body, ok := s.injectedFailure(req); ok {
		return status, body
	}
	s.mu.Lock()
	custom := append([]route(nil), s.routes...)
	s.mu.Unlock()
	for _, rt := range append(custom, s.builtinRoutes()...) {
		if rt.method != req.Method {
			continue
		}
		if params := matchPath(rt.pattern, req.Path); params != nil {
			return rt.fn(req, params)
		}
	}
	s.violate(fmt.Errorf("%s %s: the fake Discord does not implement this route; add it to discordtest or use Server.Handle", req.Method, req.Path))
	return http.StatusNotFound, discordError(0, "404: Not Found")
}

// parseMultipart splits a multipart body as Discord reads it: the JSON
// payload in payload_json, files in files[n].
func parseMultipart(raw []byte, boundary string) (json.RawMessage, []File, error) {
	if boundary == "" {
		return nil, nil, errors.New("multipart body without boundary")
	}
	mr := multipart.NewReader(bytes.NewReader(raw), boundary)
	var payload json.RawMessage
	var files []File
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("read multipart body: %w", err)
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return nil, nil, fmt.Errorf("read multipart part %q: %w", part.FormName(), err)
		}
		switch name := part.FormName(); {
		case name == "payload_json":
			payload = data
		case fileField.MatchString(name):
			files = append(files, File{Field: name, Name: part.FileName(), ContentType: part.Header.Get("Content-Type"), Data: data})
		default:
			return nil, nil, fmt.Errorf("multipart field %q: Discord reads only payload_json and files[n]", name)
		}
	}
	if payload == nil {
		return nil, nil, errors.New("multipart body without payload_json")
	}
	return payload, files, nil
}

// matchPath matches path against pattern segment by segment; "{name}" and
// "*" match any one segment. It returns the named segments, or nil when
// path does not match.
func matchPath(pattern, path string) map[string]string {
	ps := strings.Split(strings.Trim(pattern, "/"), "/")
	xs := strings.Split(strings.Trim(path, "/"), "/")
	if len(ps) != len(xs) {
		return nil
	}
	params := map[string]string{}
	for i, p := range ps {
		switch {
		case p == "*":
		case strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}"):
			params[p[1:len(p)-1]] = xs[i]
		case p != xs[i]:
			return nil
		}
	}
	return params
}

// writeJSON writes body as JSON with status; nil body writes none.
func writeJSON(w http.ResponseWriter, status int, body any) {
	if body == nil || status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	data, err := json.Marshal(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(data)
}

// discordError is Discord's JSON error body.
func discordError(code int, message string) map[string]any {
	return map[string]any{"code": code, "message": message}
}

// clip keeps a violation's quoted body short enough to read.
func clip(b []byte) string {
	if cut := textclip.Bytes(string(b), 1000); len(cut) < len(b) {
		return cut + " …"
	}
	return string(b)
}

// maxContent is the length limit of a bot's message content. Discord's spec
// says 4000, the limit for users with Nitro; bots get 2000.
const maxContent = 2000

// checkContentLength applies maxContent to a message body ("content") or an
// interaction callback ("data.content").
func checkContentLength(body json.RawMessage) error {
	var msg struct {
		Content *string `json:"content"`
		Data    *struct {
			Content *string `json:"content"`
		} `json:"data"`
	}
	if len(body) == 0 || json.Unmarshal(body, &msg) != nil {
		return nil // not a message; the spec judges the rest
	}
	content := msg.Content
	if content == nil && msg.Data != nil {
		content = msg.Data.Content
	}
	if content != nil && utf8.RuneCountInString(*content) > maxContent {
		return fmt.Errorf("content has %d characters; a bot's message must be %d or fewer", utf8.RuneCountInString(*content), maxContent)
	}
	return nil
}
