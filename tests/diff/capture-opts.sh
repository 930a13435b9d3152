# capture-opts.sh -- sourced by the differential scripts.
# capture_opts CAPTURE: the options the capture needs for both tools, one
# word per line: tests/captures/NAME.opts (NAME without .pcap/.pcapng)
# holds tshark -o options; file paths in it are relative to its folder.
capture_opts() {
  local opts=${1%.pcap*}.opts dir
  [ -f "$opts" ] || return 0
  dir=$(cd "$(dirname "$1")" && pwd)
  sed "s#\(keylog_file:\)\([^/]\)#\1$dir/\2#g" "$opts" | tr ' \t' '\n\n' | grep -v '^$'
}
