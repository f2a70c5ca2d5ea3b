package tokenizer

import (
	"fmt"
	"strings"
)

// Jinja gives a filter a higher precedence than any binary operator:
// 'a' + x | trim + 'b' means 'a' + (x | trim) + 'b'. gonja applies filters
// only to a whole expression, so it rejects that line (which every Llama-3.x
// chat template contains) or reads x | length == 0 as a syntax error.
// normalizeTemplate rewrites a template so that gonja renders it as Python's
// Jinja does:
//
//   - each filter chain and the operand it applies to are put in
//     parentheses, which both grammars read the same way:
//     'a' + x | trim + 'b'  ->  'a' + (x | trim) + 'b',
//     not m.calls | length == 1  ->  not (m.calls | length) == 1;
//   - trim_blocks and lstrip_blocks are applied here, to block tags and
//     comments alike (gonja skips them after {% else %} and around
//     comments): the indentation before a tag alone on its line and the
//     newline after a tag are removed from the source, unless the tag says
//     {%+ or +%};
//   - comments are removed, with their whitespace control.
//
// Text and raw blocks are copied as they are. An expression it cannot
// follow is left unchanged, for gonja to report; a tag or comment that never
// closes is an error.
func normalizeTemplate(src string) (string, error) {
	out := make([]byte, 0, len(src)+len(src)/16)
	i := 0
	for i < len(src) {
		k := strings.IndexByte(src[i:], '{')
		if k < 0 || i+k+1 >= len(src) {
			out = append(out, src[i:]...)
			break
		}
		k += i
		out = append(out, src[i:k]...)
		kind := src[k+1]
		if kind != '#' && kind != '%' && kind != '{' {
			out = append(out, '{')
			i = k + 1
			continue
		}
		start := k + 2
		var open byte // '-', '+' or 0
		if start < len(src) && (src[start] == '-' || src[start] == '+') {
			open = src[start]
			start++
		}
		var end int // where the closer, with its modifier, begins
		closer := map[byte]string{'#': "#}", '%': "%}", '{': "}}"}[kind]
		if kind == '#' {
			e := strings.Index(src[start:], "#}")
			if e < 0 {
				return "", unterminated(src, k)
			}
			end = start + e
			if end > start && (src[end-1] == '-' || src[end-1] == '+') {
				end--
			}
		} else {
			e, ok := tagEnd(src, start, closer)
			if !ok {
				return "", unterminated(src, k)
			}
			end = e
		}
		var shut byte // '-', '+' or 0
		closeLen := len(closer)
		if src[end] == '-' || src[end] == '+' {
			shut = src[end]
			closeLen++
		}
		block := kind == '#' || kind == '%'
		switch {
		case block && open == '-':
			if kind == '#' {
				out = trimRightSpace(out)
			}
		case block && open == 0:
			out = lstripLine(out)
		}
		inner := src[start:end]
		next := end + closeLen
		switch {
		case kind == '#':
			// dropped
		case kind == '%' && tagKeyword(inner) == "raw":
			stop, err := findEndRaw(src, next)
			if err != nil {
				return "", err
			}
			out = append(out, src[k:stop]...)
			i = stop
			continue
		default:
			out = append(out, src[k:start]...)
			out = append(out, rewriteTag(inner, kind == '%')...)
			out = append(out, src[end:next]...)
		}
		i = next
		if block {
			switch shut {
			case '-':
				if kind == '#' {
					for i < len(src) && strings.IndexByte(" \t\r\n", src[i]) >= 0 {
						i++
					}
				}
			case 0:
				if strings.HasPrefix(src[i:], "\r\n") {
					i += 2
				} else if strings.HasPrefix(src[i:], "\n") {
					i++
				}
			}
		}
	}
	return string(out), nil
}

// unterminated reports a tag that never closes, by line (gonja loops
// forever on one).
func unterminated(src string, k int) error {
	line := 1 + strings.Count(src[:k], "\n")
	return fmt.Errorf("line %d: unterminated %q", line, src[k:k+2])
}

// lstripLine removes the spaces and tabs that end out when nothing else
// stands between them and the start of the line.
func lstripLine(out []byte) []byte {
	n := len(out)
	j := n
	for j > 0 && (out[j-1] == ' ' || out[j-1] == '\t') {
		j--
	}
	if j == 0 || out[j-1] == '\n' {
		return out[:j]
	}
	return out
}

func trimRightSpace(out []byte) []byte {
	j := len(out)
	for j > 0 && strings.IndexByte(" \t\r\n", out[j-1]) >= 0 {
		j--
	}
	return out[:j]
}

// tagEnd finds the end of a tag's contents: the offset of its closing
// delimiter (or of the '-' / '+' before it), outside strings and brackets.
func tagEnd(src string, i int, closer string) (int, bool) {
	from := i
	depth := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\'' || c == '"':
			j := skipString(src, i)
			if j < 0 {
				return 0, false
			}
			i = j
			continue
		case c == '(' || c == '[' || c == '{':
			depth++
		case (c == ')' || c == ']' || c == '}') && depth > 0 && !(depth == 0 && strings.HasPrefix(src[i:], closer)):
			depth--
		case depth == 0 && strings.HasPrefix(src[i:], closer):
			if i > from && (src[i-1] == '-' || src[i-1] == '+') {
				return i - 1, true
			}
			return i, true
		}
		i++
	}
	return 0, false
}

// skipString returns the offset just past the string literal at src[i].
func skipString(src string, i int) int {
	q := src[i]
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case q:
			return j + 1
		}
	}
	return -1
}

