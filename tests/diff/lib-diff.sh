# Sourced by the differential shell suites.
DIFF_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# excluded SUITE CAPTURE: true, after printing why, when exclusions.txt
# leaves CAPTURE out of SUITE.
excluded() {
  local why
  why=$(python3 "$DIFF_DIR/exclusions.py" "$1" "$2") || return 1
  echo "not compared ($1): $(basename "$2"): $why"
}
