package task

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// wcTurn and wcRow follow the WildChat-1M parquet schema on Hugging Face:
// conversation is a list of structs with role and content among other
// fields, and the row has many more columns than the loader reads.
type wcTurn struct {
	Content        string `parquet:"content" json:"content"`
	Country        string `parquet:"country" json:"country"`
	Language       string `parquet:"language" json:"language"`
	Role           string `parquet:"role" json:"role"`
	Toxic          bool   `parquet:"toxic" json:"toxic"`
	TurnIdentifier int64  `parquet:"turn_identifier" json:"turn_identifier"`
}

type wcRow struct {
	ConversationHash string   `parquet:"conversation_hash" json:"conversation_hash"`
	Model            string   `parquet:"model" json:"model"`
	Conversation     []wcTurn `parquet:"conversation,list" json:"conversation"`
	Turn             int64    `parquet:"turn" json:"turn"`
	Language         string   `parquet:"language" json:"language"`
	Toxic            bool     `parquet:"toxic" json:"toxic"`
	Redacted         bool     `parquet:"redacted" json:"redacted"`
}

// conv builds a row whose turns alternate user/assistant starting with the
// given roles and contents.
func conv(hash, lang string, toxic, redacted bool, turns ...string) wcRow {
	r := wcRow{ConversationHash: hash, Model: "gpt-4", Language: lang, Toxic: toxic, Redacted: redacted}
	for i := 0; i+1 < len(turns); i += 2 {
		r.Conversation = append(r.Conversation, wcTurn{Role: turns[i], Content: turns[i+1], Language: lang, TurnIdentifier: int64(i)})
	}
	r.Turn = int64(len(r.Conversation) / 2)
	return r
}

// wcRows is the fixture shared by the parquet and JSONL tests: 6 records,
// of which the default filter keeps 3 (rows 0, 3 and 5).
var wcRows = []wcRow{
	conv("aa01", "English", false, false, "user", "Write a limerick about cats.", "assistant", "There once was a cat..."),
	conv("bb02", "Chinese", false, false, "user", "你好", "assistant", "你好！"),
	conv("cc03", "English", true, false, "user", "Something toxic.", "assistant", "No."),
	conv("dd04", "english", false, true, "system", "Be brief.", "user", "Summarise [NAME]'s email.", "assistant", "Done."),
	conv("ee05", "French", true, false, "user", "Bonjour", "assistant", "Salut"),
	conv("ff06", "English", false, false, "user", "Second question\nwith two lines.", "assistant", "Answer", "user", "Follow-up"),
}

func writeParquet[T any](t *testing.T, name string, rows []T, opts ...parquet.WriterOption) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := parquet.NewGenericWriter[T](f, opts...)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeWCJSONL(t *testing.T, rows []wcRow) string {
	t.Helper()
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(mustJSON(t, r))
		b.WriteByte('\n')
	}
	return writeFile(t, "wildchat.jsonl", b.String())
}

