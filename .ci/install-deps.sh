#!/usr/bin/env bash
# Installs what iotscope needs to build and test on Debian 12, if missing.
# Used by `make run`, `make check` and CI; does nothing when all is present.
set -euo pipefail

packages=(
  # build
  build-essential meson ninja-build pkg-config
  libglib2.0-dev libgtk-4-dev libpcap-dev libjson-glib-dev libgcrypt20-dev
  # tests: reference decoder, real peers, capture, GUI under Xvfb, fuzzing
  tshark tcpdump mosquitto mosquitto-clients libcoap3-bin curl openssl python3
  iproute2 iputils-ping arping xvfb xauth clang libclang-rt-14-dev time
  desktop-file-utils appstream libcap2-bin
  gettext gsettings-desktop-schemas
  protobuf-compiler python3-protobuf python3-paho-mqtt
  # capture generators (zigbee_sec_gen.py, thread_sec_gen.py: AES-CCM*)
  python3-cryptography
  python3-cbor2
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing missing packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "Run as root or install sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
