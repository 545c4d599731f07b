package textclip

import "testing"

func TestCuts(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"bytes fit", Bytes("abc", 3), "abc"},
		{"bytes at a boundary", Bytes("aé", 2), "a"}, // é is two bytes
		{"bytes none", Bytes("é", 1), ""},
		{"runes fit", Runes("héllo", 5), "héllo"},
		{"runes cut", Runes("héllo", 2), "hé"},
		{"one line", OneLine("  a\n\tb  c \n"), "a b c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}
