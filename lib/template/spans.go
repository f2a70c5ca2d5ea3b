package template

import (
	"fmt"
	"strings"

	"github.com/prefscope/prefscope/lib/model"
)

// Span is where a text sits in a rendered prompt: message Message, bytes
// Start..End of its content. Differential steering adds a vector on the
// tokens of one task's span and subtracts it on the other's.
type Span struct {
	Message    int
	Start, End int
}

// LocateSpan finds text in the user turns of msgs. The text must occur
// exactly once there: steering the wrong copy of a task would be a silent
// error, so zero or several occurrences are an error saying which.
// Assistant turns are not searched (a completion may quote its task).
func LocateSpan(msgs []model.Message, text string) (Span, error) {
	if text == "" {
		return Span{}, fmt.Errorf("template: span: empty text")
	}
	var found []Span
	for i, m := range msgs {
		if m.Role != model.RoleUser {
			continue
		}
		for off := 0; ; {
			k := strings.Index(m.Content[off:], text)
			if k < 0 {
				break
			}
			found = append(found, Span{Message: i, Start: off + k, End: off + k + len(text)})
			off += k + 1
		}
	}
	switch len(found) {
	case 0:
		return Span{}, fmt.Errorf("template: span: text %q is not in any user turn of the prompt", abbreviate(text))
	case 1:
		return found[0], nil
	}
	return Span{}, fmt.Errorf("template: span: text %q occurs %d times in the prompt's user turns (first in message %d at byte %d, then message %d at byte %d), so its tokens are ambiguous",
		abbreviate(text), len(found), found[0].Message, found[0].Start, found[1].Message, found[1].Start)
}

// TaskSpans locates every task text of a rendered prompt, in display order.
func (p Prompt) TaskSpans() ([]Span, error) {
	if len(p.TaskTexts) == 0 {
		return nil, fmt.Errorf("template: span: the prompt shows no task")
	}
	out := make([]Span, len(p.TaskTexts))
	for i, t := range p.TaskTexts {
		s, err := LocateSpan(p.Messages, t)
		if err != nil {
			return nil, fmt.Errorf("task %d of %d: %w", i+1, len(p.TaskTexts), err)
		}
		out[i] = s
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[i].Message == out[j].Message && out[i].Start < out[j].End && out[j].Start < out[i].End {
				return nil, fmt.Errorf("template: span: tasks %d and %d overlap in message %d", i+1, j+1, out[i].Message)
			}
		}
	}
	return out, nil
}

func abbreviate(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
