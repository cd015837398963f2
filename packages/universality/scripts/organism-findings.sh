#!/bin/sh
# The README's findings on the shipped organism seeds, run once by hand (minutes): the whole run, the
# same run as two shards merged, and each further seed as model 1 against the others.
# Usage: sh scripts/organism-findings.sh <work-dir>
set -eu
work=${1:-/tmp/universality-findings}
mkdir -p "$work"
marr="node $(dirname "$0")/../../../apps/cli/dist/main.js"
node "$(dirname "$0")/heldout-corpus.mjs" 3000 "$work/heldout.txt"
models="--model organism-seed0 --model organism-seed1 --model organism-seed2 --model organism-seed3"
$marr run universal-neurons $models --data "$work/heldout.txt" --seed 0 --out "$work/whole" > "$work/whole.txt"
for i in 0 1; do
  $marr run universal-neurons $models --data "$work/heldout.txt" --seed 0 --shard $i/2 --out "$work/shard-$i" > "$work/shard-$i.txt"
done
$marr merge "$work/shard-0" "$work/shard-1" --out "$work/merged" > "$work/merged.txt"
# Each other seed as model 1 against the remaining three.
for first in 1 2 3; do
  rest=$(for s in 0 1 2 3; do if [ $s -ne $first ]; then printf -- '--model organism-seed%s ' $s; fi; done)
  $marr run universal-neurons --model organism-seed$first $rest --data "$work/heldout.txt" --seed 0 --out "$work/first-seed$first" > "$work/first-seed$first.txt"
done
# The default model (same architecture and tokenizer, calendar-heavy training mix) against the four seeds.
$marr run universal-neurons --model default $models --data "$work/heldout.txt" --seed 0 --out "$work/default-first" > "$work/default-first.txt"
