package task

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/parquet-go/parquet-go"
)

// WildChat's parquet release: columns found by name, read row group by
// row group.

// LoadWildChatParquet reads a WildChat parquet file as released on Hugging
// Face. It reads the columns conversation_hash (string), language (string),
// toxic (bool), redacted (bool), topic (string, optional) and, inside the conversation list of
// structs, role and content; every other column or struct field is ignored,
// and the list may use any of the usual parquet list layouts
// (conversation.list.element.role, conversation.list.item.role, ...).
//
// A conversation becomes the task "wildchat_<conversation_hash>" whose
// prompt is the content of its first turn with role "user", with Meta
// "language", "toxic", "redacted" and "topic" as found. Conversations in another
// language than opts asks for, or flagged toxic, are filtered out and
// counted in Stats. Errors name the 0-based row: a missing hash, a null
// value in a column a filter reads, no user turn or an empty one (unless
// opts.SkipEmpty), or a hash seen before.
func LoadWildChatParquet(path string, opts WildChatOptions) (tasks []Task, stats Stats, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, Stats{}, fmt.Errorf("task: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, Stats{}, fmt.Errorf("task: %w", err)
	}
	// parquet-go may panic on a corrupt file; a bad input file is an
	// error, never a panic.
	defer func() {
		if p := recover(); p != nil {
			tasks, err = nil, fileErr(path, fmt.Errorf("bad parquet: %v", p))
		}
	}()
	pf, err := parquet.OpenFile(f, info.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, Stats{}, fileErr(path, fmt.Errorf("bad parquet: %w", err))
	}
	cols, err := findWCColumns(pf.Schema(), opts)
	if err != nil {
		return nil, Stats{}, fileErr(path, err)
	}
	c := newWCCollector(opts)
	row := 0
	for _, rg := range pf.RowGroups() {
		recs, err := readWCRowGroup(rg, cols)
		if err != nil {
			return nil, c.stats, where{file: path, unit: "row", n: row}.errf("row group from here: %w", err)
		}
		for i, rec := range recs {
			if err := c.add(rec, where{file: path, unit: "row", n: row + i}); err != nil {
				return nil, c.stats, err
			}
		}
		row += len(recs)
	}
	return c.tasks, c.stats, nil
}

// wcColumns holds the leaf columns read from a WildChat parquet file; -1
// marks a column the file does not have.
type wcColumns struct {
	hash, language, toxic, redacted int
	topic                           int
	role, content                   int
	// turnDef is the definition level at which a conversation turn exists
	// (that of the repeated list node).
	turnDef int
}

func findWCColumns(s *parquet.Schema, opts WildChatOptions) (wcColumns, error) {
	cols := wcColumns{hash: -1, language: -1, toxic: -1, redacted: -1, topic: -1}
	scalar := func(name string, kind parquet.Kind, required bool) (int, error) {
		lc, ok := s.Lookup(name)
		if !ok {
			if required {
				return -1, fmt.Errorf("%w: no column %q", ErrMissingField, name)
			}
			return -1, nil
		}
		if lc.MaxRepetitionLevel != 0 || lc.Node.Type().Kind() != kind {
			return -1, fmt.Errorf("column %q: want a single %v, have %v", name, kind, lc.Node.Type())
		}
		return lc.ColumnIndex, nil
	}
	var err error
	if cols.hash, err = scalar("conversation_hash", parquet.ByteArray, true); err != nil {
		return cols, err
	}
	needLang := !strings.EqualFold(opts.language(), AnyLanguage)
	if cols.language, err = scalar("language", parquet.ByteArray, needLang); err != nil {
		return cols, err
	}
	if cols.toxic, err = scalar("toxic", parquet.Boolean, !opts.IncludeToxic); err != nil {
		return cols, err
	}
	if cols.redacted, err = scalar("redacted", parquet.Boolean, false); err != nil {
		return cols, err
	}
	if cols.topic, err = scalar("topic", parquet.ByteArray, false); err != nil {
		return cols, err
	}

	// The turns: the shortest leaf path conversation/.../role with a
	// sibling .../content, under exactly one repeated node.
	var rolePath []string
	for _, p := range s.Columns() {
		if len(p) >= 2 && p[0] == "conversation" && p[len(p)-1] == "role" &&
			(rolePath == nil || len(p) < len(rolePath)) {
			rolePath = p
		}
	}
	if rolePath == nil {
		return cols, fmt.Errorf("%w: no column conversation.<list>.role", ErrMissingField)
	}
	contentPath := append(append([]string(nil), rolePath[:len(rolePath)-1]...), "content")
	role, okR := s.Lookup(rolePath...)
	content, okC := s.Lookup(contentPath...)
	if !okR || !okC {
		return cols, fmt.Errorf("%w: no column %s", ErrMissingField, strings.Join(contentPath, "."))
	}
	for _, lc := range []parquet.LeafColumn{role, content} {
		if lc.MaxRepetitionLevel != 1 || lc.Node.Type().Kind() != parquet.ByteArray {
			return cols, fmt.Errorf("column %s: want a string inside one list, have %v at repetition depth %d",
				strings.Join(lc.Path, "."), lc.Node.Type(), lc.MaxRepetitionLevel)
		}
	}
	cols.role, cols.content = role.ColumnIndex, content.ColumnIndex
	// Definition level of the repeated node: count optional and repeated
	// nodes down to it.
	var node parquet.Node = s
	def := 0
	for _, name := range rolePath {
		var next parquet.Node
		for _, f := range node.Fields() {
			if f.Name() == name {
				next = f
				break
			}
		}
		if next == nil {
			return cols, fmt.Errorf("column %s: cannot walk the schema", strings.Join(rolePath, "."))
		}
		node = next
		if node.Optional() || node.Repeated() {
			def++
		}
		if node.Repeated() {
			cols.turnDef = def
			break
		}
	}
	return cols, nil
}

