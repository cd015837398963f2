#!/usr/bin/env node
// The `marr` command of marr-cli; installing this package installs the official plugins beside it,
// where the CLI discovers them.
import 'marr-cli/main';
