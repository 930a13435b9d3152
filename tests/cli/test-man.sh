#!/usr/bin/env bash
# The manual pages: man(1) renders them without a warning, and each
# documents every long option its program's --help-all lists.
set -u
cd "${IOTSCOPE_SOURCE_ROOT:?}"
command -v man >/dev/null || { echo "man is not installed: skipped"; exit 77; }
failed=0
check_page() {
  local page=$1 program=$2 warnings options missing
  warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
  if [ -n "$warnings" ]; then
    echo "FAIL $page: man warns:"; echo "$warnings" | head; failed=1
  fi
  [ -x "$program" ] || { echo "skip options of $page: $program not built"; return; }
  options=$("$program" --help-all 2>/dev/null | grep -oE '^ +(-[A-Za-z0-9], )?--[a-z][a-z0-9-]*' \
            | grep -oE -- '--[a-z][a-z0-9-]*' | grep -vE -- '^--(help|help-all|help-[a-z]+|gapplication-service)$')
  [ -n "$options" ] || { echo "FAIL $program --help-all lists no options"; failed=1; return; }
  missing=""
  for option in $options; do
    # In roff a '-' is written '\-'.
    grep -qF -- "$(printf '%s' "$option" | sed 's/-/\\-/g')" "$page" || missing="$missing $option"
  done
  if [ -n "$missing" ]; then
    echo "FAIL $page does not document:$missing"; failed=1
  else
    echo "ok   $page: $(echo "$options" | wc -l) options documented, no warnings"
  fi
}
check_page data/iotscope-cli.1 "${IOTSCOPE_CLI:-}"
check_page data/iotscope.1 "${IOTSCOPE_APP:-}"
exit $failed