// readWCRowGroup reads the records of one row group, column by column.
func readWCRowGroup(rg parquet.RowGroup, cols wcColumns) ([]wcRecord, error) {
	n := int(rg.NumRows())
	recs := make([]wcRecord, n)
	chunks := rg.ColumnChunks()
	str := func(v parquet.Value) *string { s := string(v.ByteArray()); return &s }
	boolean := func(v parquet.Value) *bool { b := v.Boolean(); return &b }
	scalars := []struct {
		name string
		col  int
		set  func(r *wcRecord, v parquet.Value)
	}{
		{"conversation_hash", cols.hash, func(r *wcRecord, v parquet.Value) { r.hash = str(v) }},
		{"language", cols.language, func(r *wcRecord, v parquet.Value) { r.language = str(v) }},
		{"toxic", cols.toxic, func(r *wcRecord, v parquet.Value) { r.toxic = boolean(v) }},
		{"redacted", cols.redacted, func(r *wcRecord, v parquet.Value) { r.redacted = boolean(v) }},
		{"topic", cols.topic, func(r *wcRecord, v parquet.Value) { r.topic = str(v) }},
	}
	for _, sc := range scalars {
		if sc.col < 0 {
			continue
		}
		i := 0
		err := eachValue(chunks[sc.col], func(v parquet.Value) error {
			if v.RepetitionLevel() != 0 || i >= n {
				return fmt.Errorf("column %s: more values than rows", sc.name)
			}
			if !v.IsNull() {
				sc.set(&recs[i], v)
			}
			i++
			return nil
		})
		if err == nil && i != n {
			err = fmt.Errorf("column %s: %d values for %d rows", sc.name, i, n)
		}
		if err != nil {
			return nil, err
		}
	}

	// Roles first: find each row's first user turn, then keep only that
	// turn's content.
	firstUser := make([]int, n)
	row, turn := -1, 0
	err := eachValue(chunks[cols.role], func(v parquet.Value) error {
		if v.RepetitionLevel() == 0 {
			row, turn = row+1, 0
			if row >= n {
				return errors.New("conversation: more lists than rows")
			}
			firstUser[row] = -1
		}
		if row < 0 {
			return errors.New("conversation: list continues before it starts")
		}
		if v.DefinitionLevel() < cols.turnDef {
			return nil // null or empty list
		}
		if firstUser[row] < 0 && !v.IsNull() && string(v.ByteArray()) == "user" {
			firstUser[row] = turn
		}
		turn++
		return nil
	})
	if err == nil && row != n-1 {
		err = fmt.Errorf("conversation: %d lists for %d rows", row+1, n)
	}
	if err != nil {
		return nil, err
	}
	row, turn = -1, 0
	err = eachValue(chunks[cols.content], func(v parquet.Value) error {
		if v.RepetitionLevel() == 0 {
			row, turn = row+1, 0
			if row >= n {
				return errors.New("conversation: more lists than rows")
			}
		}
		if row < 0 {
			return errors.New("conversation: list continues before it starts")
		}
		if v.DefinitionLevel() < cols.turnDef {
			return nil
		}
		if turn == firstUser[row] {
			recs[row].hasUser = true
			if !v.IsNull() {
				recs[row].firstUser = str(v)
			}
		}
		turn++
		return nil
	})
	if err == nil && row != n-1 {
		err = fmt.Errorf("conversation: %d content lists for %d rows", row+1, n)
	}
	if err != nil {
		return nil, err
	}
	// A row whose first user turn is beyond its content list (a role list
	// longer than the content list) would look user-less; catch that.
	for i := range recs {
		if firstUser[i] >= 0 && !recs[i].hasUser {
			return nil, fmt.Errorf("conversation: row %d: role and content lists differ in length", i)
		}
	}
	return recs, nil
}

// eachValue calls fn with every value of a column chunk, in order. Byte
// array values are only valid during the call.
func eachValue(cc parquet.ColumnChunk, fn func(parquet.Value) error) error {
	pages := cc.Pages()
	defer pages.Close()
	buf := make([]parquet.Value, 256)
	for {
		p, err := pages.ReadPage()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		vr := p.Values()
		for {
			n, rerr := vr.ReadValues(buf)
			for _, v := range buf[:n] {
				if err := fn(v); err != nil {
					parquet.Release(p)
					return err
				}
			}
			if rerr == io.EOF || (n == 0 && rerr == nil) {
				break
			}
			if rerr != nil {
				parquet.Release(p)
				return rerr
			}
		}
		parquet.Release(p)
	}
}
