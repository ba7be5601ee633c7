#!/usr/bin/env bash
# Builds tokenscope as a desktop program, under target/installer/:
#
#   tokenscope/      app image: a native launcher (bin/tokenscope), a Java runtime made by jlink
#                    with only the modules tokenscope needs, and the jar with its libraries
#                    (JavaFX, and PyTorch's native library inside pytorch-native-cpu: nothing is
#                    downloaded at run time). Runs in place; copy or zip it anywhere.
#   *.deb / *.rpm    Linux packages, when dpkg-deb and fakeroot / rpmbuild are installed
#   *.msi            Windows (needs the WiX Toolset), run from Git Bash
#   *.dmg            macOS (needs Xcode's command line tools)
#
# jpackage makes packages only for the system it runs on: build each platform's on that platform,
# with that platform's JDK (the pom's profiles pick PyTorch's and JavaFX's native jars for it).
#
# Usage: installer/build.sh [--type TYPE]... [--no-build]
#   --type TYPE  app-image, deb, rpm, msi, exe, dmg or pkg (repeatable). Without it: the app image
#                and the system's own package (.deb on Debian/Ubuntu, .rpm on Fedora/RHEL/openSUSE,
#                .msi on Windows, .dmg on macOS) when its tools are installed; when they are not,
#                says what to install and builds the app image alone.
#   --no-build   use target/tokenscope.jar as it is (Maven's -Pinstaller passes this)
# Environment: JAVA_HOME (a JDK >= 21 with jlink and jpackage; else installer/find-jdk.sh looks),
#   TOKENSCOPE_APP_VERSION (the version the packages carry; default: the jar's, less -SNAPSHOT).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/target/installer"
assets="$root/assets"

die() { echo "installer/build.sh: $*" >&2; exit 1; }
note() { echo "installer/build.sh: $*" >&2; }

types=() build=true
while [ $# -gt 0 ]; do
  case "$1" in
    --type) [ $# -ge 2 ] || die "--type needs a value"; types+=("$2"); shift 2 ;;
    --type=*) types+=("${1#--type=}"); shift ;;
    --no-build) build=false; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see installer/build.sh --help)" ;;
  esac
done

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=mac ;;
  MINGW*|MSYS*|CYGWIN*) os=windows ;;
  *) die "don't know how to package for $(uname -s); jpackage supports Linux, macOS and Windows" ;;
esac

# --- which packages ----------------------------------------------------------------------------
have() { command -v "$1" >/dev/null 2>&1; }
missing_for() { # TYPE: what this platform lacks to build TYPE (empty when nothing)
  case "$os:$1" in
    *:app-image) ;;
    linux:deb) have dpkg-deb || echo "dpkg-deb (Debian/Ubuntu's dpkg)"; have fakeroot || echo "fakeroot (apt-get install fakeroot)" ;;
    linux:rpm) have rpmbuild || echo "rpmbuild (dnf install rpm-build; apt-get install rpm)" ;;
    windows:msi|windows:exe) have candle.exe || have candle || have wix.exe || have wix || echo "the WiX Toolset on PATH (wixtoolset.org: WiX 3.14, or WiX 4+ with JDK 22+)" ;;
    mac:dmg|mac:pkg) have hdiutil || echo "hdiutil"; have xcrun || echo "Xcode command line tools (xcode-select --install)" ;;
  esac
}
platform_of() { # TYPE: the system that builds it
  case "$1" in app-image) echo "$os" ;; deb|rpm) echo linux ;; msi|exe) echo windows ;; dmg|pkg) echo mac ;; *) echo none ;; esac
}
if [ ${#types[@]} -eq 0 ]; then
  case "$os" in
    # the system's own kind: .deb on Debian/Ubuntu, .rpm on Fedora/RHEL/openSUSE
    linux) if have dpkg || ! have rpm; then candidates=(deb); else candidates=(rpm); fi ;;
    windows) candidates=(msi) ;;
    mac) candidates=(dmg) ;;
  esac
  types=(app-image)
  for t in "${candidates[@]}"; do
    lacks="$(missing_for "$t")"
    if [ -z "$lacks" ]; then types+=("$t"); else note "skipping .$t: needs $(echo "$lacks" | paste -sd, - | sed 's/,/, /g')"; fi
  done
else
  for t in "${types[@]}"; do
    case "$(platform_of "$t")" in
      none) die "unknown --type '$t' (app-image, deb, rpm, msi, exe, dmg, pkg)" ;;
      "$os") ;;
      *) die "a .$t is built on $(platform_of "$t"), and this is $os: jpackage makes packages only for the system it runs on" ;;
    esac
    lacks="$(missing_for "$t")"
    [ -z "$lacks" ] || die "cannot build .$t here: needs $(echo "$lacks" | paste -sd, - | sed 's/,/, /g')"
  done
