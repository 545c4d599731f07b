package feeds

import (
	"net/url"
	"sort"
	"strings"
)

// trackingParams are query parameters that say where a click came from,
// not what was asked for: two links that differ only in them are one
// article. utm_* is matched by prefix.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gclsrc": true, "msclkid": true, "yclid": true,
	"mc_cid": true, "mc_eid": true, "_ga": true, "_gl": true, "igshid": true, "ref_src": true,
	"cmpid": true, "ocid": true, "ncid": true, "at_medium": true, "at_campaign": true,
	"rss": true, "cmp": true, "__twitter_impression": true, "wt.mc_id": true, "s_cid": true,
}

// NormalizeURL returns the form of a link that dedup compares: scheme and
// host lower-cased, default port, fragment, tracking parameters and a
// trailing slash dropped, the remaining query sorted. A link that is not
// an absolute http(s) URL is returned trimmed, unchanged otherwise.
func NormalizeURL(raw string) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "HTTP" && u.Scheme != "HTTPS") || u.Host == "" {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			lk := strings.ToLower(k)
			if strings.HasPrefix(lk, "utm_") || trackingParams[lk] {
				q.Del(k)
			}
		}
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		for _, k := range keys {
			vs := q[k]
			sort.Strings(vs)
			for _, v := range vs {
				if b.Len() > 0 {
					b.WriteByte('&')
				}
				b.WriteString(url.QueryEscape(k) + "=" + url.QueryEscape(v))
			}
		}
		u.RawQuery = b.String()
	}
	u.ForceQuery = false
	if len(u.Path) > 1 {
		u.Path = strings.TrimRight(u.Path, "/")
		if u.Path == "" {
			u.Path = "/"
		}
		u.RawPath = ""
	}
	if u.Path == "/" {
		u.Path = ""
	}
	return u.String()
}

// hasCredentials reports whether raw, as a link, carries a user name or
// password (https://user:password@host/).
func hasCredentials(raw string) bool {
	raw = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(raw), "<"), ">")
	u, err := url.Parse(raw)
	return err == nil && u.User != nil
}

// ShownURL is a feed's link as it may be shown or logged: without the
// user name and password that feeds followed before ErrCredentials may
// still carry (they keep working; their secret is never shown).
func ShownURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = nil
	return u.String()
}
