//go:build cgo && !noopenblas

package probe

// #cgo LDFLAGS: -llapacke -lopenblas
import "C"

import (
	blasnetlib "gonum.org/v1/netlib/blas/netlib"
	lapacknetlib "gonum.org/v1/netlib/lapack/netlib"
)

// Backend names the linear algebra this build uses.
const Backend = "openblas"

var (
	blasImpl   blasnetlib.Implementation
	lapackImpl lapacknetlib.Implementation
)
