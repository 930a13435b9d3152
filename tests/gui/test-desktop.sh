#!/bin/bash
# The desktop entry and the AppStream metadata validate.
set -eu
data="$IOTSCOPE_SOURCE_ROOT/data"
case "$1" in
  desktop)
    command -v desktop-file-validate >/dev/null || { echo "desktop-file-validate missing (desktop-file-utils)"; exit 77; }
    desktop-file-validate "$data/org.iotscope.Iotscope.desktop"
    ;;
  appstream)
    command -v appstreamcli >/dev/null || { echo "appstreamcli missing (appstream)"; exit 77; }
    appstreamcli validate --no-net "$data/org.iotscope.Iotscope.metainfo.xml"
    # Links a software centre follows must lead somewhere real: no
    # placeholder hosts (RFC 2606 names) in the homepage or screenshots.
    if grep -nE 'https?://([a-z0-9.-]*\.)?(example\.(org|com|net)|localhost|invalid|test)(/|<|")' \
         "$data/org.iotscope.Iotscope.metainfo.xml"; then
      echo "placeholder URL in the metainfo"; exit 1
    fi
    ;;
  schema)
    glib-compile-schemas --strict --dry-run "$data"
    ;;
esac
