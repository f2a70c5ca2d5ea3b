package task

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// sourceMeta is a "meta" object of a source record (WildChat or MATH JSONL):
// tags a researcher added to the records (a topic, a split), kept in
// Task.Meta so that analyses can group or hold out by them.
type sourceMeta map[string]json.RawMessage

// mergeInto adds the object's keys to meta, as strings: a JSON string as
// its text, null left out, any other value (number, bool, object, array)
// as its compact JSON. A key the loader already set from the record's own
// fields keeps the loader's value; an empty key is an error.
func (m sourceMeta) mergeInto(meta map[string]string) error {
	for k, raw := range m {
		if k == "" {
			return fmt.Errorf("meta: empty key")
		}
		if _, ok := meta[k]; ok {
			continue
		}
		raw = bytes.TrimSpace(raw)
		if string(raw) == "null" {
			continue
		}
		var s string
		if err := json.Unmarshal(raw, &s); err == nil {
			meta[k] = s
			continue
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return fmt.Errorf("meta %q: %w", k, err)
		}
		meta[k] = buf.String()
	}
	return nil
}
