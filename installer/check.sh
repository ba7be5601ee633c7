#!/usr/bin/env bash
# Checks what installer/build.sh made, as a user would run it: no network (where `unshare -n`
# works), an empty home (so PyTorch's native library must come out of the bundled jar), and
# ai.djl.offline=true.
#   1. the app image's own launcher: --version, then `score --json` on a tiny checkpoint written
#      here, checked against the test suite's plain-Java reference forward pass;
#   2. the .deb: its contents list the launcher, the icon and the desktop entry (with text/plain),
#      and the launcher unpacked from it (dpkg-deb -x into a scratch folder) scores the same.
# What cannot be checked here is reported as SKIPPED with the reason, and never counts as passed.
# Needs the test classes (./mvnw test-compile; ./run-tests makes them).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/target/installer"
JAVA_HOME="$("$root/installer/find-jdk.sh")" || exit 1
cd "$root"

fail() { echo "FAILED: $*" >&2; exit 1; }
skip() { echo "SKIPPED: $*"; }

image="$out/tokenscope/bin/tokenscope"
[ -x "$image" ] || fail "no app image at target/installer/tokenscope: run installer/build.sh first"
[ -d target/test-classes/org/tokenscope/testing ] || fail "no test classes: run './mvnw -DskipTests test-compile' first"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
./mvnw -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp="target/test-classes:target/classes:$(cat "$work/cp.txt")"
checker() { "$JAVA_HOME/bin/java" -cp "$cp" installer/check/InstalledScoreCheck.java "$@"; }
checker write "$work/model"

if unshare -n true 2>/dev/null; then offline=(unshare -n)
else offline=(); skip "running without a network (unshare -n is not permitted here); offline mode is still on"; fi

run_offline() { # LAUNCHER ARGS...: run with an empty home and no network
  local home; home="$(mktemp -d "$work/home.XXXX")"
  "${offline[@]}" env -i PATH="/usr/bin:/bin" HOME="$home" \
    JAVA_TOOL_OPTIONS="-Duser.home=$home -Dai.djl.offline=true" "$@" 2> >(grep -v '^Picked up JAVA_TOOL_OPTIONS' >&2)
}

check_launcher() { # LAUNCHER NAME
  local version
  version="$(run_offline "$1" --version)" || fail "$2: --version failed"
  [[ "$version" == tokenscope* ]] || fail "$2: --version printed '$version'"
  local start end
  start=$(date +%s%N)
  run_offline "$1" score --model "$work/model" --text "Hello world" --json > "$work/score.json" || fail "$2: score failed"
  end=$(date +%s%N)
  checker verify "$work/score.json" || fail "$2: score's JSON is wrong"
  echo "ok: $2 ($version): score matches the reference ($(( (end - start) / 1000000 )) ms, first run in an empty home)"
}

check_launcher "$image" "app image"

deb="$(ls "$out"/*.deb 2>/dev/null | head -1 || true)"
if [ -z "$deb" ]; then
  skip ".deb checks: target/installer has no .deb (installer/build.sh builds one where dpkg-deb and fakeroot are installed)"
elif ! command -v dpkg-deb >/dev/null; then
  skip ".deb checks: dpkg-deb is not installed"
else
  contents="$(dpkg-deb --contents "$deb")"
  for path in ./opt/tokenscope/bin/tokenscope ./opt/tokenscope/lib/tokenscope.png ./opt/tokenscope/lib/tokenscope-tokenscope.desktop \
              ./opt/tokenscope/lib/app/tokenscope.jar; do
    grep -q " $path\$" <<<"$contents" || fail "$(basename "$deb") lacks $path"
  done
  grep -q 'lib/app/lib/pytorch-native-cpu-.*\.jar$' <<<"$contents" || fail "$(basename "$deb") lacks PyTorch's native jar"
  dpkg-deb -x "$deb" "$work/root"
  grep -qx 'MimeType=text/plain;' "$work/root/opt/tokenscope/lib/tokenscope-tokenscope.desktop" \
    || fail "the desktop entry does not list text/plain"
  dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./postinst | grep -q 'update-alternatives --install /usr/bin/tokenscope' \
    || fail "postinst does not put tokenscope on PATH"
  echo "ok: $(basename "$deb") lists the launcher, icon, desktop entry (text/plain) and PyTorch's native jar"
  check_launcher "$work/root/opt/tokenscope/bin/tokenscope" "$(basename "$deb"), unpacked"
fi
