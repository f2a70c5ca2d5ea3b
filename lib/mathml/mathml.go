package mathml

import (
	"fmt"
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// FromTeX converts the TeX formula tex (the inside of $...$ or $$...$$) to a
// <math> element, displayed as a block when display is true. The TeX source
// is kept in an annotation, so copying the formula copies its TeX.
func FromTeX(tex string, display bool) (string, error) {
	if !utf8.ValidString(tex) {
		return "", fmt.Errorf("mathml: %q: not valid UTF-8", tex)
	}
	if i := strings.IndexFunc(tex, notXMLChar); i >= 0 {
		return "", fmt.Errorf("mathml: %q: character %U at byte %d cannot appear in HTML", tex, []rune(tex[i:])[0], i)
	}
	p := &texParser{src: []rune(tex), display: display}
	body := p.row(stopEnd)
	if p.err == nil && p.i < len(p.src) {
		p.fail("unexpected %q", string(p.src[p.i]))
	}
	if p.err != nil {
		return "", fmt.Errorf("mathml: `%s`: %w", tex, p.err)
	}
	attr := ""
	if display {
		attr = ` display="block"`
	}
	return `<math xmlns="http://www.w3.org/1998/Math/MathML"` + attr + `><semantics>` + mrow(body) +
		`<annotation encoding="application/x-tex">` + html.EscapeString(tex) + `</annotation></semantics></math>`, nil
}

// notXMLChar reports the characters XML 1.0 forbids: controls other than
// tab and line ends, and U+FFFE, U+FFFF.
func notXMLChar(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF
}

// stop says where a row ends.
type stop int

const (
	stopEnd   stop = iota // end of the formula
	stopBrace             // a closing }
	stopRight             // \right
	stopCell              // & , \\ or \end (inside an environment)
	stopBrack             // ] (the index of \sqrt)
)

type texParser struct {
	src     []rune
	i       int
	display bool
	err     error
	fn      bool // the last atom was a function name (\log, \operatorname)
}

func (p *texParser) fail(format string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf(format, args...)
	}
}

func (p *texParser) skipSpace() {
	for p.i < len(p.src) && unicode.IsSpace(p.src[p.i]) {
		p.i++
	}
}

func (p *texParser) peek() rune {
	if p.i < len(p.src) {
		return p.src[p.i]
	}
	return 0
}

// peekCommand returns the name of the command at the cursor without
// consuming it ("" if none).
func (p *texParser) peekCommand() string {
	if p.peek() != '\\' || p.i+1 >= len(p.src) {
		return ""
	}
	j := p.i + 1
	if !isASCIILetter(p.src[j]) {
		return string(p.src[j])
	}
	for j < len(p.src) && isASCIILetter(p.src[j]) {
		j++
	}
	return string(p.src[p.i+1 : j])
}

func (p *texParser) command() string {
	name := p.peekCommand()
	p.i += 1 + len([]rune(name))
	return name
}