// TestLoadWildChat runs the same cases on the parquet and the JSONL
// variant; expected tasks and counts are read off wcRows by hand.
func TestLoadWildChat(t *testing.T) {
	defaultIDs := []string{"wildchat_aa01", "wildchat_dd04", "wildchat_ff06"}
	cases := []struct {
		name  string
		opts  WildChatOptions
		ids   []string
		stats Stats
	}{
		{"default: English, not toxic", WildChatOptions{}, defaultIDs,
			Stats{Records: 6, Tasks: 3, OtherLanguage: 2, Toxic: 1}},
		{"explicit English is the default", WildChatOptions{Language: "ENGLISH"}, defaultIDs,
			Stats{Records: 6, Tasks: 3, OtherLanguage: 2, Toxic: 1}},
		{"any language", WildChatOptions{Language: AnyLanguage},
			[]string{"wildchat_aa01", "wildchat_bb02", "wildchat_dd04", "wildchat_ff06"},
			Stats{Records: 6, Tasks: 4, Toxic: 2}},
		{"French, toxic included", WildChatOptions{Language: "French", IncludeToxic: true},
			[]string{"wildchat_ee05"}, Stats{Records: 6, Tasks: 1, OtherLanguage: 5}},
		{"everything", WildChatOptions{Language: AnyLanguage, IncludeToxic: true},
			[]string{"wildchat_aa01", "wildchat_bb02", "wildchat_cc03", "wildchat_dd04", "wildchat_ee05", "wildchat_ff06"},
			Stats{Records: 6, Tasks: 6}},
	}
	variants := []struct {
		name string
		path func(t *testing.T) string
	}{
		{"parquet", func(t *testing.T) string { return writeParquet(t, "wildchat.parquet", wcRows) }},
		{"parquet, two rows per row group", func(t *testing.T) string {
			return writeParquet(t, "wildchat.parquet", wcRows, parquet.MaxRowsPerRowGroup(2))
		}},
		{"jsonl", func(t *testing.T) string { return writeWCJSONL(t, wcRows) }},
	}
	for _, v := range variants {
		for _, c := range cases {
			t.Run(v.name+"/"+c.name, func(t *testing.T) {
				got, stats, err := LoadWildChat(v.path(t), c.opts)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(ids(got), c.ids) {
					t.Errorf("IDs %v, want %v", ids(got), c.ids)
				}
				if stats != c.stats {
					t.Errorf("stats %+v, want %+v", stats, c.stats)
				}
			})
		}
		t.Run(v.name+"/prompts and meta", func(t *testing.T) {
			got, _, err := LoadWildChat(v.path(t), WildChatOptions{})
			if err != nil {
				t.Fatal(err)
			}
			want := []Task{
				{ID: "wildchat_aa01", Origin: OriginWildChat, Prompt: "Write a limerick about cats.",
					Meta: map[string]string{"language": "English", "toxic": "false", "redacted": "false"}},
				// The first user turn, after a system turn.
				{ID: "wildchat_dd04", Origin: OriginWildChat, Prompt: "Summarise [NAME]'s email.",
					Meta: map[string]string{"language": "english", "toxic": "false", "redacted": "true"}},
				// The first user turn, not the follow-up.
				{ID: "wildchat_ff06", Origin: OriginWildChat, Prompt: "Second question\nwith two lines.",
					Meta: map[string]string{"language": "English", "toxic": "false", "redacted": "false"}},
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestLoadWildChatErrors(t *testing.T) {
	good := wcRows[0]
	noUser := conv("nn09", "English", false, false, "assistant", "Hello?")
	emptyUser := conv("ee09", "English", false, false, "user", "  ", "assistant", "?")
	noTurns := wcRow{ConversationHash: "zz09", Language: "English", Conversation: []wcTurn{}}
	noHash := conv("", "English", false, false, "user", "hi")
	dup := conv("aa01", "English", false, false, "user", "again")
	cases := []struct {
		name string
		rows []wcRow
		opts WildChatOptions
		// record is the 0-based row; the JSONL line is record+1.
		record int
		is     error
		has    string
	}{
		{"no user turn", []wcRow{good, good2(), noUser}, WildChatOptions{}, 2, ErrNoUserTurn, "no user turn"},
		{"empty conversation", []wcRow{noTurns}, WildChatOptions{}, 0, ErrNoUserTurn, "no user turn"},
		{"empty first user turn", []wcRow{good, emptyUser}, WildChatOptions{}, 1, ErrEmptyPrompt, "first user turn"},
		{"missing hash", []wcRow{good, noHash}, WildChatOptions{}, 1, ErrMissingField, "conversation_hash"},
		{"duplicate hash", []wcRow{good, good2(), dup}, WildChatOptions{}, 2, ErrDuplicateID, `"wildchat_aa01" (first at`},
	}
	for _, c := range cases {
		t.Run("parquet/"+c.name, func(t *testing.T) {
			path := writeParquet(t, "wildchat.parquet", c.rows)
			_, _, err := LoadWildChatParquet(path, c.opts)
			wantErr{file: "wildchat.parquet", record: "row " + itoa(c.record), is: c.is, has: []string{c.has}}.check(t, err)
		})
		t.Run("jsonl/"+c.name, func(t *testing.T) {
			path := writeWCJSONL(t, c.rows)
			_, _, err := LoadWildChatJSONL(path, c.opts)
			wantErr{file: "wildchat.jsonl", record: "line " + itoa(c.record+1), is: c.is, has: []string{c.has}}.check(t, err)
		})
	}
}

func good2() wcRow {
	return conv("gg02", "English", false, false, "user", "Another prompt.")
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestLoadWildChatSkipEmpty(t *testing.T) {
	rows := []wcRow{
		wcRows[0],
		conv("nn09", "English", false, false, "assistant", "Hello?"),
		conv("ee09", "English", false, false, "user", "", "assistant", "?"),
		conv("ch09", "Chinese", false, false, "assistant", "no user, but filtered by language first"),
	}
	want := Stats{Records: 4, Tasks: 1, OtherLanguage: 1, Empty: 2}
	for name, path := range map[string]string{
		"parquet": writeParquet(t, "wildchat.parquet", rows),
		"jsonl":   writeWCJSONL(t, rows),
	} {
		t.Run(name, func(t *testing.T) {
			got, stats, err := LoadWildChat(path, WildChatOptions{SkipEmpty: true})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(ids(got), []string{"wildchat_aa01"}) || stats != want {
				t.Errorf("got %v %+v, want [wildchat_aa01] %+v", ids(got), stats, want)
			}
		})
	}
}

func TestLoadWildChatJSONLErrors(t *testing.T) {
	line0 := mustJSON(t, wcRows[0])
	cases := []struct {
		name    string
		content string
		opts    WildChatOptions
		err     wantErr
	}{
		{"bad JSON line", line0 + "\n" + `{"conversation_hash": "x", "conversation": [` + "\n",
			WildChatOptions{}, wantErr{file: "wc.jsonl", record: "line 2", has: []string{"bad JSON"}}},
		{"no conversation field", `{"conversation_hash": "x", "language": "English", "toxic": false}`,
			WildChatOptions{}, wantErr{file: "wc.jsonl", record: "line 1", is: ErrMissingField, has: []string{`"conversation"`}}},
		{"no toxic field while filtering", `{"conversation_hash": "x", "language": "English", "conversation": [{"role": "user", "content": "hi"}]}`,
			WildChatOptions{}, wantErr{file: "wc.jsonl", record: "line 1", is: ErrMissingField, has: []string{`"toxic"`}}},
		{"no language field while filtering", `{"conversation_hash": "x", "toxic": false, "conversation": [{"role": "user", "content": "hi"}]}`,
			WildChatOptions{}, wantErr{file: "wc.jsonl", record: "line 1", is: ErrMissingField, has: []string{`"language"`}}},
		{"user turn without content", `{"conversation_hash": "x", "language": "English", "toxic": false, "conversation": [{"role": "user"}]}`,
			WildChatOptions{}, wantErr{file: "wc.jsonl", record: "line 1", is: ErrMissingField, has: []string{`"content"`}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := LoadWildChatJSONL(writeFile(t, "wc.jsonl", c.content), c.opts)
			c.err.check(t, err)
		})
	}
	// Without filters, language and toxic may be absent.
	got, _, err := LoadWildChatJSONL(writeFile(t, "wc.jsonl", `{"conversation_hash": "x", "conversation": [{"role": "user", "content": "hi"}]}`),
		WildChatOptions{Language: AnyLanguage, IncludeToxic: true})
	if err != nil || len(got) != 1 || len(got[0].Meta) != 0 {
		t.Errorf("unfiltered record without language/toxic: got %+v, %v", got, err)
	}
}

// Legacy two-level list (repeated group conversation {role, content}) and
// nullable columns, as older writers produce them.
type wcLegacyTurn struct {
	Role    *string `parquet:"role,optional"`
	Content *string `parquet:"content,optional"`
}

type wcLegacyRow struct {
	ConversationHash *string        `parquet:"conversation_hash,optional"`
	Conversation     []wcLegacyTurn `parquet:"conversation"`
	Language         *string        `parquet:"language,optional"`
	Toxic            *bool          `parquet:"toxic,optional"`
}

func ptr[T any](v T) *T { return &v }

func TestLoadWildChatParquetLayouts(t *testing.T) {
	rows := []wcLegacyRow{
		{ConversationHash: ptr("h0"), Language: ptr("English"), Toxic: ptr(false),
			Conversation: []wcLegacyTurn{{Role: ptr("assistant"), Content: ptr("Hi")}, {Role: ptr("user"), Content: ptr("Tell me a joke.")}}},
		{ConversationHash: ptr("h1"), Language: ptr("German"), Toxic: ptr(false),
			Conversation: []wcLegacyTurn{{Role: ptr("user"), Content: ptr("Hallo")}}},
		{ConversationHash: ptr("h2"), Language: ptr("English"), Toxic: ptr(false),
			Conversation: []wcLegacyTurn{{Role: nil, Content: ptr("?")}, {Role: ptr("user"), Content: ptr("Second")}}},
	}
	path := writeParquet(t, "legacy.parquet", rows)
	got, stats, err := LoadWildChatParquet(path, WildChatOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Task{
		{ID: "wildchat_h0", Origin: OriginWildChat, Prompt: "Tell me a joke.", Meta: map[string]string{"language": "English", "toxic": "false"}},
		{ID: "wildchat_h2", Origin: OriginWildChat, Prompt: "Second", Meta: map[string]string{"language": "English", "toxic": "false"}},
	}
	if !reflect.DeepEqual(got, want) || stats != (Stats{Records: 3, Tasks: 2, OtherLanguage: 1}) {
		t.Errorf("got %+v %+v, want %+v", got, stats, want)
	}

	cases := []struct {
		name string
		rows []wcLegacyRow
		opts WildChatOptions
		err  wantErr
	}{
		{"null hash", []wcLegacyRow{rows[0], {Language: ptr("English"), Toxic: ptr(false), Conversation: rows[0].Conversation}},
			WildChatOptions{}, wantErr{file: "legacy.parquet", record: "row 1", is: ErrMissingField, has: []string{"conversation_hash"}}},
		{"null toxic while filtering", []wcLegacyRow{rows[0], rows[1], {ConversationHash: ptr("h3"), Language: ptr("English"), Conversation: rows[0].Conversation}},
			WildChatOptions{}, wantErr{file: "legacy.parquet", record: "row 2", is: ErrMissingField, has: []string{`"toxic"`}}},
		{"null content of the first user turn", []wcLegacyRow{{ConversationHash: ptr("h4"), Language: ptr("English"), Toxic: ptr(false),
			Conversation: []wcLegacyTurn{{Role: ptr("user")}}}},
			WildChatOptions{}, wantErr{file: "legacy.parquet", record: "row 0", is: ErrMissingField, has: []string{"first user turn"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := LoadWildChatParquet(writeParquet(t, "legacy.parquet", c.rows), c.opts)
			c.err.check(t, err)
		})
	}
}

func TestLoadWildChatParquetSchemaErrors(t *testing.T) {
	type noToxic struct {
		ConversationHash string   `parquet:"conversation_hash"`
		Conversation     []wcTurn `parquet:"conversation,list"`
		Language         string   `parquet:"language"`
	}
	type noConversation struct {
		ConversationHash string `parquet:"conversation_hash"`
		Language         string `parquet:"language"`
		Toxic            bool   `parquet:"toxic"`
	}
	type toxicAsString struct {
		ConversationHash string   `parquet:"conversation_hash"`
		Conversation     []wcTurn `parquet:"conversation,list"`
		Language         string   `parquet:"language"`
		Toxic            string   `parquet:"toxic"`
	}
	turns := []wcTurn{{Role: "user", Content: "hi"}}
	cases := []struct {
		name string
		path func(t *testing.T) string
		opts WildChatOptions
		has  []string
	}{
		{"no toxic column", func(t *testing.T) string {
			return writeParquet(t, "wc.parquet", []noToxic{{"h", turns, "English"}})
		}, WildChatOptions{}, []string{`no column "toxic"`}},
		{"no conversation column", func(t *testing.T) string {
			return writeParquet(t, "wc.parquet", []noConversation{{"h", "English", false}})
		}, WildChatOptions{}, []string{"conversation", "role"}},
		{"toxic stored as a string", func(t *testing.T) string {
			return writeParquet(t, "wc.parquet", []toxicAsString{{"h", turns, "English", "no"}})
		}, WildChatOptions{}, []string{`column "toxic"`}},
		{"not parquet", func(t *testing.T) string {
			return writeFile(t, "wc.parquet", "conversation_hash,language\nh,English\n")
		}, WildChatOptions{}, []string{"bad parquet"}},
		{"truncated parquet", func(t *testing.T) string {
			full := writeParquet(t, "full.parquet", wcRows)
			b, err := os.ReadFile(full)
			if err != nil {
				t.Fatal(err)
			}
			return writeFile(t, "wc.parquet", string(b[:len(b)/2]))
		}, WildChatOptions{}, []string{"bad parquet"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := LoadWildChatParquet(c.path(t), c.opts)
			wantErr{file: "wc.parquet", has: c.has}.check(t, err)
		})
	}
	// Without the toxic filter, a file without the toxic column loads.
	path := writeParquet(t, "wc.parquet", []noToxic{{"h", turns, "English"}})
	if got, _, err := LoadWildChatParquet(path, WildChatOptions{IncludeToxic: true}); err != nil || len(got) != 1 {
		t.Errorf("IncludeToxic on a file without toxic: got %v, %v", got, err)
	}
}

// Dictionary-encoded, compressed columns, as pyarrow writes them by
// default, and optional (nullable) columns throughout. (parquet-go writes
// the zero value of a non-pointer optional field as null, hence *bool.)
type wcEncodedTurn struct {
	Role    string `parquet:"role,dict,snappy"`
	Content string `parquet:"content,zstd"`
}

type wcEncodedRow struct {
	ConversationHash string          `parquet:"conversation_hash,snappy"`
	Conversation     []wcEncodedTurn `parquet:"conversation,list,optional"`
	Language         string          `parquet:"language,dict,optional"`
	Toxic            *bool           `parquet:"toxic,optional"`
	Redacted         *bool           `parquet:"redacted,optional"`
}

func TestLoadWildChatParquetEncodings(t *testing.T) {
	var rows []wcEncodedRow
	var want []string
	for i := range 300 {
		lang := []string{"English", "Russian", "English"}[i%3]
		rows = append(rows, wcEncodedRow{
			ConversationHash: "h" + strconv.Itoa(i),
			Conversation: []wcEncodedTurn{
				{Role: "user", Content: "prompt " + strconv.Itoa(i)},
				{Role: "assistant", Content: strings.Repeat("answer ", i)},
			},
			Language: lang, Toxic: ptr(i%10 == 0), Redacted: ptr(false),
		})
		if lang == "English" && i%10 != 0 {
			want = append(want, "wildchat_h"+strconv.Itoa(i))
		}
	}
	path := writeParquet(t, "encoded.parquet", rows, parquet.MaxRowsPerRowGroup(64), parquet.PageBufferSize(512))
	got, stats, err := LoadWildChatParquet(path, WildChatOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ids(got), want) {
		t.Errorf("got %d tasks, want %d", len(got), len(want))
	}
	// 300 rows: 100 Russian; of the 200 English, i%10 == 0 for 20.
	if stats != (Stats{Records: 300, Tasks: 180, OtherLanguage: 100, Toxic: 20}) {
		t.Errorf("stats %+v", stats)
	}
	for _, task := range got {
		if want := "prompt " + strings.TrimPrefix(task.ID, "wildchat_h"); task.Prompt != want {
			t.Fatalf("%s: prompt %q, want %q", task.ID, task.Prompt, want)
		}
	}
}
