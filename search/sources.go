package search

// Reading sources back, and removing them.

import (
	"context"
	"fmt"
	"sort"
)

// Remove deletes the source id and all its passages. Only a source of the
// caller's own scope can be removed (a guild cannot remove the shared
// seeds); anything else is ErrNotFound.
func (l *Library) Remove(ctx context.Context, scope, id, actor string) (Source, error) {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	if err := l.checkOpen(); err != nil {
		return Source{}, err
	}
	var removed storedSource
	var versions []storedSource
	err := l.update(ctx, func(tx storeTx) error {
		versions = nil
		s, ok, err := tx.Source(id)
		if err != nil {
			return err
		}
		if !ok || s.Scope != scope || s.Superseded != nil {
			return ErrNotFound
		}
		removed = s
		if err := tx.DeleteSource(s); err != nil {
			return err
		}
		// Its earlier versions go with it: removing a source removes
		// everything it said.
		vids, err := tx.VersionIDs(id)
		if err != nil {
			return err
		}
		for _, vid := range vids {
			v, ok, err := tx.Source(vid)
			if err != nil {
				return err
			}
			if !ok || v.Superseded == nil || v.Superseded.Current != id {
				continue
			}
			if err := tx.DeleteSource(v); err != nil {
				return err
			}
			versions = append(versions, v)
		}
		return tx.AddAudit(AuditEntry{At: l.now().UTC(), Actor: actor, Action: "remove", SourceID: id, Scope: scope, Title: s.Title})
	})
	if err == ErrNotFound {
		return Source{}, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err != nil {
		return Source{}, errorf("remove %s: %w", id, err)
	}
	if scope != SharedScope {
		l.guildSources.Add(-1)
	}
	l.cache.forget(id)
	b := l.ix.newBatches()
	ids := []string{id}
	if l.changes == nil {
		l.ix.remove(b, id, len(removed.Spans))
	}
	for _, v := range versions {
		l.cache.forget(v.ID)
		ids = append(ids, v.ID)
		if l.changes == nil {
			l.ix.remove(b, v.ID, len(v.Spans))
		}
	}
	if err := l.indexWritten(ctx, b); err != nil {
		return Source{}, err
	}
	if err := l.clearPending(ids); err != nil {
		return Source{}, err
	}
	return removed.Source, nil
}

// Sources lists the sources visible from scope (its own and the shared
// ones), newest first, without their text.
func (l *Library) Sources(scope string) ([]Source, error) {
	if err := l.checkOpen(); err != nil {
		return nil, err
	}
	var out []Source
	err := l.st.View(context.Background(), func(tx storeTx) error {
		scopes := []string{SharedScope}
		if scope != SharedScope {
			scopes = append(scopes, scope)
		}
		for _, sc := range scopes {
			ids, err := tx.ScopeSourceIDs(sc)
			if err != nil {
				return err
			}
			srcs, err := loadSources(tx, ids)
			if err != nil {
				return err
			}
			out = append(out, srcs...)
		}
		return nil
	})
	if err != nil {
		return nil, errorf("list sources: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].AddedAt.Equal(out[j].AddedAt) {
			return out[i].AddedAt.After(out[j].AddedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// Source returns one source visible from scope, with its text, or
// ErrNotFound.
func (l *Library) Source(scope, id string) (Source, error) {
	s, text, err := l.load(id)
	if err != nil {
		return Source{}, err
	}
	if s.Scope != SharedScope && s.Scope != scope {
		return Source{}, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	src := s.Source
	src.Text = text
	return src, nil
}

// warm loads the sources ids into the cache in the background; the
// function it returns waits for it. Errors are left to the load that
// needs the source.
func (l *Library) warm(ctx context.Context, ids []string) (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, id := range ids {
			if ctx.Err() != nil {
				return
			}
			_, _, _ = l.load(id) // an error is the ranking's own load's to report
		}
	}()
	return func() { <-done }
}

// load returns a source and its text, through the cache.
func (l *Library) load(id string) (storedSource, string, error) {
	if e, ok := l.cache.get(id); ok {
		return e.s, e.text, nil
	}
	if err := l.checkOpen(); err != nil {
		return storedSource{}, "", err
	}
	gen := l.cache.generation()
	var s storedSource
	var text string
	var found bool
	err := l.st.View(context.Background(), func(tx storeTx) error {
		var err error
		s, found, err = tx.Source(id)
		if found && err == nil {
			text, err = tx.Text(id)
		}
		return err
	})
	if err != nil {
		return storedSource{}, "", errorf("load %s: %w", id, err)
	}
	if !found {
		return storedSource{}, "", fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	s = s.withAttribution(text)
	l.cache.put(id, cached{s: s, text: text}, gen)
	return s, text, nil
}
