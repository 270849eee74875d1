//go:build tools

// The Dendrite commands the end-to-end tests run; scripts/ensure-dendrite.sh builds them from a
// module that requires the pinned version (see there why not `go install`).
package tools

import (
	_ "github.com/element-hq/dendrite/cmd/dendrite"
	_ "github.com/element-hq/dendrite/cmd/generate-config"
	_ "github.com/element-hq/dendrite/cmd/generate-keys"
)