func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// row parses atoms with their scripts until the stop.
func (p *texParser) row(until stop) []string {
	var items []string
	for p.err == nil {
		p.skipSpace()
		if p.i >= len(p.src) {
			if until != stopEnd {
				p.fail("missing closing %s", map[stop]string{stopBrace: "}", stopRight: `\right`, stopCell: `\end`, stopBrack: "]"}[until])
			}
			return items
		}
		c, cmd := p.peek(), p.peekCommand()
		switch {
		case c == '}':
			if until != stopBrace {
				p.fail("unbalanced }")
			}
			return items
		case c == ']' && until == stopBrack:
			return items
		case cmd == "right":
			if until != stopRight {
				p.fail(`\right without \left`)
			}
			return items
		case c == '&' || cmd == `\` || cmd == "end":
			if until != stopCell {
				p.fail("%s outside an environment", map[bool]string{true: "&", false: `\` + cmd}[c == '&'])
			}
			return items
		}
		p.fn = false
		base, big := p.atom()
		if p.err != nil {
			return items
		}
		fn := p.fn
		items = append(items, p.scripts(base, big))
		if fn && p.thinSpaceAfterFunction() {
			items = append(items, `<mspace width="0.1667em"></mspace>`)
		}
	}
	return items
}

// thinSpaceAfterFunction says whether TeX would put a thin space between a
// function name and what follows: before an argument written without
// parentheses (\log x), not before a bracket or the end of a group.
func (p *texParser) thinSpaceAfterFunction() bool {
	p.skipSpace()
	c := p.peek()
	if c == 0 || strings.ContainsRune("([{}|&^_", c) {
		return false
	}
	switch p.peekCommand() {
	case "left", "right", "big", "Big", "bigl", "Bigl", "lbrace", "langle", "lvert", "lVert", "|", "{", `\`, "end", ",", ";", "quad", "qquad":
		return false
	}
	return !strings.ContainsRune("=+−-<>,;.)]", c)
}

// scripts attaches the ^, _ and ' that follow base.
func (p *texParser) scripts(base string, big bool) string {
	var sub, sup string
	primes := ""
	for p.err == nil {
		p.skipSpace()
		switch p.peek() {
		case '_':
			p.i++
			if sub != "" {
				p.fail("double subscript")
			}
			sub = p.arg()
			continue
		case '^':
			p.i++
			if sup != "" {
				p.fail("double superscript")
			}
			sup = p.arg()
			continue
		case '\'':
			p.i++
			primes += "′"
			continue
		}
		break
	}
	if primes != "" {
		sup = mrow([]string{mo(primes), sup})
	}
	under, over := "msub", "msup"
	pair := "msubsup"
	if big && p.display {
		under, over, pair = "munder", "mover", "munderover"
	}
	switch {
	case sub != "" && sup != "":
		return "<" + pair + ">" + base + sub + sup + "</" + pair + ">"
	case sub != "":
		return "<" + under + ">" + base + sub + "</" + under + ">"
	case sup != "":
		return "<" + over + ">" + base + sup + "</" + over + ">"
	}
	return base
}

// arg parses a command's or a script's argument: a {group}, or one token.
func (p *texParser) arg() string {
	p.skipSpace()
	switch c := p.peek(); {
	case c == 0:
		p.fail("missing argument")
		return ""
	case c == '{':
		p.i++
		items := p.row(stopBrace)
		p.i++ // the }
		return mrow(items)
	case c >= '0' && c <= '9':
		p.i++ // TeX takes one digit: \frac12
		return "<mn>" + string(c) + "</mn>"
	case c == '}' || c == '^' || c == '_' || c == '&':
		p.fail("missing argument before %q", string(c))
		return ""
	}
	a, _ := p.atom()
	return a
}

// rawArg returns the text of a {group} unparsed.
func (p *texParser) rawArg() string {
	p.skipSpace()
	if p.peek() != '{' {
		if p.i < len(p.src) {
			p.i++
			return string(p.src[p.i-1])
		}
		p.fail("missing argument")
		return ""
	}
	depth, start := 0, p.i+1
	for ; p.i < len(p.src); p.i++ {
		switch p.src[p.i] {
		case '\\':
			p.i++
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				p.i++
				return string(p.src[start : p.i-1])
			}
		}
	}
	p.fail("missing closing }")
	return ""
}

// atom parses one atom; big reports an operator that takes limits.
func (p *texParser) atom() (string, bool) {
	c := p.peek()
	switch {
	case c == '{':
		p.i++
		items := p.row(stopBrace)
		p.i++
		return mrow(items), false
	case c == '\\':
		return p.commandAtom()
	case c >= '0' && c <= '9' || c == '.' && p.i+1 < len(p.src) && unicode.IsDigit(p.src[p.i+1]):
		j := p.i
		for j < len(p.src) && (unicode.IsDigit(p.src[j]) || p.src[j] == '.' && j+1 < len(p.src) && unicode.IsDigit(p.src[j+1])) {
			j++
		}
		n := string(p.src[p.i:j])
		p.i = j
		return "<mn>" + n + "</mn>", false
	case unicode.IsLetter(c):
		p.i++
		return mi(string(c)), false
	case c == '~':
		p.i++
		return `<mspace width="0.333em"></mspace>`, false
	case c == '^' || c == '_':
		return "<mrow></mrow>", false // a script with an empty base
	}
	p.i++
	if s, ok := opChars[c]; ok {
		return mo(s), false
	}
	return mo(string(c)), false
}

// fixedFences are the delimiters that MathML would stretch to the height of
// the whole row; typed without \left and \right they keep their size, as
// in TeX.
const fixedFences = "()[]{}|‖⟨⟩⌊⌋⌈⌉"

// mo makes an operator; a fence is kept at its size (see fixedFences).
func mo(s string) string {
	if len([]rune(s)) == 1 && strings.Contains(fixedFences, s) {
		return `<mo stretchy="false">` + html.EscapeString(s) + "</mo>"
	}
	return "<mo>" + html.EscapeString(s) + "</mo>"
}

// opChars maps characters typed in TeX to the ones to show.
var opChars = map[rune]string{'-': "−", '*': "∗"}

func (p *texParser) commandAtom() (string, bool) {
	name := p.command()
	if s, ok := greek[name]; ok {
		if unicode.IsUpper([]rune(s)[0]) {
			return `<mi mathvariant="normal">` + s + `</mi>`, false
		}
		return mi(s), false
	}
	if s, ok := symbols[name]; ok {
		return mo(s), false
	}
	if s, ok := ordinary[name]; ok {
		return mi(s), false
	}
	if s, ok := bigOps[name]; ok {
		return mo(s), true
	}
	if functions[name] {
		p.fn = true
		return "<mi>" + name + "</mi>", false
	}
	if limitFunctions[name] {
		p.fn = true
		return "<mi>" + name + "</mi>", true
	}
	if w, ok := spaces[name]; ok {
		if w == "" {
			return "", false
		}
		return `<mspace width="` + w + `"></mspace>`, false
	}
	if a, ok := accents[name]; ok {
		tag := "mover"
		if a.under {
			tag = "munder"
		}
		return "<" + tag + ` accent="true">` + p.arg() + `<mo stretchy="` + fmt.Sprint(a.stretchy) + `">` + a.mark + "</mo></" + tag + ">", false
	}
	if size, ok := bigDelims[name]; ok {
		d := p.delimiter()
		return `<mo minsize="` + size + `" maxsize="` + size + `">` + d + "</mo>", false
	}
	if font, ok := fonts[name]; ok {
		return styled(p.rawArg(), font, p), false
	}
	switch name {
	case "frac", "tfrac", "dfrac", "cfrac":
		num := p.arg()
		return "<mfrac>" + num + p.arg() + "</mfrac>", false
	case "binom":
		n := p.arg()
		return `<mrow><mo>(</mo><mfrac linethickness="0">` + n + p.arg() + `</mfrac><mo>)</mo></mrow>`, false
	case "sqrt":
		p.skipSpace()
		if p.peek() == '[' {
			p.i++
			index := mrow(p.row(stopBrack))
			p.i++ // the ]
			return "<mroot>" + p.arg() + index + "</mroot>", false
		}
		return "<msqrt>" + p.arg() + "</msqrt>", false
	case "left":
		open := p.delimiter()
		body := p.row(stopRight)
		if p.err != nil {
			return "", false
		}
		p.command() // \right
		closing := p.delimiter()
		return "<mrow>" + fence(open) + strings.Join(body, "") + fence(closing) + "</mrow>", false
	case "text", "textrm", "mbox", "textnormal", "textit", "textbf":
		return "<mtext>" + html.EscapeString(textSpaces(p.rawArg())) + "</mtext>", false
	case "operatorname":
		big := p.peek() == '*' // \operatorname*{argmax}: limits below in display
		if big {
			p.i++
		}
		p.fn = true
		return "<mi>" + html.EscapeString(strings.TrimSpace(p.rawArg())) + "</mi>", big
	case "not":
		a, _ := p.atom()
		return strings.Replace(a, "</mo>", "\u0338</mo>", 1), false
	case "begin":
		return p.environment(), false
	case "displaystyle", "textstyle", "limits", "nolimits":
		return "", false
	}
	p.fail(`unknown command \%s`, name)
	return "", false
}

// delimiter reads the delimiter after \left, \right or \big: a character
// or a command; "." is none.
func (p *texParser) delimiter() string {
	p.skipSpace()
	if p.peek() == '\\' {
		name := p.command()
		if s, ok := delimiters[name]; ok {
			return s
		}
		p.fail(`unknown delimiter \%s`, name)
		return ""
	}
	if p.i >= len(p.src) {
		p.fail("missing delimiter")
		return ""
	}
	p.i++
	switch c := p.src[p.i-1]; c {
	case '.':
		return ""
	case '<':
		return "⟨"
	case '>':
		return "⟩"
	case '(', ')', '[', ']', '|', '/':
		return string(c)
	default:
		p.fail("bad delimiter %q", string(c))
		return ""
	}
}

// textSpaces collapses runs of spaces in \text as TeX does, and keeps the
// ones at the ends (\text{if }x) as no-break spaces, which MathML would
// otherwise trim.
func textSpaces(t string) string {
	inner := strings.Join(strings.Fields(t), " ")
	if inner == "" {
		return strings.Repeat("\u00a0", min(len(t), 1))
	}
	if strings.TrimLeftFunc(t, unicode.IsSpace) != t {
		inner = "\u00a0" + inner
	}
	if strings.TrimRightFunc(t, unicode.IsSpace) != t {
		inner += "\u00a0"
	}
	return inner
}

func fence(d string) string {
	if d == "" {
		return ""
	}
	return `<mo fence="true" stretchy="true">` + html.EscapeString(d) + "</mo>"
}

func mi(s string) string { return "<mi>" + html.EscapeString(s) + "</mi>" }

// mrow wraps several items in one <mrow>; one item stays as it is.
func mrow(items []string) string {
	var kept []string
	for _, it := range items {
		if it != "" {
			kept = append(kept, it)
		}
	}
	if len(kept) == 1 {
		return kept[0]
	}
	return "<mrow>" + strings.Join(kept, "") + "</mrow>"
}
