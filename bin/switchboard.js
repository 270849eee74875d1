#!/usr/bin/env node
// Runs the compiled CLI. `npm install` builds dist/ through the `prepare` script.
require('../dist/src/cli/main.js')
  .main(process.argv.slice(2))
  .then((code) => process.exit(code));
