//go:build !cgo || noopenblas

package probe

import (
	blasgonum "gonum.org/v1/gonum/blas/gonum"
	lapackgonum "gonum.org/v1/gonum/lapack/gonum"
)

// Backend names the linear algebra this build uses.
const Backend = "purego"

var (
	blasImpl   blasgonum.Implementation
	lapackImpl lapackgonum.Implementation
)
