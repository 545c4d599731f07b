package feeds

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"sitrep/search"
)

// rssItems is n items of the site's RSS feed, story n (the newest, dated
// 2026-03-n) first.
func rssItems(s *site, n int) []entry {
	out := make([]entry, 0, n)
	for k := n; k >= 1; k-- {
		out = append(out, entry{fmt.Sprintf("g%d", k), fmt.Sprintf("Story %d", k), fmt.Sprintf("%s/a/%d", s.URL, k), rssDate(k)})
	}
	return out
}

// storiesOf returns the numbers of the stories scope's feed sources are.
func storiesOf(tb testing.TB, lib *search.Library, s *site, scope string) []int {
	tb.Helper()
	var out []int
	for url, n := range feedSources(tb, lib, scope) {
		k, err := strconv.Atoi(strings.TrimPrefix(url, s.URL+"/a/"))
		if err != nil {
			tb.Fatalf("a feed source from %s, which is no story of the feed", url)
		}
		for range n {
			out = append(out, k)
		}
	}
	sort.Ints(out)
	return out
}

// TestFirstCheckTakesTheNewest: of a feed of 25 items only the newest 20
// are ever taken (README: "of the newest 20 in the feed"); a check adds at
// most MaxNewPerCheck of them, the newest first, and the next check the
// rest; the five older ones are passed over for good, and later checks
// take only what is new.
func TestFirstCheckTakesTheNewest(t *testing.T) {
	const promised = 20
	s := newSite(t)
	s.set(func(s *site) { s.rss = rssItems(s, 25) })
	lib := openLibrary(t)
	f := New(lib, fetcherFor(s), Options{})
	ctx := context.Background()
	if _, err := f.Add(ctx, guild, s.URL+"/rss", "mod"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Poll(ctx, Hooks{}); err != nil {
		t.Fatal(err)
	}
	perCheck := DefaultMaxNewPerCheck
	if got, want := storiesOf(t, lib, s, guild), storyRange(25-perCheck+1, 25); !slices.Equal(got, want) {
		t.Fatalf("the first check of a 25-item feed brought stories %v, want the newest %d, %v: members get old stories before the latest", got, perCheck, want)
	}
	if _, err := f.Poll(ctx, Hooks{}); err != nil {
		t.Fatal(err)
	}
	if got, want := storiesOf(t, lib, s, guild), storyRange(25-promised+1, 25); !slices.Equal(got, want) {
		t.Fatalf("after two checks of a 25-item feed the sources are stories %v, want the newest %d, %v: a server that follows a site floods its library, its answers and its digest with the site's archive, or loses its latest stories",
			got, promised, want)
	}

	s.set(func(s *site) { s.rss = rssItems(s, 26) })
	if _, err := f.Poll(ctx, Hooks{}); err != nil {
		t.Fatal(err)
	}
	if got := storiesOf(t, lib, s, guild); len(got) != promised+1 || got[len(got)-1] != 26 || got[0] != 25-promised+1 {
		t.Errorf("after story 26 was published the feed's sources are stories %v, want %d to 26: older items passed over come back, or the new one is missed",
			got, 25-promised+1)
	}
}

// failingLibrary is a library whose Add fails from its failAt-th call on
// (while failAt > 0), as a full disk or a lost database would.
type failingLibrary struct {
	*search.Library
	mu           sync.Mutex
	adds, failAt int
}

func (l *failingLibrary) Add(ctx context.Context, s search.Source) (search.Source, error) {
	l.mu.Lock()
	l.adds++
	fail := l.failAt > 0 && l.adds >= l.failAt
	l.mu.Unlock()
	if fail {
		return search.Source{}, errors.New("write library.db: no space left on device")
	}
	return l.Library.Add(ctx, s)
}

func (l *failingLibrary) heal() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failAt = 0
}

// TestStateSavedAfterItems: when the library fails while a check stores a
// feed's items, the check fails and the feed's state stays as it was, so
// the next check (the library back) takes the items that were not stored,
// and the one that was not twice. TestCrashDuringFeedPoll shows the same
// with SIGKILL on the real binary; this shows it deterministically.
func TestStateSavedAfterItems(t *testing.T) {
	s := newSite(t)
	s.set(func(s *site) { s.rss = rssItems(s, 3) })
	lib := &failingLibrary{Library: openLibrary(t), failAt: 2}
	f := New(lib, fetcherFor(s), Options{})
	ctx := context.Background()
	if _, err := f.Add(ctx, guild, s.URL+"/rss", "mod"); err != nil {
		t.Fatal(err)
	}
	before, err := lib.Feeds(guild)
	if err != nil || len(before) != 1 {
		t.Fatalf("feeds %d, %v", len(before), err)
	}

	res, err := f.Poll(ctx, Hooks{})
	if err == nil {
		t.Errorf("a check whose items the library failed to store reported success (%v): nobody learns the library is failing", lines(res))
	}
	after, err := lib.Feeds(guild)
	if err != nil || len(after) != 1 {
		t.Fatalf("feeds %d, %v", len(after), err)
	}
	if seen := after[0].State.Seen; len(seen) != len(before[0].State.Seen) {
		t.Errorf("the failed check saved the feed's state (%d item keys seen, %d before): items the library never stored count as taken", len(seen), len(before[0].State.Seen))
	}

	lib.heal()
	if _, err := f.Poll(ctx, Hooks{}); err != nil {
		t.Fatalf("the check after the library came back: %v", err)
	}
	got := storiesOf(t, lib.Library, s, guild)
	if fmt.Sprint(got) != "[1 2 3]" {
		t.Errorf("after the library came back the feed's sources are stories %v, want 1, 2 and 3 once each: a story the library failed to store is lost for good once the feed's state says it was taken", got)
	}
}

// storyRange is the story numbers from to to.
func storyRange(from, to int) []int {
	var out []int
	for k := from; k <= to; k++ {
		out = append(out, k)
	}
	return out
}