fi

# --- a JDK with jlink and jpackage ------------------------------------------------------------
JAVA_HOME="$("$root/installer/find-jdk.sh")" || exit 1
export JAVA_HOME
for tool in jpackage jlink jdeps jar; do
  if [ ! -x "$JAVA_HOME/bin/$tool" ] && [ ! -x "$JAVA_HOME/bin/$tool.exe" ]; then
    die "$tool not found in $JAVA_HOME/bin. Building installers needs a full JDK 21 or newer with
  jlink and jpackage: e.g. 'sudo apt-get install openjdk-21-jdk' (Debian/Ubuntu), Temurin 21+ from
  adoptium.net (any platform), then set JAVA_HOME to it. A JRE or a jlink'd runtime is not enough."
  fi
done
java_major="$("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"

# --- the jar and its libraries -----------------------------------------------------------------
jar="$root/target/tokenscope.jar"
if $build; then
  if [ ! -f "$jar" ] || [ -n "$(find "$root/src/main" "$root/pom.xml" -newer "$jar" -print -quit)" ]; then
    note "building target/tokenscope.jar"
    (cd "$root" && ./mvnw -B -q -DskipTests package)
  fi
fi
[ -f "$jar" ] || die "target/tokenscope.jar is missing: run './mvnw -DskipTests package' first"

rm -rf "$out"
mkdir -p "$out/input/lib" "$out/resources"

# The manifest names the jar's libraries (lib/*.jar); take exactly those, so jars left in
# target/lib by an older build stay out of the installer.
(cd "$out" && "$JAVA_HOME/bin/jar" --extract --file "$jar" META-INF/MANIFEST.MF)
manifest_attr() { # NAME: one attribute of the manifest, its 72-column continuation lines joined
  tr -d '\r' < "$out/META-INF/MANIFEST.MF" \
    | awk -v key="$1: " 'index($0, key) == 1 { v = substr($0, length(key) + 1); on = 1; next }
                         on && /^ / { v = v substr($0, 2); next } { on = 0 } END { print v }'
}
version="$(manifest_attr Implementation-Version)"
[ -n "$version" ] || die "target/tokenscope.jar has no Implementation-Version in its manifest"
class_path="$(manifest_attr Class-Path)"
rm -rf "$out/META-INF"
[ -n "$class_path" ] || die "target/tokenscope.jar has no Class-Path in its manifest"
cp "$jar" "$out/input/"
for entry in $class_path; do
  [ -f "$root/target/$entry" ] || die "target/$entry is named by the jar's Class-Path but missing: run './mvnw -DskipTests package'"
  cp "$root/target/$entry" "$out/input/$entry"
done
# JavaFX goes into the runtime as modules (jlink), the only way OpenJFX supports: on the class path
# it warns "Unsupported JavaFX configuration" at every start. Its platform jars (javafx-M-V-OS.jar)
# are modular; the classifier-less javafx-M-V.jar are empty placeholders. Both leave the class path.
mkdir -p "$out/fxmods"
for f in "$out/input/lib"/javafx-*.jar; do
  [ -f "$f" ] || continue
  case "$(basename "$f")" in
    javafx-base-*-*.jar|javafx-graphics-*-*.jar|javafx-controls-*-*.jar|javafx-swing-*-*.jar) mv "$f" "$out/fxmods/" ;;
    javafx-base-*|javafx-graphics-*|javafx-controls-*|javafx-swing-*) rm "$f" ;;
  esac
done
fx_modules=""
[ -n "$(ls "$out/fxmods")" ] && fx_modules="javafx.controls,javafx.swing"

# The small GPT-2 pair the app falls back on when gpt2/gpt2-large are not cached: ModelSources
# looks for assets/models beside the jar, which is lib/app/assets/models in the app image.
if [ -d "$assets/models" ]; then
  mkdir -p "$out/input/assets"
  cp -R "$assets/models" "$out/input/assets/"
fi

# --- what package managers show ----------------------------------------------------------------
prop() { # KEY: its value in assets/app.properties
  local v; v="$(sed -n "s/^$1=//p" "$assets/app.properties" | tr -d '\r' | head -1)"
  [ -n "$v" ] || die "assets/app.properties has no '$1'"
  printf '%s' "$v"
}
name="$(prop name)" vendor="$(prop vendor)" description="$(prop description)" copyright="$(prop copyright)"
# Packages want numbers: a version such as 0.2.0-SNAPSHOT is packaged as 0.2.0.
app_version="${TOKENSCOPE_APP_VERSION:-${version%%-*}}"
if [ "$os" = mac ] && [ "${app_version%%.*}" = 0 ]; then
  die "macOS wants an app version whose first number is at least 1, and this is $app_version:
  set TOKENSCOPE_APP_VERSION (e.g. TOKENSCOPE_APP_VERSION=1.0.0 installer/build.sh)"
