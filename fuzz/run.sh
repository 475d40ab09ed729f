#!/bin/sh
# Runs one fuzz target single-job for a while: ./fuzz/run.sh parse|pipeline [SECONDS]
# Seeds the corpus from ../shared/corpus and testdata/ on first use. Crashes land in
# fuzz/artifacts/<target>/; copy each into testdata/fuzz/<target>/ so the normal tests replay it.
set -eu
cd "$(dirname "$0")"
target=${1:?usage: run.sh parse|pipeline [SECONDS]}
secs=${2:-600}
[ -d "corpus/$target" ] || ./seed.sh
cd ..
# No nightly toolchain is needed: RUSTC_BOOTSTRAP lets stable rustc take the sanitizer flags.
# -timeout flags inputs that take far longer than any script should (the parser's own limit
# stops hostile nesting in about a second, more under coverage instrumentation).
RUSTC_BOOTSTRAP=1 exec cargo fuzz run "$target" "fuzz/corpus/$target" -- \
    -dict=fuzz/dict/shell.dict -timeout=30 -rss_limit_mb=2048 -max_total_time="$secs" -print_final_stats=1
