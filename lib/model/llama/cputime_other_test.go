//go:build !unix

package llama

import "time"

// cpuTime is not measured off unix: the CPU-time metrics read 0 there.
func cpuTime() time.Duration { return 0 }
