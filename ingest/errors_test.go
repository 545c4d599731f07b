package ingest

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// TestRefused separates links the rules refuse (logged at Info: the
// moderator is told why) from fetches that failed (logged as errors).
func TestRefused(t *testing.T) {
	for _, err := range []error{ErrScheme, ErrPrivateAddress, ErrTooManyRedirects, ErrTooLarge,
		ErrContentType, ErrNoText, ErrEncoding, ErrHTTPStatus} {
		if !Refused(fmt.Errorf("ingest: fetch: %w", err)) {
			t.Errorf("%v is a refusal", err)
		}
	}
	for _, err := range []error{context.DeadlineExceeded, errors.New("connection reset by peer"), nil} {
		if Refused(err) {
			t.Errorf("%v is not a refusal", err)
		}
	}
}