// findEndRaw returns the offset just past the {% endraw %} tag that closes a
// raw block whose contents start at from.
func findEndRaw(src string, from int) (int, error) {
	for i := from; i < len(src); {
		k := strings.Index(src[i:], "{%")
		if k < 0 {
			break
		}
		k += i
		start := k + 2
		if start < len(src) && (src[start] == '-' || src[start] == '+') {
			start++
		}
		end, ok := tagEnd(src, start, "%}")
		if !ok {
			return 0, unterminated(src, k)
		}
		if src[end] == '-' || src[end] == '+' {
			end++
		}
		if tagKeyword(src[start:end]) == "endraw" {
			return end + 2, nil
		}
		i = end + 2
	}
	return 0, fmt.Errorf("line %d: raw block without endraw", 1+strings.Count(src[:from], "\n"))
}

func tagKeyword(inner string) string {
	s := strings.TrimSpace(inner)
	n := 0
	for n < len(s) && isNameByte(s[n], n > 0) {
		n++
	}
	return s[:n]
}

func isNameByte(c byte, notFirst bool) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (notFirst && c >= '0' && c <= '9')
}

// exprTok is one token of a tag's contents, as byte offsets into it.
type exprTok struct {
	start, end int
	kind       byte // 'n' name, 'l' literal (string or number), or the punctuation byte
}

func lexExpr(s string) ([]exprTok, bool) {
	var toks []exprTok
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'' || c == '"':
			j := skipString(s, i)
			if j < 0 {
				return nil, false
			}
			toks = append(toks, exprTok{i, j, 'l'})
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.' || s[j] == '_') {
				j++
			}
			toks = append(toks, exprTok{i, j, 'l'})
			i = j
		case isNameByte(c, false):
			j := i
			for j < len(s) && isNameByte(s[j], true) {
				j++
			}
			toks = append(toks, exprTok{i, j, 'n'})
			i = j
		default:
			toks = append(toks, exprTok{i, i + 1, c})
			i++
		}
	}
	return toks, true
}

// jinjaKeywords are names that cannot end an operand.
var jinjaKeywords = map[string]bool{"and": true, "or": true, "not": true, "in": true, "is": true, "if": true, "else": true}

func rewriteTag(inner string, statement bool) string {
	toks, ok := lexExpr(inner)
	if !ok {
		return inner
	}
	if statement {
		switch tagKeyword(inner) {
		case "filter", "endfilter":
			return inner
		case "set":
			hasAssign := false
			for _, t := range toks {
				hasAssign = hasAssign || t.kind == '='
			}
			if !hasAssign {
				return inner // {% set x | f %} block assignment
			}
		}
	}
	match := matchBrackets(toks)
	if match == nil {
		return inner
	}
	opens := make([]int, len(toks))
	closes := make([]int, len(toks))
	changed := false
	for p := 0; p < len(toks); p++ {
		if toks[p].kind != '|' {
			continue
		}
		start := operandStart(inner, toks, match, p-1)
		if start < 0 {
			continue
		}
		// Extend over the chain: | name [(args)] | name [(args)] ...
		q := p
		for q < len(toks) && toks[q].kind == '|' {
			if q+1 >= len(toks) || toks[q+1].kind != 'n' {
				return inner
			}
			q++
			if q+1 < len(toks) && toks[q+1].kind == '(' {
				q = match[q+1]
			}
			if q+1 < len(toks) && toks[q+1].kind == '|' {
				q++
				continue
			}
			break
		}
		opens[start]++
		closes[q]++
		changed = true
		// Pipes inside the chain's arguments are handled by later
		// iterations; pipes of this chain are not operands' pipes.
		for r := p + 1; r <= q; r++ {
			if toks[r].kind == '|' && depthBetween(toks, p, r) == 0 {
				toks[r].kind = '!' // consumed
			}
		}
	}
	if !changed {
		return inner
	}
	var b strings.Builder
	prev := 0
	for k, t := range toks {
		b.WriteString(inner[prev:t.start])
		b.WriteString(strings.Repeat("(", opens[k]))
		b.WriteString(inner[t.start:t.end])
		b.WriteString(strings.Repeat(")", closes[k]))
		prev = t.end
	}
	b.WriteString(inner[prev:])
	return b.String()
}

// depthBetween is the bracket depth at token r relative to token p.
func depthBetween(toks []exprTok, p, r int) int {
	d := 0
	for k := p; k < r; k++ {
		switch toks[k].kind {
		case '(', '[', '{':
			d++
		case ')', ']', '}':
			d--
		}
	}
	return d
}

// matchBrackets pairs each bracket token with its partner; nil if unbalanced.
func matchBrackets(toks []exprTok) []int {
	match := make([]int, len(toks))
	var stack []int
	for k, t := range toks {
		switch t.kind {
		case '(', '[', '{':
			stack = append(stack, k)
		case ')', ']', '}':
			if len(stack) == 0 {
				return nil
			}
			o := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			match[k], match[o] = o, k
		}
	}
	if len(stack) != 0 {
		return nil
	}
	return match
}

// operandStart returns the first token of the primary expression (with its
// attribute, subscript and call suffixes) that ends at token j, or -1.
func operandStart(s string, toks []exprTok, match []int, j int) int {
	for j >= 0 {
		t := toks[j]
		switch t.kind {
		case ')', ']':
			o := match[j]
			if o > 0 {
				prev := toks[o-1]
				isPostfix := prev.kind == 'l' || prev.kind == ')' || prev.kind == ']' ||
					(prev.kind == 'n' && !jinjaKeywords[s[prev.start:prev.end]])
				if isPostfix {
					j = o - 1
					continue
				}
			}
			return o
		case '}':
			return match[j]
		case 'n', 'l':
			if t.kind == 'n' && jinjaKeywords[s[t.start:t.end]] {
				return -1
			}
			if j >= 2 && toks[j-1].kind == '.' {
				j -= 2
				continue
			}
			return j
		default:
			return -1
		}
	}
	return -1
}
