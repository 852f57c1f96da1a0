# Sourced by scripts that test the Debian package in a Debian 12 system
# (deb-chroot-test, systemd-boot-test). Needs root.
#
# debian_base ARCH: prints the path of a tarball of a minimal Debian 12
# (bookworm, debootstrap minbase) for ARCH, made once from the mirror apt
# uses here and kept in LWM2M_CHROOT_CACHE (default
# /var/cache/lwm2m-gateway-chroot). For a foreign ARCH it also registers
# qemu-user with binfmt_misc so the system's binaries run here. Progress goes
# to stderr; on failure it prints the end of debootstrap's log and exits.
debian_base() {
  local arch=$1
  command -v debootstrap >/dev/null || {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  }
  # The Debian mirror apt uses here (deb822 or one-line sources).
  local mirror
  mirror=$(sed -n 's/^URIs: *\([^ ]*debian\)\/*$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
  [[ -n "$mirror" ]] || mirror=$(awk '$1=="deb" && $3 ~ /bookworm$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  mirror=${mirror:-http://deb.debian.org/debian}

  if [[ "$arch" != "$(dpkg --print-architecture)" ]]; then
    # Foreign binaries run through qemu, registered with binfmt_misc.
    command -v update-binfmts >/dev/null && [[ -e /usr/libexec/qemu-binfmt || -x /usr/bin/qemu-aarch64-static ]] ||
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static binfmt-support >/dev/null
    [[ -e /proc/sys/fs/binfmt_misc/status ]] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    [[ "$arch" == arm64 ]] && update-binfmts --enable qemu-aarch64 2>/dev/null || true
  fi

  local cache=${LWM2M_CHROOT_CACHE:-/var/cache/lwm2m-gateway-chroot}
  local base="$cache/bookworm-minbase.tar"
  [[ "$arch" == "$(dpkg --print-architecture)" ]] || base="$cache/bookworm-minbase-$arch.tar"
  mkdir -p "$cache"
  if [[ ! -f "$base" ]]; then
    echo "== debootstrap bookworm (minbase, $arch) from $mirror" >&2
    local tmp
    tmp=$(mktemp -d)
    debootstrap --arch="$arch" --variant=minbase bookworm "$tmp" "$mirror" >"$cache/debootstrap-$arch.log" 2>&1 ||
      { tail -20 "$cache/debootstrap-$arch.log" >&2; exit 1; }
    tar -C "$tmp" -cf "$base.part" . && mv "$base.part" "$base"
    rm -rf "$tmp"
  fi
  echo "$base"
}