fi

# --- a runtime with only the modules needed ------------------------------------------------------
# jdeps finds what the classes name; the rest are loaded by name at run time (reflection,
# ServiceLoader, JNA/DJL's Unsafe, TLS for Hub downloads, zip file systems, charsets of text files).
found="$("$JAVA_HOME/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release "$java_major" \
  --class-path "$root/target/lib/*" "$jar" 2>/dev/null | tail -1)" \
  || die "jdeps could not analyse target/tokenscope.jar"
extra="jdk.incubator.vector,jdk.unsupported,java.net.http,jdk.crypto.ec,java.desktop,java.logging,java.management,jdk.zipfs,java.naming,java.sql,java.xml,java.prefs,jdk.charsets"
available="$("$JAVA_HOME/bin/java" --list-modules | sed 's/@.*//')"
modules=""
for m in $(echo "$found,$extra" | tr ',' '\n' | sort -u); do
  # jdk.crypto.ec is empty from JDK 22 on (its code moved to java.base) and may be gone later
  if echo "$available" | grep -qx "$m"; then modules="${modules:+$modules,}$m"; fi
done
modules="$modules${fx_modules:+,$fx_modules}"
module_path="$out/fxmods"
[ -d "$JAVA_HOME/jmods" ] && module_path="$JAVA_HOME/jmods:$module_path" # JDK 24+ may link without jmods
note "jlink: $modules"
"$JAVA_HOME/bin/jlink" --module-path "$module_path" --add-modules "$modules" --output "$out/runtime" \
  --strip-debug --no-man-pages --no-header-files --compress=zip-6 --generate-cds-archive

# --- the app image -----------------------------------------------------------------------------
java_options=(--java-options "--enable-native-access=ALL-UNNAMED${fx_modules:+,javafx.graphics}")
# the Vector API for the bf16/q8 matrix × vector kernels (model/quant); an incubator module is linked
# into the runtime but resolved only when asked for
java_options+=(--java-options "--add-modules=jdk.incubator.vector")
# transparent huge pages for the Java heap that holds bf16/q8 weights (a q8 step ~20% faster: fewer TLB
# misses) with a young generation of 64 MiB (see ../tokenscope); the JVM's warnings (one where the kernel has them off) go to stderr, not into --json output
java_options+=(--java-options "-XX:+UseTransparentHugePages" --java-options "-Xmn64m" --java-options "-Xlog:disable"
               --java-options "-Xlog:all=warning:stderr")
# JavaFX 21's renderer allocates memory through sun.misc.Unsafe; JDK 24+ warn about it on every start
[ "$java_major" -ge 23 ] && java_options+=(--java-options "--sun-misc-unsafe-memory-access=allow")
# hints name the installed launcher rather than `java -jar` ($BINDIR is jpackage's, expanded at start)
[ "$os" = linux ] && java_options+=(--java-options '-Dtokenscope.command=$BINDIR/tokenscope')

case "$os" in
  linux) icon="$assets/icons/tokenscope-256.png" ;;
  windows) icon="$assets/tokenscope.ico" ;;
  mac) icon="$assets/tokenscope.icns" ;;
esac
[ -f "$icon" ] || die "$icon is missing: run installer/make-icons.sh"

image_options=()
case "$os" in
  windows)
    # the main launcher opens no console (the desktop app); tokenscope-cli.exe is for the command line
    printf 'win-console=true\n' > "$out/resources/tokenscope-cli.properties"
    image_options+=(--add-launcher "tokenscope-cli=$out/resources/tokenscope-cli.properties") ;;
  mac)
    image_options+=(--mac-package-identifier "$(prop id)" --mac-package-name "$name") ;;
esac

note "jpackage: app image"
"$JAVA_HOME/bin/jpackage" --type app-image --dest "$out" \
  --name "$name" --app-version "$app_version" --vendor "$vendor" --description "$description" \
  --copyright "$copyright" --icon "$icon" \
  --input "$out/input" --main-jar tokenscope.jar --main-class "$(prop main-class)" \
  --runtime-image "$out/runtime" "${java_options[@]}" ${image_options[@]+"${image_options[@]}"}

case "$os" in
  mac) image="$out/$name.app" ;;
  *) image="$out/$name" ;;
esac

