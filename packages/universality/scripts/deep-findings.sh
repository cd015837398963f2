#!/bin/sh
# The README's findings on the zoo's deeper organism (6 layers), by path, run once by hand: each seed
# present in <models-folder> (deep-seed0, deep-seed1, ...) as model 1 against the others, on held-out
# documents of the deep recipe's mix written to <work-dir>/deep-heldout.txt beforehand (see the README).
# Usage: sh scripts/deep-findings.sh <models-folder> <work-dir>
set -eu
models_dir=$1
work=${2:-/tmp/universality-deep}
marr="node $(dirname "$0")/../../../apps/cli/dist/main.js"
seeds=$(ls "$models_dir" | sed -n 's/^deep-seed\([0-9]*\)$/\1/p')
for first in $seeds; do
  rest=$(for s in $seeds; do if [ "$s" != "$first" ]; then printf -- '--model %s/deep-seed%s ' "$models_dir" "$s"; fi; done)
  $marr run universal-neurons --model "$models_dir/deep-seed$first" $rest --data "$work/deep-heldout.txt" --seed 0 --out "$work/deep-first-seed$first" > "$work/deep-first-seed$first.txt"
done
