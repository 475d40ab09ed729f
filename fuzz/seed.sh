#!/bin/sh
# Fills fuzz/corpus/{parse,pipeline} with seeds from the real init scripts in ../shared/corpus and
# testdata/emit (never committed). Pipeline seeds are `svcname 0xFF script 0xFF conf.d [0xFF rc.conf]`.
set -eu
cd "$(dirname "$0")"
src=${1:-../../shared/corpus}
mkdir -p corpus/parse corpus/pipeline
for f in "$src"/*/*; do
    [ -f "$f" ] || continue
    base=$(basename "$f")
    cp "$f" "corpus/parse/$(basename "$(dirname "$f")")__$base"
done
for f in "$src"/alpine/*.initd; do
    base=$(basename "$f" .initd)
    svc=${base#*__}
    out="corpus/pipeline/$base"
    {
        printf '%s\377' "$svc"
        cat "$f"
        if [ -f "$src/alpine-confd/$base.confd" ]; then
            printf '\377'
            cat "$src/alpine-confd/$base.confd"
        fi
    } > "$out"
done
# The emit test cases, with their conf.d and rc.conf.
for script in ../testdata/emit/*/init.d/*; do
    case_dir=$(dirname "$(dirname "$script")")
    svc=$(basename "$script")
    {
        printf '%s\377' "$svc"
        cat "$script"
        if [ -f "$case_dir/conf.d/$svc" ]; then
            printf '\377'
            cat "$case_dir/conf.d/$svc"
            if [ -f "$case_dir/rc.conf" ]; then
                printf '\377'
                cat "$case_dir/rc.conf"
            fi
        fi
    } > "corpus/pipeline/testdata__$(basename "$case_dir")__$svc"
done
echo "seeds: $(ls corpus/parse | wc -l) parse, $(ls corpus/pipeline | wc -l) pipeline"
