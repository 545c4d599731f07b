package invalid

import (
	"errors"
	"strings"
	"testing"
)

func TestValue(t *testing.T) {
	sentinel := errors.New("invalid time of day")
	err := Value(sentinel, " %q: use HH:MM", "25:00")
	if !errors.Is(err, sentinel) {
		t.Error("the error does not wrap its sentinel")
	}
	if got, want := err.Error(), `invalid time of day "25:00": use HH:MM`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	um, ok := err.(interface{ UserMessage() string })
	if !ok || um.UserMessage() != `Invalid time of day "25:00": use HH:MM` {
		t.Errorf("UserMessage() missing or wrong: %v", err)
	}
}

func TestClip(t *testing.T) {
	if got := Clip("short"); got != "short" {
		t.Errorf("Clip(short) = %q", got)
	}
	long := strings.Repeat("é", 50)
	if got := Clip(long); got != strings.Repeat("é", 40)+"…" {
		t.Errorf("Clip(50 runes) = %q, want 40 runes and an ellipsis", got)
	}
}
