# capture-opts.sh -- sourced by the differential scripts.
# capture_opts CAPTURE: the options the capture needs for both tools, one
# word per line (tests/captures/NAME.opts, read by captureopts.py).
capture_opts() {
  python3 "$(dirname "${BASH_SOURCE[0]}")/captureopts.py" "$1"
}
