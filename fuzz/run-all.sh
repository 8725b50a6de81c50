#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 300) each from the seed corpora, one after another.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-300}"
for t in csv_import policy_file personal_code; do
    mkdir -p "corpus/$t"
    cp -n seeds/$t/* "corpus/$t/" 2>/dev/null || true
    cargo +nightly fuzz run -O "$t" "corpus/$t" -- -max_total_time="$secs" -max_len=8192
done