# --- packages ----------------------------------------------------------------------------------
common=(--dest "$out" --app-image "$image" --name "$name" --app-version "$app_version"
        --vendor "$vendor" --description "$description" --copyright "$copyright"
        --license-file "$root/LICENSE" --resource-dir "$out/resources")

# Opening .txt files: on Linux the desktop entry lists text/plain, so tokenscope is offered under
# "Open with" without taking over as the default text editor (jpackage's --file-associations
# would install its own text/plain definition and make tokenscope the default handler; see also
# installer/linux/postinst). On Windows and macOS jpackage's file association is the way, so
# there it is used.
printf 'extension=txt\nmime-type=text/plain\ndescription=Plain text\nmac.CFBundleTypeRole=Viewer\nmac.LSHandlerRank=Alternate\n' \
  > "$out/resources/txt.properties"

if [ "$os" = linux ]; then
  # jpackage's template for the menu entry, made from assets/tokenscope.desktop: it fills in the
  # installed launcher's path and icon. %f passes the file chosen in "Open with".
  sed -e 's|^Exec=.*|Exec=APPLICATION_LAUNCHER %f|' -e 's|^Icon=.*|Icon=APPLICATION_ICON|' \
    "$assets/tokenscope.desktop" > "$out/resources/$name.desktop"
  cp "$icon" "$out/resources/$name.png" # packaging an app image, jpackage takes the icon from here
  # The .deb's maintainer scripts (installer/linux/): the command on PATH and the menu entry.
  # /opt/tokenscope keeps the app image's own layout, so the launcher works from any copy of it.
  install_dir=/opt
  app_dir="$install_dir/$(prop package)"
  for script in postinst prerm; do
    sed -e "s|@PACKAGE@|$(prop package)|g" -e "s|@COMMAND@|$name|g" -e "s|@LAUNCHER@|$app_dir/bin/$name|g" \
        -e "s|@DESKTOP_SOURCE@|$app_dir/lib/$(prop package)-$name.desktop|g" -e "s|@DESKTOP_NAME@|$name.desktop|g" \
      "$root/installer/linux/$script" > "$out/resources/$script"
  done
  linux_common=(--linux-package-name "$(prop package)" --linux-shortcut --linux-app-release 1
                --linux-app-category "$(prop deb-section)" --install-dir "$install_dir")
fi

for t in "${types[@]}"; do
  [ "$t" = app-image ] && continue
  note "jpackage: .$t"
  case "$t" in
    deb)
      # JavaFX's native code sits in its jars, where jpackage's dependency scan can't see it: GTK 3
      "$JAVA_HOME/bin/jpackage" --type deb "${common[@]}" "${linux_common[@]}" \
        --linux-package-deps "libgtk-3-0 | libgtk-3-0t64" ;;
    rpm)
      "$JAVA_HOME/bin/jpackage" --type rpm "${common[@]}" "${linux_common[@]}" \
        --linux-rpm-license-type "$(prop license)" --linux-package-deps gtk3 ;;
    msi|exe)
      "$JAVA_HOME/bin/jpackage" --type "$t" "${common[@]}" --file-associations "$out/resources/txt.properties" \
        --win-menu --win-menu-group "$name" --win-shortcut --win-dir-chooser \
        --win-upgrade-uuid 5b0d6f3e-7c2a-4b8e-9a61-2f4c8d1e0b57 ;;
    dmg|pkg)
      "$JAVA_HOME/bin/jpackage" --type "$t" "${common[@]}" --file-associations "$out/resources/txt.properties" \
        --mac-package-identifier "$(prop id)" --mac-package-name "$name" ;;
  esac
done

# --- what was made -----------------------------------------------------------------------------
rm -rf "$out/input" "$out/runtime" "$out/fxmods"
echo "Built in target/installer/ with $("$JAVA_HOME/bin/java" -version 2>&1 | head -1):"
printf '  %-40s %s\n' "$(basename "$image")/ (app image)" "$(du -sh "$image" | cut -f1)"
for f in "$out"/*.deb "$out"/*.rpm "$out"/*.msi "$out"/*.exe "$out"/*.dmg "$out"/*.pkg; do
  [ -f "$f" ] && printf '  %-40s %s\n' "$(basename "$f")" "$(du -h "$f" | cut -f1)"
done
case "$os" in
  linux) echo "Run: target/installer/$name/bin/$name [SUBCOMMAND ...]" ;;
  windows) echo "Run: target/installer/$name/$name.exe (desktop app), $name-cli.exe SUBCOMMAND ..." ;;
  mac) echo "Run: open target/installer/$name.app, or target/installer/$name.app/Contents/MacOS/$name SUBCOMMAND ..." ;;
esac
