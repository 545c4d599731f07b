package search

// MaxQuestionBytes bounds a question; longer ones are cut at a rune
// boundary before analysis (a question is not an article).
const MaxQuestionBytes = 1000

// DefaultLimit is how many quotes an answer holds unless asked otherwise.
const DefaultLimit = 5

// MaxOffset and MaxLimit bound Query.Offset and Query.Limit (larger ones
// are read as these): ranking retrieves ten times offset+limit
// candidates, so a hand-made paging button with offset 10,000 would cost
// a hundred times a first page.
const (
	MaxOffset = 100
	MaxLimit  = 100
)

// Query is a question put to the library.
type Query struct {
	Question string
	Scope    string // the caller's guild, or SharedScope
	SourceID string // when set, quotes come from this source only
	Limit    int    // quotes wanted; DefaultLimit when 0
	Offset   int    // quotes to skip, for paging
	// Asker, when set, records the question in the scope's log (for the
	// digest and for follow-ups when a new source answers it).
	Asker *Asker
}

// Asker says who asked a question and where, for the question log.
type Asker struct {
	UserID    string `json:"user_id,omitempty"`
	ChannelID string `json:"channel_id,omitempty"`
	// Private: asked privately; the question stays between the asker and
	// the bot (see QuestionRecord.Private).
	Private bool `json:"private,omitempty"`
}

// Reporter is another source that says the same thing as a quote, in its
// own words.
type Reporter struct {
	Ref
	Quote string `json:"quote"`
}

// Quote is one answer: whole sentences of a source, verbatim.
type Quote struct {
	Text           string      `json:"quote"`
	Source         Ref         `json:"source"`
	Score          float64     `json:"score"`
	AlsoReportedBy []Reporter  `json:"also_reported_by"`
	Highlights     []Highlight `json:"highlights,omitempty"` // byte ranges of Text that matched
	// Answer holds the byte ranges of Text that answer what was asked
	// (the figure, name, date, place or cause of the asked kind).
	Answer   []Highlight `json:"answer,omitempty"`
	sentence int
	terms    []string // its distinct terms, sorted, for telling stories apart

	// SaidBy is who speaks in the quote, with their role when the text
	// gives it; AccordingTo is the reporting chain, nearest first. Both
	// come from the source's text (see attachAttribution) and are empty
	// where it names no one.
	SaidBy      string   `json:"said_by,omitempty"`
	AccordingTo []string `json:"according_to,omitempty"`
	// Superseded is set when the quote is from an earlier version of its
	// source, which the outlet has since updated: what was said then.
	Superseded *Superseded `json:"superseded,omitempty"`
}

// Answer is what the library says to a question.
type Answer struct {
	Question string `json:"question"`
	// Answered is true exactly when Confidence is Answered.
	Answered bool `json:"answered"`
	// Confidence is the tier the quotes are shown in: the answer, the
	// closest passages under a label, or a plain no. Quotes holds the
	// ranking's best quotes whatever the tier.
	Confidence Confidence `json:"confidence"`
	Quotes     []Quote    `json:"results"`
	// Total is how many quotes the library had for the question, for paging.
	Total int `json:"total"`
	// Corrected is the question as searched, when a typo was corrected.
	Corrected string `json:"corrected,omitempty"`
	// QuestionID identifies the logged question (when Query.Asker was set).
	QuestionID string `json:"question_id,omitempty"`
	// Differ lists quotes from different sources that give different
	// figures, dates or claimants for the same thing (see sourcesDiffer).
	Differ []Disagreement `json:"sources_differ,omitempty"`
}
