//go:build !noxla

package llama

import _ "github.com/gomlx/go-xla/compute/xla" // the "xla" backend (PJRT plugins); build with -tags noxla to leave it out
