package tokenizer

import "unicode/utf8"

// The byte-level alphabet of GPT-2 (Radford et al., 2019), used by Llama 3:
// every byte 0..255 is shown as one printable rune so that a vocabulary of
// strings can hold arbitrary bytes. Printable Latin-1 bytes ('!'..'~',
// '¡'..'¬', '®'..'ÿ') stand for themselves; the 68 others (controls, space,
// NBSP, soft hyphen) are moved, in byte order, to U+0100, U+0101, ... so that
// a space (0x20) becomes 'Ġ' (U+0120) and a newline (0x0A) becomes 'Ċ'.

// byteRune[b] is the rune that stands for byte b.
var byteRune [256]rune

// runeByte maps a byte-level rune back to its byte; runes outside the
// alphabet are absent.
var runeByte = make(map[rune]byte, 256)

func init() {
	printable := func(b int) bool {
		return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)
	}
	next := rune(256)
	for b := 0; b < 256; b++ {
		if printable(b) {
			byteRune[b] = rune(b)
		} else {
			byteRune[b] = next
			next++
		}
		runeByte[byteRune[b]] = byte(b)
	}
}

// byteLevelToBytes turns a vocabulary string in the byte-level alphabet into
// the raw bytes it stands for; ok is false when a rune lies outside the
// alphabet.
func byteLevelToBytes(s string) (b []byte, ok bool) {
	b = make([]byte, 0, len(s))
	for _, r := range s {
		c, found := runeByte[r]
		if !found {
			return nil, false
		}
		b = append(b, c)
	}
	return b, true
}

// bytesToByteLevel is the inverse of byteLevelToBytes.
func bytesToByteLevel(b []byte) string {
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = utf8.AppendRune(out, byteRune[c])
	}
	return string(out)
}

// appendLossyUTF8 appends b to dst, replacing each maximal ill-formed
// subsequence with U+FFFD as the Unicode Standard (section 3.9, "U+FFFD
// substitution of maximal subparts") and the WHATWG encoding spec prescribe.
// Rust's String::from_utf8_lossy, Python's bytes.decode(errors="replace") and
// JavaScript's TextDecoder all follow this rule, so decoded text matches
// Hugging Face's byte for byte. (Go's strings.ToValidUTF8 differs: it
// collapses whole runs of bad bytes into one U+FFFD.)
func appendLossyUTF8(dst, b []byte) []byte {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			dst = append(dst, c)
			i++
			continue
		}
		r, w := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || w > 1 {
			dst = append(dst, b[i:i+w]...)
			i += w
			continue
		}
		// Ill-formed: consume the lead byte and as many continuation bytes as
		// still form a prefix of some well-formed sequence (Table 3-7).
		n := 1
		need, lo, hi := 0, byte(0x80), byte(0xBF)
		switch {
		case c >= 0xC2 && c <= 0xDF:
			need = 1
		case c == 0xE0:
			need, lo = 2, 0xA0
		case c >= 0xE1 && c <= 0xEC, c == 0xEE, c == 0xEF:
			need = 2
		case c == 0xED:
			need, hi = 2, 0x9F
		case c == 0xF0:
			need, lo = 3, 0x90
		case c >= 0xF1 && c <= 0xF3:
			need = 3
		case c == 0xF4:
			need, hi = 3, 0x8F
		}
		for k := 0; k < need && i+n < len(b); k++ {
			d := b[i+n]
			if d < lo || d > hi {
				break
			}
			n++
			lo, hi = 0x80, 0xBF
		}
		dst = append(dst, "\uFFFD"...)
		i += n
	}
	return dst
}
