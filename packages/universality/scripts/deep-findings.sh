#!/bin/sh
# The README's findings on the zoo's deeper organism (6 layers, four seeds), by path, run once by hand.
# Usage: sh scripts/deep-findings.sh <models-folder> <work-dir>   (models-folder holds deep-seed0..3)
set -eu
models_dir=$1
work=${2:-/tmp/universality-deep}
mkdir -p "$work"
marr="node $(dirname "$0")/../../../apps/cli/dist/main.js"
node "$(dirname "$0")/heldout-corpus.mjs" 3000 "$work/heldout.txt"
for first in 0 1 2 3; do
  rest=$(for s in 0 1 2 3; do [ $s -ne $first ] && printf -- '--model %s/deep-seed%s ' "$models_dir" $s; done)
  $marr run universal-neurons --model "$models_dir/deep-seed$first" $rest --data "$work/heldout.txt" --seed 0 --out "$work/first-seed$first" > "$work/first-seed$first.txt"
done
