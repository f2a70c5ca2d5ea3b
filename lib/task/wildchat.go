package task

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// AnyLanguage as WildChatOptions.Language keeps conversations in every
// language.
const AnyLanguage = "any"

// WildChatOptions filters WildChat conversations. The zero value keeps
// English, non-toxic conversations and treats a conversation without a
// usable first user turn as an error.
type WildChatOptions struct {
	// Language keeps conversations whose language column equals it,
	// ignoring case. "" means "English"; AnyLanguage keeps all.
	Language string `yaml:"language,omitempty"`
	// IncludeToxic keeps conversations flagged toxic; by default they are
	// filtered out.
	IncludeToxic bool `yaml:"include_toxic,omitempty"`
	// SkipEmpty filters out, and counts in Stats.Empty, conversations that
	// have no user turn or whose first user turn is empty; by default
	// those are errors.
	SkipEmpty bool `yaml:"skip_empty,omitempty"`
}

func (o WildChatOptions) language() string {
	if o.Language == "" {
		return "English"
	}
	return o.Language
}

// Stats counts what a loader read and what its filters removed, so that a
// caller can report it: Records = Tasks + OtherLanguage + Toxic + Empty.
// Only WildChat has filters; for the other sources Records == Tasks.
type Stats struct {
	Records       int // records read from the file
	Tasks         int // tasks returned
	OtherLanguage int // WildChat conversations in another language than asked
	Toxic         int // WildChat conversations flagged toxic
	Empty         int // WildChat conversations without a usable user turn (SkipEmpty)
}

func (s Stats) String() string {
	return fmt.Sprintf("%d records, %d tasks, filtered: %d other language, %d toxic, %d empty",
		s.Records, s.Tasks, s.OtherLanguage, s.Toxic, s.Empty)
}

// LoadWildChat reads WildChat (Zhao et al. 2024) conversations from a
// Hugging Face parquet file (.parquet) or a JSONL file with the same
// fields (any other extension), applying opts. See LoadWildChatParquet.
func LoadWildChat(path string, opts WildChatOptions) ([]Task, Stats, error) {
	if strings.EqualFold(filepath.Ext(path), ".parquet") {
		return LoadWildChatParquet(path, opts)
	}
	return LoadWildChatJSONL(path, opts)
}

// wcRecord is the part of a WildChat conversation a task needs. A nil
// pointer is a missing or null field.
type wcRecord struct {
	hash, language *string
	toxic          *bool
	redacted       *bool
	// topic is the record's topic label, where the file has one (kept in
	// Meta["topic"] for held-out-by-topic analyses); meta is its "meta"
	// object (JSONL only).
	topic *string
	meta  sourceMeta
	// firstUser is the content of the first turn with role "user"; hasUser
	// says whether there is such a turn.
	firstUser *string
	hasUser   bool
}

// wcCollector applies the options to records in file order.
type wcCollector struct {
	opts  WildChatOptions
	tasks []Task
	stats Stats
	seen  idSet
}

func newWCCollector(opts WildChatOptions) *wcCollector {
	return &wcCollector{opts: opts, seen: idSet{}}
}

// add filters one record and, if it passes, turns it into a task. Every
// record must have a conversation_hash, and the columns a filter reads;
// only the records that pass the filters must have a first user turn.
func (c *wcCollector) add(r wcRecord, at where) error {
	c.stats.Records++
	if r.hash == nil || *r.hash == "" {
		return at.err(missing("conversation_hash"))
	}
	if lang := c.opts.language(); !strings.EqualFold(lang, AnyLanguage) {
		if r.language == nil {
			return at.err(missing("language"))
		}
		if !strings.EqualFold(*r.language, lang) {
			c.stats.OtherLanguage++
			return nil
		}
	}
	if !c.opts.IncludeToxic {
		if r.toxic == nil {
			return at.err(missing("toxic"))
		}
		if *r.toxic {
			c.stats.Toxic++
			return nil
		}
	}
	switch {
	case !r.hasUser:
		if c.opts.SkipEmpty {
			c.stats.Empty++
			return nil
		}
		return at.err(ErrNoUserTurn)
	case r.firstUser == nil:
		return at.errf("first user turn: %w", missing("content"))
	case checkPrompt(*r.firstUser) != nil:
		if c.opts.SkipEmpty {
			c.stats.Empty++
			return nil
		}
		return at.errf("first user turn: %w", ErrEmptyPrompt)
	}
	id := "wildchat_" + sanitizeID(*r.hash)
	if err := c.seen.add(id, at); err != nil {
		return err
	}
	meta := map[string]string{}
	if r.language != nil {
		meta["language"] = *r.language
	}
	if r.toxic != nil {
		meta["toxic"] = strconv.FormatBool(*r.toxic)
	}
	if r.redacted != nil {
		meta["redacted"] = strconv.FormatBool(*r.redacted)
	}
	if r.topic != nil && *r.topic != "" {
		meta["topic"] = *r.topic
	}
	if err := r.meta.mergeInto(meta); err != nil {
		return at.err(err)
	}
	c.tasks = append(c.tasks, Task{ID: id, Origin: OriginWildChat, Prompt: *r.firstUser, Meta: meta})
	c.stats.Tasks++
	return nil
}

type wcTurnJSON struct {
	Role    *string `json:"role"`
	Content *string `json:"content"`
}

type wcJSON struct {
	Hash         *string       `json:"conversation_hash"`
	Conversation *[]wcTurnJSON `json:"conversation"`
	Language     *string       `json:"language"`
	Toxic        *bool         `json:"toxic"`
	Redacted     *bool         `json:"redacted"`
	Topic        *string       `json:"topic"`
	Meta         sourceMeta    `json:"meta"`
}

// LoadWildChatJSONL reads WildChat conversations stored one JSON object per
// line with the fields of the parquet release (conversation_hash,
// conversation: [{role, content, ...}], language, toxic, redacted, and
// where present topic and a "meta" object, both kept in Task.Meta; other
// fields are ignored). See LoadWildChatParquet for IDs, prompts, filters
// and errors; errors name the 1-based line. Blank lines are skipped.
func LoadWildChatJSONL(path string, opts WildChatOptions) ([]Task, Stats, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, Stats{}, fmt.Errorf("task: %w", err)
	}
	defer f.Close()
	return readWildChatJSONL(f, path, opts)
}

func readWildChatJSONL(r io.Reader, name string, opts WildChatOptions) ([]Task, Stats, error) {
	c := newWCCollector(opts)
	err := eachLine(r, name, func(line []byte, at where) error {
		var j wcJSON
		if err := decodeOne(line, &j); err != nil {
			return at.err(err)
		}
		if j.Conversation == nil {
			return at.err(missing("conversation"))
		}
		rec := wcRecord{hash: j.Hash, language: j.Language, toxic: j.Toxic, redacted: j.Redacted, topic: j.Topic, meta: j.Meta}
		for _, turn := range *j.Conversation {
			if turn.Role != nil && *turn.Role == "user" {
				rec.hasUser, rec.firstUser = true, turn.Content
				break
			}
		}
		return c.add(rec, at)
	})
	if err != nil {
		return nil, c.stats, err
	}
	return c.tasks, c.stats, nil
}
