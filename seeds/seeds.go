// Package seeds embeds the four articles every new library starts with:
// reports of the June 2022 cyberattack on Tehran municipality's websites
// and surveillance cameras, as different outlets told it.
//
// Their metadata comes only from their text. Headlines are short
// summaries written from the content; an outlet is given only where the
// text names its own source (a closing "Source » name" line); none of the
// texts states its URL or publication date, so none is invented.
package seeds

import (
	"embed"
	"fmt"
	"path"
	"strings"

	"sitrep/search"
)

//go:embed *.txt
var files embed.FS

// headlines are written from each article's content, by file id.
var headlines = map[string]string{
	"9198c60bae8fe4fc": "Tehran municipality sites suspended as People's Mujahedeen claims camera hack",
	"2b2ceef928058a0d": "Tehran council head blames Mossad for cyberattack on the municipality",
	"85a414cdecb060a4": "Iranian opposition group says it hacked 5,000 Tehran surveillance cameras",
	"8e1e24bd0573ea10": "How Iran's state media covered the hack of Tehran's surveillance cameras",
}

// sourceLine is the attribution some texts end with: "Source » outlet".
const sourceLine = "Source » "

// Sources returns the seed articles as library sources in the shared
// scope, in file order. An error means the embedded files are broken,
// which is a build problem.
func Sources() ([]search.Source, error) {
	entries, err := files.ReadDir(".")
	if err != nil {
		return nil, fmt.Errorf("seeds: %w", err)
	}
	var out []search.Source
	for _, e := range entries {
		raw, err := files.ReadFile(e.Name())
		if err != nil {
			return nil, fmt.Errorf("seeds: %w", err)
		}
		name := strings.TrimSuffix(e.Name(), path.Ext(e.Name()))
		_, id, ok := strings.Cut(name, "_")
		if !ok || headlines[id] == "" {
			return nil, fmt.Errorf("seeds: %s has no headline", e.Name())
		}
		text, outlet := splitAttribution(string(raw))
		out = append(out, search.Source{
			ID:      id,
			Scope:   search.SharedScope,
			Title:   headlines[id],
			Outlet:  outlet,
			Text:    text,
			AddedBy: "seed",
		})
	}
	return out, nil
}

// splitAttribution separates a closing "Source » outlet" line from the
// article text: it names the outlet and is not part of what was reported.
func splitAttribution(text string) (body, outlet string) {
	text = strings.TrimRight(text, "\n")
	i := strings.LastIndexByte(text, '\n')
	if i < 0 {
		return text, ""
	}
	last := strings.TrimSpace(text[i+1:])
	if name, ok := strings.CutPrefix(last, sourceLine); ok && name != "" {
		return strings.TrimRight(text[:i], "\n"), strings.TrimSpace(name)
	}
	return text, ""
}
